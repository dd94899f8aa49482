//! Process memory as Linux reports it in `/proc/<pid>/status`. Resident set size is what the
//! budget ("idle memory ≤ 30 MiB", "≤ 16 KiB per session") is written in.

use anyhow::{Context, Result};

/// The resident set size (`VmRSS`) of process `pid`, in KiB.
pub fn rss_kib(pid: u32) -> Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    parse_vm_rss(&status).with_context(|| format!("no VmRSS line in {path}"))
}

/// KiB to MiB, for printing.
pub fn kib_to_mib(kib: u64) -> f64 {
    // u64 → f64 is exact far beyond any memory size we will meet.
    kib as f64 / 1024.0
}

/// Finds `VmRSS:   12345 kB` in the text of a `/proc/<pid>/status` file.
fn parse_vm_rss(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_rss_is_read_in_kib_from_a_status_file() {
        let status = "Name:\tcats\nVmPeak:\t  99999 kB\nVmRSS:\t   18432 kB\nThreads:\t5\n";
        assert_eq!(parse_vm_rss(status), Some(18432));
    }

    #[test]
    fn a_status_file_without_vm_rss_gives_nothing() {
        // Kernel threads and zombies have no VmRSS line.
        assert_eq!(parse_vm_rss("Name:\tkthreadd\nState:\tS\n"), None);
    }

    #[test]
    fn this_process_has_a_resident_set() {
        let kib = rss_kib(std::process::id()).ok();
        assert!(kib.is_some_and(|kib| kib > 0), "got {kib:?}");
    }

    #[test]
    fn kib_convert_to_mib() {
        assert!((kib_to_mib(30 * 1024) - 30.0).abs() < f64::EPSILON);
    }
}
