//! The factors of each pathway: which answers feed its score, through which table,
//! raised to which exponent. One file per pathway, each with the original's test
//! cases for it.
//!
//! Factors are listed in the original's order because the product is rounded and
//! floating-point multiplication is not associative.

mod education;
mod health;
mod housing;
mod money;
mod relationships;
mod thoughts;
mod wellbeing;
mod working;

use super::answers::Answers;
use super::error::ScoringError;
use super::inputs::ScoringInputs;
use super::pathway::Pathway;
use super::rag::power_round;
use super::tables::{AgeTable, Flag, Table};

/// One term of a pathway's product.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Factor {
    /// What it measures: a question code, or a code and the part of it, e.g.
    /// `"B2 behind on rent"`.
    pub source: &'static str,
    /// The percentile looked up for the answer.
    pub percentile: f64,
    /// The exponent (weight) applied to it.
    pub exponent: f64,
    /// `percentile ^ exponent`, rounded to 5 decimals: what goes into the product.
    pub value: f64,
}

impl Factor {
    /// A factor raised once, as every factor but one is.
    fn new(source: &'static str, percentile: f64, exponent: f64) -> Factor {
        Factor {
            source,
            percentile,
            exponent,
            value: power_round(percentile, exponent),
        }
    }

    /// A factor raised to its exponent, rounded, then raised and rounded again.
    /// Only Relationships F1 is: the original applies the weight both inside the
    /// lookup and again in the pathway's list, and its scores carry that.
    fn raised_twice(source: &'static str, percentile: f64, exponent: f64) -> Factor {
        Factor {
            source,
            percentile,
            exponent,
            value: power_round(power_round(percentile, exponent), exponent),
        }
    }
}

/// The factors of `pathway` for these answers, in the original's order.
pub fn factors(
    pathway: Pathway,
    answers: &Answers,
    inputs: &ScoringInputs,
) -> Result<Vec<Factor>, ScoringError> {
    match pathway {
        Pathway::Working => working::factors(answers, inputs),
        Pathway::Housing => housing::factors(answers, inputs),
        Pathway::Money => money::factors(answers),
        Pathway::Education => education::factors(answers),
        Pathway::HealthAndAddiction => health::factors(answers, inputs),
        Pathway::Relationships => relationships::factors(answers),
        Pathway::ThoughtsAndBehaviours => thoughts::factors(answers, inputs),
        Pathway::WellbeingAndMentalHealth => wellbeing::factors(answers),
    }
}

/// The value for `option` in a table keyed by option text.
fn lookup<T: Copy>(
    table: &[(&'static str, T)],
    question: &'static str,
    option: &str,
) -> Result<T, ScoringError> {
    table
        .iter()
        .find(|(key, _)| *key == option)
        .map(|(_, value)| *value)
        // Answers are checked against the questionnaire first, and a test checks
        // that the tables cover every option, so this is a guard, not a path.
        .ok_or_else(|| ScoringError::UnknownOption {
            question,
            option: option.to_owned(),
        })
}

/// The percentile of a single-choice answer.
fn single(answers: &Answers, question: &'static str, table: Table) -> Result<f64, ScoringError> {
    lookup(table, question, answers.single(question)?)
}

/// The percentile of a single-choice answer whose table depends on age.
fn single_by_age(
    answers: &Answers,
    question: &'static str,
    table: AgeTable,
    age: u32,
) -> Result<f64, ScoringError> {
    Ok(lookup(table, question, answers.single(question)?)?.at(age))
}

/// The percentile of one tick-box of a multiple-choice answer: its value when
/// ticked, 1 otherwise. Other boxes, "none" included, do not matter.
fn ticked(chosen: &[String], (option, percentile): Flag) -> f64 {
    if chosen.iter().any(|text| text == option) {
        percentile
    } else {
        1.0
    }
}

#[cfg(test)]
mod testing {
    //! Builders shared by the pathway tests: answers are written as stored rows,
    //! `(question code, option text)`, one row per ticked option.

    use crate::domain::assessment::answers::Answers;
    use crate::domain::assessment::error::ScoringError;
    use crate::domain::assessment::inputs::{Region, ScoringInputs, Sex};
    use crate::domain::assessment::pathway::Pathway;
    use crate::domain::assessment::scoring::score_pathway;

    /// A person of this age, sex and region.
    pub fn person(age: u32, sex: Sex, region: Region) -> ScoringInputs {
        ScoringInputs { age, sex, region }
    }

    /// The pathway's RAG score.
    pub fn rag(
        pathway: Pathway,
        rows: &[(&str, &str)],
        who: ScoringInputs,
    ) -> Result<u8, ScoringError> {
        let answers = Answers::from_rows(rows.iter().copied());
        score_pathway(pathway, &answers, &who).map(|s| s.score)
    }

    /// The pathway's cumulative percentile P.
    pub fn cumulative(
        pathway: Pathway,
        rows: &[(&str, &str)],
        who: ScoringInputs,
    ) -> Result<f64, ScoringError> {
        let answers = Answers::from_rows(rows.iter().copied());
        score_pathway(pathway, &answers, &who).map(|s| s.percentile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::inputs::{Region, Sex};
    use crate::domain::assessment::questions;

    /// A complete answer set: every question's first option.
    fn first_options() -> Answers {
        questions::all()
            .iter()
            .fold(Answers::new(), |a, q| a.with(q.code, [q.options[0]]))
    }

    #[test]
    fn exactly_the_scored_questions_are_needed_to_score() {
        let who = ScoringInputs {
            age: 30,
            sex: Sex::Male,
            region: Region::London,
        };
        for q in questions::all() {
            let mut answers = first_options();
            answers.set(q.code, Vec::<String>::new());
            let result = factors(q.pathway, &answers, &who);
            if q.scored {
                assert_eq!(
                    result.err(),
                    Some(ScoringError::MissingAnswer { question: q.code }),
                    "{} is scored",
                    q.code
                );
            } else {
                assert!(result.is_ok(), "{} is not scored", q.code);
            }
        }
    }

    #[test]
    fn a_none_box_beside_others_is_ignored() {
        let chosen = vec!["None of the above".to_owned(), "Facing eviction".to_owned()];
        assert_eq!(ticked(&chosen, ("Facing eviction", 0.02)), 0.02);
        assert_eq!(ticked(&chosen, ("Behind on rent/mortgage", 0.09)), 1.0);
    }
}
