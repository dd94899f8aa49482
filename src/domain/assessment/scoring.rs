//! Scoring: from answers and the person's age, sex and region to one RAG score per
//! pathway (DOMAIN.md §3).
//!
//! Per pathway: each factor is its answer's percentile raised to the factor's
//! exponent and rounded to 5 decimals; P is their product rounded to 5 decimals;
//! the score is `round(100 / (1 + ((1 − P)·K / ((1 − K)·P))^(1/K)))` with the
//! pathway's constant K. All rounding is half to even, as in the original.

use super::answers::Answers;
use super::bands::Band;
use super::error::ScoringError;
use super::factors::{factors, Factor};
use super::inputs::ScoringInputs;
use super::pathway::Pathway;
use super::rag::{cumulative, rag_score};

/// The outcome of scoring one pathway.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathwayScore {
    /// Which pathway.
    pub pathway: Pathway,
    /// The cumulative percentile P (0–1, 5 decimals) the score is derived from.
    pub percentile: f64,
    /// The RAG score, 0–100.
    pub score: u8,
}

impl PathwayScore {
    /// Red, amber or green.
    pub fn band(&self) -> Band {
        Band::of(self.score)
    }
}

/// The factors of one pathway, for showing how a score came about.
pub fn explain_pathway(
    pathway: Pathway,
    answers: &Answers,
    inputs: &ScoringInputs,
) -> Result<Vec<Factor>, ScoringError> {
    factors(pathway, answers, inputs)
}

/// Scores one pathway. Only that pathway's scored questions need answers.
pub fn score_pathway(
    pathway: Pathway,
    answers: &Answers,
    inputs: &ScoringInputs,
) -> Result<PathwayScore, ScoringError> {
    let factors = factors(pathway, answers, inputs)?;
    let percentile = cumulative(factors.iter().map(|f| f.value));
    Ok(PathwayScore {
        pathway,
        percentile,
        score: rag_score(percentile, pathway.constant()),
    })
}

/// Scores all eight pathways, in questionnaire order, stopping at the first
/// problem. Submission also needs the unscored questions answered: check
/// [`Answers::problems`] first to report every gap at once.
pub fn score_assessment(
    answers: &Answers,
    inputs: &ScoringInputs,
) -> Result<[PathwayScore; 8], ScoringError> {
    let mut scores = Pathway::ALL.map(|pathway| PathwayScore {
        pathway,
        percentile: 0.0,
        score: 0,
    });
    for slot in &mut scores {
        *slot = score_pathway(slot.pathway, answers, inputs)?;
    }
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::inputs::{Region, Sex};
    use crate::domain::assessment::questions;

    fn someone() -> ScoringInputs {
        ScoringInputs {
            age: 45,
            sex: Sex::Female,
            region: Region::EastMidlands,
        }
    }

    /// Every question answered with its last option.
    fn last_options() -> Answers {
        questions::all().iter().fold(Answers::new(), |a, q| {
            let last = q.options[q.options.len() - 1];
            a.with(q.code, [last])
        })
    }

    #[test]
    fn the_worked_housing_example_scores_77_then_13_then_0() {
        let own_home = "Housing is rented or owned by you, your partner, parent or guardian";
        let mut answers = Answers::new()
            .with("B1", [own_home])
            .with("B2", ["Behind on rent/mortgage"])
            .with("B4", ["Very satisfied"])
            .with("B5", ["Very safe"]);
        let score = |a: &Answers| score_pathway(Pathway::Housing, a, &someone()).map(|s| s.score);
        assert_eq!(score(&answers), Ok(77));
        answers.set(
            "B2",
            [
                "Behind on rent/mortgage",
                "Facing eviction",
                "Worried may become homeless",
            ],
        );
        assert_eq!(score(&answers), Ok(13));
        answers.set("B1", ["Temporary or supported housing"]);
        answers.set(
            "B2",
            ["Behind on rent/mortgage", "Worried may become homeless"],
        );
        answers.set("B4", ["Very dissatisfied"]);
        answers.set("B5", ["A bit unsafe"]);
        assert_eq!(score(&answers), Ok(0));
    }

    #[test]
    fn the_worked_example_factors_are_the_documented_percentiles() {
        let answers = Answers::new()
            .with("B1", ["Temporary or supported housing"])
            .with(
                "B2",
                ["Behind on rent/mortgage", "Worried may become homeless"],
            )
            .with("B4", ["Very dissatisfied"])
            .with("B5", ["A bit unsafe"]);
        let percentiles: Result<Vec<f64>, _> =
            explain_pathway(Pathway::Housing, &answers, &someone())
                .map(|f| f.iter().map(|f| f.percentile).collect());
        assert_eq!(percentiles, Ok(vec![0.01, 0.09, 1.0, 0.02, 0.03, 0.31]));
    }

    #[test]
    fn a_whole_assessment_gives_eight_scores_in_order() {
        let scores = score_assessment(&last_options(), &someone());
        let pathways: Result<Vec<Pathway>, _> =
            scores.map(|s| s.iter().map(|s| s.pathway).collect());
        assert_eq!(pathways, Ok(Pathway::ALL.to_vec()));
    }

    #[test]
    fn a_missing_scored_answer_is_named() {
        let mut answers = last_options();
        answers.set("A4", Vec::<String>::new());
        assert_eq!(
            score_assessment(&answers, &someone()).err(),
            Some(ScoringError::MissingAnswer { question: "A4" })
        );
    }

    #[test]
    fn scores_carry_their_band() {
        let answers = Answers::new()
            .with("B1", ["Temporary or supported housing"])
            .with(
                "B2",
                ["Behind on rent/mortgage", "Worried may become homeless"],
            )
            .with("B4", ["Very dissatisfied"])
            .with("B5", ["A bit unsafe"]);
        let band = score_pathway(Pathway::Housing, &answers, &someone()).map(|s| s.band());
        assert_eq!(band, Ok(Band::Red));
    }
}
