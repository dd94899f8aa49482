//! Assessments: the 71-question questionnaire, its scoring into eight pathway RAG
//! scores, the red/amber/green bands and the rule for submitting (DOMAIN.md §3).
//!
//! Scoring reproduces the original CATS to the point, quirks included (DOMAIN.md
//! §11): F1's weight applied twice, "none" boxes that do not exclude others, E1's
//! irregular age bands, C2/C3 scoring "Yes" as 1, and .NET's half-to-even rounding.
//! Where the original would throw, a [`ScoringError`] names the question to fix.
//!
//! Typical use at submission:
//! 1. [`Answers::problems`] — every mandatory question answered with its own options;
//! 2. [`score_assessment`] with the person's [`ScoringInputs`] — eight [`PathwayScore`]s;
//! 3. [`check_submission`] on the latest scores when the case is submitted to PQA.

mod answers;
mod bands;
mod eligibility;
mod error;
mod factors;
mod inputs;
mod pathway;
mod questionnaire;
mod questions;
mod rag;
mod scoring;
mod tables;

pub use answers::Answers;
pub use bands::{Band, AMBER_UP_TO, RED_BELOW};
pub use eligibility::{check_submission, justification_required, EligibilityError};
pub use error::ScoringError;
pub use factors::Factor;
pub use inputs::{Region, ScoringInputs, Sex};
pub use pathway::Pathway;
pub use questions::{
    all as all_questions, for_pathway as pathway_questions, question, Choice, Question,
};
pub use scoring::{explain_pathway, score_assessment, score_pathway, PathwayScore};
