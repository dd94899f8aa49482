//! Reference data the case page reads on every request, kept in process: location names and
//! people's display names. The application only ever inserts these rows (locations come from
//! seeding, accounts are created and their names never edited), so a copy can only lack a row,
//! never hold a wrong one: a name asked for and missing is read at once. A copy older than
//! [`MAX_AGE`] is read again, so a name an operator changes by hand in the database shows
//! within that time on every instance. One cache per [`super::Store`] (per database).

use super::db::Exec;
use super::{org, users, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a copy is trusted before it is read again.
pub const MAX_AGE: Duration = Duration::from_secs(30);

/// Names by id, with when they were read.
type Names = (Instant, Arc<HashMap<i64, String>>);

/// The in-process copies of one database's reference data.
#[derive(Debug, Default)]
pub struct ReferenceCache {
    locations: RwLock<Option<Names>>,
    people: RwLock<HashMap<i64, (Instant, String)>>,
}

impl ReferenceCache {
    /// Every location's name, read again when one of `needed` is missing or the copy is old.
    pub async fn location_names(
        &self,
        q: &mut impl Exec,
        needed: &[i64],
    ) -> Result<Arc<HashMap<i64, String>>, StoreError> {
        let cached = self
            .locations
            .read()
            .ok()
            .and_then(|guard| guard.as_ref().map(|(at, names)| (*at, Arc::clone(names))));
        if let Some((at, names)) = cached {
            if at.elapsed() < MAX_AGE && needed.iter().all(|id| names.contains_key(id)) {
                return Ok(names);
            }
        }
        let names = Arc::new(org::location_names(q).await?);
        if let Ok(mut guard) = self.locations.write() {
            *guard = Some((Instant::now(), Arc::clone(&names)));
        }
        Ok(names)
    }

    /// The display names of `ids` (those that exist), reading only the ones not held or old.
    pub async fn display_names(
        &self,
        q: &mut impl Exec,
        ids: &[i64],
    ) -> Result<HashMap<i64, String>, StoreError> {
        let mut found = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        if let Ok(guard) = self.people.read() {
            for id in ids {
                match guard.get(id) {
                    Some((at, name)) if at.elapsed() < MAX_AGE => {
                        found.insert(*id, name.clone());
                    }
                    _ => missing.push(*id),
                }
            }
        } else {
            missing.extend_from_slice(ids);
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let read = users::display_names(q, &missing).await?;
        if let Ok(mut guard) = self.people.write() {
            let now = Instant::now();
            for (id, name) in &read {
                guard.insert(*id, (now, name.clone()));
            }
        }
        found.extend(read);
        Ok(found)
    }
}
