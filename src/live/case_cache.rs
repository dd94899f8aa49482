//! What the case page read of each case, kept per instance under the case's page stamp
//! (decision record 20). The database moves a case's stamp in the same transaction as any
//! change to what the page shows (migration 0017's triggers), so a page that reads the stamp
//! (with the check that the person may see the case) and finds data kept under that same
//! stamp shows exactly what reading it all again would: one small read instead of eight.
//!
//! Data is kept under the stamp read *before* it, never after: data read later is at least
//! as new as its stamp, so the worst a race costs is a page that reads again next time.

use super::case_view::CaseData;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Cases kept at most (a case's data is a few KiB; a worker opens a few dozen cases a day).
const CAPACITY: usize = 10_000;

/// Case data by case id, each under the page stamp it was read at.
pub struct CaseCache<T = CaseData> {
    entries: Mutex<HashMap<String, (i64, Arc<T>)>>,
}

impl<T> Default for CaseCache<T> {
    fn default() -> Self {
        CaseCache {
            entries: Mutex::default(),
        }
    }
}

impl<T> CaseCache<T> {
    /// The case's data, if it was kept under `stamp`.
    pub fn get(&self, id: &str, stamp: i64) -> Option<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        match entries.get(id) {
            Some((kept, data)) if *kept == stamp => Some(Arc::clone(data)),
            _ => None,
        }
    }

    /// Keeps `data`, read after the case's stamp was `stamp`.
    pub fn put(&self, id: &str, stamp: i64, data: Arc<T>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY && !entries.contains_key(id) {
            // Half of them, whichever the map yields first: cheaper to keep than recency, and
            // a case dropped by mistake costs one read.
            let drop: Vec<String> = entries.keys().take(CAPACITY / 2).cloned().collect();
            for key in drop {
                entries.remove(&key);
            }
        }
        entries.insert(id.to_owned(), (stamp, data));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn len<T>(cache: &CaseCache<T>) -> usize {
        cache.entries.lock().map(|e| e.len()).unwrap_or_default()
    }

    #[test]
    fn data_is_found_only_under_the_stamp_it_was_kept_at() {
        let cache = CaseCache::default();
        cache.put("1CATS0001", 7, Arc::new("at seven"));
        assert_eq!(cache.get("1CATS0001", 7).as_deref(), Some(&"at seven"));
        assert!(cache.get("1CATS0001", 8).is_none(), "the case has moved on");
        assert!(cache.get("1CATS0002", 7).is_none());
        cache.put("1CATS0001", 8, Arc::new("at eight"));
        assert!(cache.get("1CATS0001", 7).is_none());
        assert_eq!(cache.get("1CATS0001", 8).as_deref(), Some(&"at eight"));
    }

    #[test]
    fn a_full_cache_makes_room_and_keeps_the_newcomer() {
        let cache = CaseCache::default();
        for i in 0..CAPACITY {
            cache.put(&i.to_string(), 1, Arc::new(i));
        }
        assert_eq!(len(&cache), CAPACITY);
        cache.put("new", 1, Arc::new(0));
        assert_eq!(len(&cache), CAPACITY / 2 + 1);
        assert!(cache.get("new", 1).is_some());
    }
}
