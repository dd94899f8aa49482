//! Presence on one topic: who is here, gathered from every instance's sessions. Each entry is
//! one browser tab (an instance and a session on it); people are shown once however many tabs
//! they have, with the state they set most recently.

use crate::protocol::PresentUser;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

/// One tab's entry. The user id and name are shared (`Arc<str>`) by every topic a socket
/// joins and by the roster, so a tab costs no string copies of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The application's user id.
    pub user: Arc<str>,
    /// Display name.
    pub name: Arc<str>,
    /// Free-text state.
    pub state: String,
}

/// A tab: which instance holds it and its session number there.
pub type Tab = (u64, u64);

/// What is shown for a person: name and state, or nothing when absent.
type Shown = Option<(Arc<str>, String)>;

/// Who joined, left or changed state after an update.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Users who were not present before.
    pub joined: Vec<String>,
    /// Users no longer present.
    pub left: Vec<String>,
    /// Users whose shown state changed.
    pub changed: Vec<String>,
}

impl Changes {
    /// True when nothing visible changed.
    pub fn is_empty(&self) -> bool {
        self.joined.is_empty() && self.left.is_empty() && self.changed.is_empty()
    }
}

#[derive(Debug, Clone)]
struct Held {
    entry: Entry,
    /// Order of the last state change, so the newest state wins.
    stamp: u64,
}

/// One person on the topic: their tabs, and what is shown for them (kept up to date as tabs
/// come and go, so a change costs the person's own tabs, never everyone's).
#[derive(Debug, Default)]
struct Person {
    tabs: HashSet<Tab>,
    /// Name and state of the tab changed most recently.
    shown: Option<(Arc<str>, String)>,
}

/// The presence roster of one topic.
#[derive(Debug, Default)]
pub struct Roster {
    tabs: HashMap<Tab, Held>,
    people: HashMap<Arc<str>, Person>,
    clock: u64,
    /// What was shown for each person touched since the last `settle`, as it was before the
    /// first touch: updates are told to subscribers together, not one frame per join.
    unsettled: HashMap<Arc<str>, Shown>,
    /// Counts visible changes, so a topic knows who has seen the roster as it is.
    version: u64,
}

impl Roster {
    /// An empty roster.
    pub fn new() -> Self {
        Self::default()
    }

    /// The people present, one line each, ordered by name.
    pub fn users(&self) -> Vec<PresentUser> {
        let mut users: Vec<PresentUser> = self
            .people
            .iter()
            .filter_map(|(id, person)| {
                person.shown.as_ref().map(|(name, state)| PresentUser {
                    id: id.to_string(),
                    name: name.to_string(),
                    state: state.clone(),
                })
            })
            .collect();
        users.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        users
    }

    fn shown(&self, user: &str) -> Shown {
        self.people.get(user).and_then(|p| p.shown.clone())
    }

    /// Recomputes what is shown for a person from their tabs; forgets them with no tab left.
    fn refresh(&mut self, user: &str) {
        let Some(person) = self.people.get(user) else {
            return;
        };
        let newest = person
            .tabs
            .iter()
            .filter_map(|tab| self.tabs.get(tab))
            .max_by_key(|held| held.stamp)
            .map(|held| (held.entry.name.clone(), held.entry.state.clone()));
        match newest {
            Some(shown) => {
                if let Some(person) = self.people.get_mut(user) {
                    person.shown = Some(shown);
                }
            }
            None => {
                self.people.remove(user);
            }
        }
    }

    /// Applies an update that touches `users`, and says what changed for them.
    fn apply(&mut self, users: Vec<Arc<str>>, update: impl FnOnce(&mut Self)) -> Changes {
        let before: Vec<(Arc<str>, Shown)> = users
            .into_iter()
            .map(|u| (u.clone(), self.shown(&u)))
            .collect();
        for (user, was) in &before {
            if !self.unsettled.contains_key(user) {
                self.unsettled.insert(user.clone(), was.clone());
            }
        }
        update(self);
        let mut changes = Changes::default();
        for (user, was) in before {
            self.refresh(&user);
            match (was, self.shown(&user)) {
                (None, Some(_)) => changes.joined.push(user.to_string()),
                (Some(_), None) => changes.left.push(user.to_string()),
                (Some(old), Some(new)) if old.1 != new.1 => changes.changed.push(user.to_string()),
                _ => {}
            }
        }
        changes.joined.sort();
        changes.joined.dedup();
        changes.left.sort();
        changes.left.dedup();
        changes.changed.sort();
        changes.changed.dedup();
        if !changes.is_empty() {
            self.version += 1;
        }
        changes
    }

    /// Goes up with every visible change: whoever was shown the roster at this version has
    /// seen everything up to it.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// What changed, in sum, since the last call: many joins, leaves and state changes in a
    /// short moment become one update (someone who came and went in between is no change).
    pub fn settle(&mut self) -> Changes {
        let mut changes = Changes::default();
        for (user, was) in std::mem::take(&mut self.unsettled) {
            match (was, self.shown(&user)) {
                (None, Some(_)) => changes.joined.push(user.to_string()),
                (Some(_), None) => changes.left.push(user.to_string()),
                (Some(old), Some(new)) if old.1 != new.1 => changes.changed.push(user.to_string()),
                _ => {}
            }
        }
        changes.joined.sort();
        changes.left.sort();
        changes.changed.sort();
        changes
    }

    fn user_of(&self, tab: &Tab) -> Option<Arc<str>> {
        self.tabs.get(tab).map(|held| held.entry.user.clone())
    }

    /// A tab joins (or re-announces itself with its current state).
    pub fn join(&mut self, tab: Tab, entry: Entry) -> Changes {
        let mut users = vec![entry.user.clone()];
        users.extend(self.user_of(&tab));
        self.apply(users, |roster| {
            roster.clock += 1;
            let stamp = roster.clock;
            if roster
                .tabs
                .get(&tab)
                .is_some_and(|held| held.entry == entry)
            {
                return;
            }
            if let Some(old) = roster.tabs.get(&tab).map(|h| h.entry.user.clone()) {
                if let Some(person) = roster.people.get_mut(&old) {
                    person.tabs.remove(&tab);
                }
            }
            roster
                .people
                .entry(entry.user.clone())
                .or_default()
                .tabs
                .insert(tab);
            roster.tabs.insert(tab, Held { entry, stamp });
        })
    }

    /// A tab sets its state.
    pub fn change(&mut self, tab: Tab, state: String) -> Changes {
        let users = self.user_of(&tab).into_iter().collect();
        self.apply(users, |roster| {
            roster.clock += 1;
            let stamp = roster.clock;
            if let Some(held) = roster.tabs.get_mut(&tab) {
                if held.entry.state != state {
                    held.entry.state = state;
                    held.stamp = stamp;
                }
            }
        })
    }

    /// A tab leaves. Only its own entries are touched (not a scan of every tab: thousands of
    /// sockets leaving a busy topic at once would otherwise cost a scan each).
    pub fn leave(&mut self, tab: Tab) -> Changes {
        let users = self.user_of(&tab).into_iter().collect();
        self.apply(users, |roster| {
            if let Some(held) = roster.tabs.remove(&tab) {
                if let Some(person) = roster.people.get_mut(&held.entry.user) {
                    person.tabs.remove(&tab);
                }
            }
        })
    }

    fn remove_tabs(&mut self, gone: impl Fn(&Tab) -> bool) {
        let leaving: Vec<Tab> = self.tabs.keys().filter(|t| gone(t)).copied().collect();
        for tab in leaving {
            if let Some(held) = self.tabs.remove(&tab) {
                if let Some(person) = self.people.get_mut(&held.entry.user) {
                    person.tabs.remove(&tab);
                }
            }
        }
    }

    fn users_on(&self, instance: impl Fn(u64) -> bool) -> Vec<Arc<str>> {
        self.tabs
            .iter()
            .filter(|((i, _), _)| instance(*i))
            .map(|(_, held)| held.entry.user.clone())
            .collect()
    }

    /// Every tab of an instance leaves (it stopped, or went silent).
    pub fn drop_instance(&mut self, instance: u64) -> Changes {
        let users = self.users_on(|i| i == instance);
        self.apply(users, |roster| roster.remove_tabs(|(i, _)| *i == instance))
    }

    /// Drops the tabs of every instance `alive` says is gone.
    pub fn drop_dead(&mut self, alive: impl Fn(u64) -> bool) -> Changes {
        let users = self.users_on(|i| !alive(i));
        if users.is_empty() {
            return Changes::default();
        }
        self.apply(users, |roster| roster.remove_tabs(|(i, _)| !alive(*i)))
    }

    /// The tabs of one instance (to re-announce them).
    pub fn tabs_of(&self, instance: u64) -> Vec<(u64, Entry)> {
        self.tabs
            .iter()
            .filter(|((i, _), _)| *i == instance)
            .map(|((_, session), held)| (*session, held.entry.clone()))
            .collect()
    }

    /// True when no one is present.
    pub fn is_empty(&self) -> bool {
        self.tabs.is_empty()
    }
}

/// When each instance was last heard from.
#[derive(Debug, Default)]
pub struct Liveness(HashMap<u64, Instant>);

impl Liveness {
    /// Records a sign of life.
    pub fn heard(&mut self, instance: u64, at: Instant) {
        self.0.insert(instance, at);
    }

    /// True when the instance was heard from within `within` of `now` (or is this one).
    pub fn is_alive(&self, instance: u64, now: Instant, within: std::time::Duration) -> bool {
        self.0
            .get(&instance)
            .is_some_and(|at| now.duration_since(*at) <= within)
    }

    /// Forgets an instance.
    pub fn forget(&mut self, instance: u64) {
        self.0.remove(&instance);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(user: &str, state: &str) -> Entry {
        Entry {
            user: user.into(),
            name: format!("Name {user}").into(),
            state: state.into(),
        }
    }

    #[test]
    fn a_user_with_two_tabs_is_present_once_and_leaves_with_the_last_tab() {
        let mut roster = Roster::new();
        assert_eq!(roster.join((1, 1), entry("u1", "")).joined, vec!["u1"]);
        assert!(
            roster.join((2, 7), entry("u1", "")).is_empty(),
            "second tab, other instance"
        );
        assert_eq!(roster.users().len(), 1);
        assert!(roster.leave((1, 1)).is_empty());
        assert_eq!(roster.leave((2, 7)).left, vec!["u1"]);
        assert!(roster.is_empty());
    }

    #[test]
    fn the_newest_state_is_shown() {
        let mut roster = Roster::new();
        roster.join((1, 1), entry("u1", ""));
        roster.join((1, 2), entry("u1", ""));
        assert_eq!(
            roster.change((1, 2), "editing Consent".into()).changed,
            vec!["u1"]
        );
        assert_eq!(roster.users()[0].state, "editing Consent");
        assert!(roster.change((1, 2), "editing Consent".into()).is_empty());
        assert_eq!(
            roster.leave((1, 2)).changed,
            vec!["u1"],
            "back to the other tab's state"
        );
        assert_eq!(roster.users()[0].state, "");
    }

    #[test]
    fn settling_sums_up_many_updates_in_one() {
        let mut roster = Roster::new();
        roster.join((1, 1), entry("u1", ""));
        assert_eq!(roster.settle().joined, vec!["u1"]);
        roster.join((1, 2), entry("u2", ""));
        roster.join((1, 3), entry("u3", ""));
        roster.join((1, 4), entry("u3", ""));
        roster.join((1, 5), entry("u4", ""));
        roster.leave((1, 5));
        roster.change((1, 1), "editing".into());
        roster.change((1, 1), "".into());
        roster.leave((1, 2));
        roster.join((1, 6), entry("u2", ""));
        let changes = roster.settle();
        assert_eq!(
            changes.joined,
            vec!["u2", "u3"],
            "u2 joined (then left and came back) within the batch; u4 came and went"
        );
        assert!(changes.left.is_empty());
        assert!(
            changes.changed.is_empty(),
            "u1 is back to the state shown before"
        );
        roster.leave((1, 3));
        assert!(roster.settle().is_empty(), "u3 still has a tab");
        roster.leave((1, 4));
        roster.change((1, 1), "editing".into());
        let changes = roster.settle();
        assert_eq!(changes.left, vec!["u3"]);
        assert_eq!(changes.changed, vec!["u1"]);
        assert!(roster.settle().is_empty(), "settled once");
    }

    #[test]
    fn a_tab_leaving_leaves_the_other_tabs() {
        let mut roster = Roster::new();
        roster.join((1, 1), entry("u1", ""));
        roster.join((1, 2), entry("u2", ""));
        roster.join((2, 1), entry("u1", ""));
        assert!(roster.leave((1, 1)).is_empty());
        assert!(roster.leave((1, 1)).is_empty(), "already gone");
        assert_eq!(roster.tabs_of(1).len(), 1);
        assert_eq!(roster.tabs_of(2).len(), 1);
        assert_eq!(roster.leave((2, 1)).left, vec!["u1"]);
        assert_eq!(roster.users().len(), 1);
    }

    #[test]
    fn a_dead_instances_tabs_leave() {
        let mut roster = Roster::new();
        roster.join((1, 1), entry("u1", ""));
        roster.join((2, 1), entry("u2", ""));
        let changes = roster.drop_dead(|instance| instance == 1);
        assert_eq!(changes.left, vec!["u2"]);
        assert_eq!(roster.users().len(), 1);
        assert_eq!(roster.tabs_of(1).len(), 1);
    }

    #[test]
    fn liveness_expires() {
        let mut alive = Liveness::default();
        let start = Instant::now();
        alive.heard(4, start);
        let window = std::time::Duration::from_secs(30);
        assert!(alive.is_alive(4, start + std::time::Duration::from_secs(29), window));
        assert!(!alive.is_alive(4, start + std::time::Duration::from_secs(31), window));
        assert!(!alive.is_alive(5, start, window));
    }
}
