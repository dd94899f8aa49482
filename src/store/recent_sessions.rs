//! Sessions read in the last second, kept in process so that a burst of requests from one
//! signed-in person (a page, its fragments, a save) reads the session row once, not once per
//! request (decision record 19).
//!
//! Anything that changes a session row in this process (touch, revoke, revoke all of a user's)
//! drops the cached copy before it writes, so a change made here is seen by the next request
//! here. A change made on another instance, or one whose transaction commits just after a
//! request here read the old row, is seen within [`FRESH_FOR`] at most.

use super::sessions::SessionRow;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a session row read from the database is trusted without reading it again.
pub const FRESH_FOR: Duration = Duration::from_secs(1);

/// At most this many sessions are kept; when full, the stale ones go first, then all.
const CAPACITY: usize = 10_000;

/// Recently read session rows by session id, with when they were read.
#[derive(Default)]
pub struct RecentSessions {
    rows: HashMap<String, (SessionRow, Instant)>,
}

impl RecentSessions {
    /// The row read for `id` less than [`FRESH_FOR`] before `now`.
    pub fn get(&self, id: &str, now: Instant) -> Option<SessionRow> {
        let (row, read_at) = self.rows.get(id)?;
        (now.saturating_duration_since(*read_at) < FRESH_FOR).then(|| row.clone())
    }

    /// Keeps `row`, read at `read_at`.
    pub fn put(&mut self, row: SessionRow, read_at: Instant) {
        if self.rows.len() >= CAPACITY && !self.rows.contains_key(&row.id) {
            self.rows
                .retain(|_, (_, at)| read_at.saturating_duration_since(*at) < FRESH_FOR);
            if self.rows.len() >= CAPACITY {
                self.rows.clear();
            }
        }
        self.rows.insert(row.id.clone(), (row, read_at));
    }

    /// Forgets one session.
    pub fn forget(&mut self, id: &str) {
        self.rows.remove(id);
    }

    /// Forgets every session (for tests that move a session's clock by writing to the
    /// database: a row read a second ago stands for "now").
    pub fn clear(&mut self) {
        self.rows.clear();
    }

    /// Forgets every session of a user.
    pub fn forget_user(&mut self, user_id: i64) {
        self.rows.retain(|_, (row, _)| row.user_id != user_id);
    }
}

/// The process's recent sessions (one per process: session ids are random, so the stores of
/// several servers in one test process never share an id).
static RECENT: LazyLock<Mutex<RecentSessions>> = LazyLock::new(Mutex::default);

/// Runs `f` on the process's recent sessions.
pub fn with<T>(f: impl FnOnce(&mut RecentSessions) -> T) -> T {
    // A panic while holding the lock leaves a map that is still consistent.
    f(&mut RECENT.lock().unwrap_or_else(PoisonError::into_inner))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    fn row(id: &str, user_id: i64) -> SessionRow {
        SessionRow {
            id: id.to_owned(),
            user_id,
            csrf_token: "csrf".to_owned(),
            last_seen_at: OffsetDateTime::UNIX_EPOCH,
            revoked_at: None,
            email: "a@b.example".to_owned(),
            display_name: "A".to_owned(),
            tenant_id: "1.".to_owned(),
            tenant_name: "T".to_owned(),
            status: "active".to_owned(),
            locked_at: None,
            lock_reason: None,
            must_change_password: false,
            roles: None,
        }
    }

    #[test]
    fn a_row_is_trusted_for_one_second_only() {
        let mut recent = RecentSessions::default();
        let t0 = Instant::now();
        recent.put(row("s1", 1), t0);
        assert!(recent.get("s1", t0 + Duration::from_millis(999)).is_some());
        assert!(recent.get("s1", t0 + FRESH_FOR).is_none());
        assert!(recent.get("s2", t0).is_none());
    }

    #[test]
    fn forgetting_a_user_drops_all_their_sessions_and_no_one_elses() {
        let mut recent = RecentSessions::default();
        let t0 = Instant::now();
        recent.put(row("s1", 1), t0);
        recent.put(row("s2", 1), t0);
        recent.put(row("s3", 2), t0);
        recent.forget_user(1);
        assert!(recent.get("s1", t0).is_none());
        assert!(recent.get("s2", t0).is_none());
        assert!(recent.get("s3", t0).is_some());
        recent.forget("s3");
        assert!(recent.get("s3", t0).is_none());
    }

    #[test]
    fn a_full_cache_drops_stale_rows_before_fresh_ones() {
        let mut recent = RecentSessions::default();
        let t0 = Instant::now();
        recent.put(row("old", 1), t0);
        for i in 1..CAPACITY {
            recent.put(row(&format!("s{i}"), 2), t0 + FRESH_FOR);
        }
        let later = t0 + FRESH_FOR + Duration::from_millis(1);
        recent.put(row("new", 3), later);
        assert!(recent.get("old", later).is_none());
        assert!(recent.get("s1", later).is_some());
        assert!(recent.get("new", later).is_some());
        assert_eq!(recent.rows.len(), CAPACITY);
    }
}
