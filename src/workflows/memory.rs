//! Gives freed heap back to the operating system. glibc keeps memory freed by closed sockets
//! in its arenas; measured here, a periodic `malloc_trim(0)` keeps per-session memory after
//! reconnect churn at the budget (16 KiB) instead of 20–21 KiB. Besides the periodic trim,
//! the server trims right after a burst of sockets opening or closing (decision record 10),
//! so what a mass reconnect (a deploy, a network blip) freed goes back within seconds, not
//! 30 s later.

use std::time::{Duration, Instant};

/// How often to trim in any case.
pub const TRIM_EVERY: Duration = Duration::from_secs(30);

/// How often to look for a burst of closed sockets.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Sockets opened or closed since the last trim that make a burst worth trimming after.
const BURST: u64 = 256;

/// During a long burst, trim at most this often (a trim walks every arena, holding its lock).
const BURST_TRIM_EVERY: Duration = Duration::from_secs(5);

/// Allocations at least this large get pages of their own, which go back to the system when
/// freed, and whose untouched pages are never resident. Argon2's 19 MiB per sign-in otherwise
/// stays in glibc's arenas (measured: 15 MiB idle became 249 MiB after 40 sign-ins and only
/// 132 MiB after trimming; with 128 KiB, 15.5 MiB). At 8 KiB it also takes in actix-http's two
/// 8 KiB buffers per connection, of which an idle socket touches only the first page each:
/// in the arena a reused buffer is resident in full after reconnect churn (decision record 10).
const MMAP_THRESHOLD: i32 = 8 * 1024;

/// Most chunks given pages of their own at once; beyond it glibc uses its arenas. Each such
/// chunk may be a kernel mapping, and a process may hold 65,530 (`vm.max_map_count`): 20,000
/// sockets' 40,000 buffers fit, with room for everything else.
const MMAP_MAX: i32 = 48_000;

/// Sets the allocator up for a long-running server; call once at start.
#[allow(unsafe_code)]
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc's allocation thresholds; it is called before the
    // server's threads allocate much, and takes no pointers.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_MMAP_MAX, MMAP_MAX);
    }
}

/// Returns free heap pages to the system.
#[allow(unsafe_code)]
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas; it takes no pointers from us and is
    // safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// When to trim, from how many sockets have opened or closed so far (the churn): every
/// `TRIM_EVERY`, and once a burst of at least `BURST` is over (none in the last look), or
/// every `BURST_TRIM_EVERY` while a long one goes on.
#[derive(Debug)]
pub struct TrimPolicy {
    last_trim: Instant,
    churn_at_trim: u64,
    churn_at_look: u64,
}

impl TrimPolicy {
    /// A policy that last trimmed at `now`, with a churn of `churn` so far.
    pub fn new(now: Instant, churn: u64) -> Self {
        Self {
            last_trim: now,
            churn_at_trim: churn,
            churn_at_look: churn,
        }
    }

    /// Looks at the churn so far; true when it is time to trim (and records it).
    pub fn look(&mut self, now: Instant, churn: u64) -> bool {
        let since_trim = now.saturating_duration_since(self.last_trim);
        let burst = churn.saturating_sub(self.churn_at_trim) >= BURST;
        let quiet = churn == self.churn_at_look;
        self.churn_at_look = churn;
        let due = since_trim >= TRIM_EVERY || (burst && (quiet || since_trim >= BURST_TRIM_EVERY));
        if due {
            self.last_trim = now;
            self.churn_at_trim = churn;
        }
        due
    }
}

/// Trims by `TrimPolicy`, for as long as the runtime runs.
pub async fn trim_forever() {
    let mut policy = TrimPolicy::new(Instant::now(), cats_actors::session_churn());
    loop {
        tokio::time::sleep(LOOK_EVERY).await;
        if policy.look(Instant::now(), cats_actors::session_churn()) {
            let _ = tokio::task::spawn_blocking(trim).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_periodically_when_nothing_happens() {
        let start = Instant::now();
        let mut policy = TrimPolicy::new(start, 0);
        assert!(!policy.look(start + Duration::from_secs(29), 0));
        assert!(policy.look(start + TRIM_EVERY, 0));
        assert!(!policy.look(start + TRIM_EVERY + Duration::from_secs(1), 0));
    }

    #[test]
    fn trims_once_a_burst_of_sockets_opening_or_closing_is_over() {
        let start = Instant::now();
        let second = |n: u64| start + Duration::from_secs(n);
        let mut policy = TrimPolicy::new(start, 0);
        assert!(!policy.look(second(1), 100), "not a burst yet");
        assert!(!policy.look(second(2), 2_000), "a burst, still going on");
        assert!(!policy.look(second(3), 4_000), "still going on");
        assert!(policy.look(second(4), 4_000), "over: trim");
        assert!(!policy.look(second(5), 4_000), "trimmed already");
        assert!(!policy.look(second(6), 4_100), "too few since");
        assert!(!policy.look(second(7), 4_100));
    }

    #[test]
    fn a_long_burst_is_trimmed_now_and_then() {
        let start = Instant::now();
        let second = |n: u64| start + Duration::from_secs(n);
        let mut policy = TrimPolicy::new(start, 0);
        let trims = (1..=12)
            .filter(|&n| policy.look(second(n), n * 1_000))
            .count();
        assert_eq!(trims, 2, "at 5 s and 10 s of a 12 s burst");
    }
}
