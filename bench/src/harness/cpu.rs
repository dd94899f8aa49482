//! CPU time a process has used, from `/proc/<pid>/stat`, so a benchmark can say where the two
//! cores went (server, clients) while it measured: a latency figure from a saturated machine
//! reads differently from one with idle cores.

use anyhow::{Context, Result};

/// Clock ticks per second of `utime`/`stime` (USER_HZ, 100 on every Linux we run on).
const TICKS_PER_SECOND: f64 = 100.0;

/// User plus system CPU time used by process `pid` so far, in seconds.
pub fn cpu_seconds(pid: u32) -> Result<f64> {
    let path = format!("/proc/{pid}/stat");
    let stat = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    parse_ticks(&stat)
        .map(|ticks| ticks as f64 / TICKS_PER_SECOND)
        .with_context(|| format!("no CPU times in {path}"))
}

/// The sum of fields 14 and 15 (utime, stime) of a stat line. The command name (field 2) is in
/// parentheses and may hold spaces, so fields are counted after its closing parenthesis.
fn parse_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// CPU seconds used by several processes together; ones that have gone count as nothing.
pub fn total_cpu_seconds(pids: &[u32]) -> f64 {
    pids.iter().filter_map(|pid| cpu_seconds(*pid).ok()).sum()
}

/// The machine's CPU time from the first line of `/proc/stat`, in seconds: busy (user, nice,
/// system, irq, softirq) and stolen by the hypervisor.
fn machine_seconds() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    parse_machine(&stat)
}

fn parse_machine(stat: &str) -> Option<(f64, f64)> {
    let line = stat.lines().next()?.strip_prefix("cpu ")?;
    let ticks: Vec<u64> = line
        .split_whitespace()
        .map(|field| field.parse().ok())
        .collect::<Option<_>>()?;
    let field = |index: usize| ticks.get(index).copied().unwrap_or(0);
    let busy = field(0) + field(1) + field(2) + field(5) + field(6);
    Some((
        busy as f64 / TICKS_PER_SECOND,
        field(7) as f64 / TICKS_PER_SECOND,
    ))
}

/// CPU used by groups of processes, and by the whole machine, over a stretch of wall time.
/// The machine's share says whether anything else was running (the benchmark machine may be
/// shared) and how much the hypervisor took.
#[derive(Debug)]
pub struct CpuWindow {
    groups: Vec<(String, Vec<u32>, f64)>,
    machine: Option<(f64, f64)>,
    begun: std::time::Instant,
}

impl CpuWindow {
    /// Starts counting for each named group of processes, and for this process ("bench").
    pub fn start(mut groups: Vec<(&str, Vec<u32>)>) -> Self {
        groups.push(("bench", vec![std::process::id()]));
        Self {
            groups: groups
                .into_iter()
                .map(|(name, pids)| {
                    let used = total_cpu_seconds(&pids);
                    (name.to_owned(), pids, used)
                })
                .collect(),
            machine: machine_seconds(),
            begun: std::time::Instant::now(),
        }
    }

    /// "over 4.0 s: servers 1.52 cores, clients 0.31 cores" (CPU seconds per wall second).
    pub fn describe(&self) -> String {
        let wall = self.begun.elapsed().as_secs_f64().max(1e-3);
        let mut ours = 0.0;
        let parts: Vec<String> = self
            .groups
            .iter()
            .map(|(name, pids, before)| {
                let used = total_cpu_seconds(pids) - before;
                ours += used;
                format!("{name} {:.2} cores", used / wall)
            })
            .collect();
        let machine = match (self.machine, machine_seconds()) {
            (Some((busy_before, steal_before)), Some((busy, steal))) => format!(
                "; whole machine {:.2} cores busy ({:.2} by everything else: Redis, other \
                 work on the machine), {:.2} stolen",
                (busy - busy_before) / wall,
                ((busy - busy_before - ours) / wall).max(0.0),
                (steal - steal_before) / wall
            ),
            _ => String::new(),
        };
        format!("CPU over {wall:.1} s: {}{machine}", parts.join(", "))
    }
}

/// Prints how busy the machine is over one second before a run: on a shared machine a busy
/// start means every figure that follows is inflated.
pub async fn print_machine_load() {
    let window = CpuWindow::start(Vec::new());
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    println!("before the run: {}", window.describe());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_system_ticks_are_added() {
        let stat = "1234 (cats serve) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0";
        assert_eq!(parse_ticks(stat), Some(300));
    }

    #[test]
    fn the_machine_line_gives_busy_and_stolen_seconds() {
        let stat = "cpu  1000 100 200 5000 50 0 100 300 0 0\ncpu0 1 2 3 4\n";
        assert_eq!(parse_machine(stat), Some((14.0, 3.0)));
    }

    #[test]
    fn this_process_has_used_some_cpu() {
        let mut spin = 0u64;
        for n in 0..2_000_000u64 {
            spin = spin.wrapping_add(n * n);
        }
        assert!(spin > 0);
        assert!(cpu_seconds(std::process::id()).is_ok());
    }
}
