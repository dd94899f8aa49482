//! Enrolment quality assurance (DOMAIN.md §6): the four queues, who may work each, who may
//! review an entry, and what each decision must say.

pub mod decision;
pub mod queue;
pub mod reviewer;
pub mod stats;

pub use decision::{Decision, DecisionForm, FeedbackType, Qa1Feedback};
pub use queue::Queue;
pub use reviewer::{may_decide, may_take, EntryFacts, ReviewRefusal};
