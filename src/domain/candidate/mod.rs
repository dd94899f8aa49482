//! Finding a person in the external offender data before creating their case (DOMAIN.md §9):
//! the search form's rules, how ranked matches become one outcome, and where the person is.

pub mod location;
pub mod matching;
pub mod search;

pub use location::{locate, FeedLocation, LocationCode};
pub use matching::{choose, Match, MatchOutcome};
pub use search::{CandidateSearch, SearchError};
