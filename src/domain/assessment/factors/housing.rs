//! Housing (B): where they live, three housing problems from B2, satisfaction, and
//! feeling safe after dark (by sex).
//!
//! B2 gives three separate factors, one per problem that matters; its other boxes,
//! "None of the above" included, change nothing. B3 and B6 are asked but not scored.

use super::{single, ticked, Factor};
use crate::domain::assessment::answers::Answers;
use crate::domain::assessment::error::ScoringError;
use crate::domain::assessment::inputs::{ScoringInputs, Sex};
use crate::domain::assessment::tables::{
    B1_HOUSING_STATUS, B2_BEHIND_ON_RENT, B2_EVICTION, B2_HOMELESSNESS_WORRY, B4_SATISFACTION,
    B5_FEELING_SAFE,
};

pub(super) fn factors(
    answers: &Answers,
    inputs: &ScoringInputs,
) -> Result<Vec<Factor>, ScoringError> {
    let b1 = single(answers, "B1", B1_HOUSING_STATUS)?;
    let b2 = answers.multiple("B2")?;
    Ok(vec![
        Factor::new("B1", b1, 0.5),
        Factor::new("B2 behind on rent", ticked(b2, B2_BEHIND_ON_RENT), 0.02),
        Factor::new("B2 facing eviction", ticked(b2, B2_EVICTION), 0.01),
        Factor::new(
            "B2 worried about homelessness",
            ticked(b2, B2_HOMELESSNESS_WORRY),
            0.12,
        ),
        Factor::new("B4", single(answers, "B4", B4_SATISFACTION)?, 0.24),
        Factor::new("B5", feeling_safe(answers, inputs.sex)?, 0.11),
    ])
}

/// B5: women, men and others have their own percentiles.
fn feeling_safe(answers: &Answers, sex: Sex) -> Result<f64, ScoringError> {
    let by_sex = super::lookup(B5_FEELING_SAFE, "B5", answers.single("B5")?)?;
    Ok(match sex {
        Sex::Male => by_sex.male,
        Sex::Female => by_sex.female,
        Sex::Unknown => by_sex.unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{person, rag};
    use crate::domain::assessment::inputs::{Region, Sex};
    use crate::domain::assessment::pathway::Pathway::Housing;

    const OWN_HOME: &str = "Housing is rented or owned by you, your partner, parent or guardian";

    /// The original's cases, which are also DOMAIN.md §3's worked example: a woman
    /// of 45 in the East Midlands.
    fn woman_of_45() -> crate::domain::assessment::inputs::ScoringInputs {
        person(45, Sex::Female, Region::EastMidlands)
    }

    #[test]
    fn original_housing_pathway_green() {
        let answers = [
            ("B1", OWN_HOME),
            ("B2", "Behind on rent/mortgage"),
            ("B4", "Very satisfied"),
            ("B5", "Very safe"),
        ];
        assert_eq!(rag(Housing, &answers, woman_of_45()), Ok(77));
    }

    #[test]
    fn original_housing_pathway_amber() {
        let answers = [
            ("B1", OWN_HOME),
            ("B2", "Behind on rent/mortgage"),
            ("B2", "Facing eviction"),
            ("B2", "Worried may become homeless"),
            ("B4", "Very satisfied"),
            ("B5", "Very safe"),
        ];
        assert_eq!(rag(Housing, &answers, woman_of_45()), Ok(13));
    }

    #[test]
    fn original_housing_pathway_red() {
        let answers = [
            ("B1", "Temporary or supported housing"),
            ("B2", "Behind on rent/mortgage"),
            ("B2", "Worried may become homeless"),
            ("B4", "Very dissatisfied"),
            ("B5", "A bit unsafe"),
        ];
        assert_eq!(rag(Housing, &answers, woman_of_45()), Ok(0));
    }

    #[test]
    fn none_of_the_above_beside_a_problem_is_ignored() {
        let with_none = [
            ("B1", OWN_HOME),
            ("B2", "None of the above"),
            ("B2", "Behind on rent/mortgage"),
            ("B4", "Very satisfied"),
            ("B5", "Very safe"),
        ];
        assert_eq!(rag(Housing, &with_none, woman_of_45()), Ok(77));
    }

    #[test]
    fn unscored_problems_change_nothing() {
        let base = [
            ("B1", OWN_HOME),
            ("B2", "None of the above"),
            ("B4", "Fairly satisfied"),
            ("B5", "Fairly safe"),
        ];
        let licence = [
            ("B1", OWN_HOME),
            ("B2", "Having to move due to licence restrictions"),
            ("B2", "Having to move due to domestic issues"),
            ("B4", "Fairly satisfied"),
            ("B5", "Fairly safe"),
        ];
        assert_eq!(
            rag(Housing, &base, woman_of_45()),
            rag(Housing, &licence, woman_of_45())
        );
    }

    #[test]
    fn feeling_unsafe_weighs_more_for_men_than_women() {
        let answers = [
            ("B1", OWN_HOME),
            ("B2", "None of the above"),
            ("B4", "Very satisfied"),
            ("B5", "A bit unsafe"),
        ];
        let woman = rag(Housing, &answers, person(45, Sex::Female, Region::London));
        let other = rag(Housing, &answers, person(45, Sex::Unknown, Region::London));
        let man = rag(Housing, &answers, person(45, Sex::Male, Region::London));
        // Percentiles 0.31, 0.20 and 0.10: the rarer the answer, the lower the score.
        assert!(matches!((woman, other, man), (Ok(w), Ok(o), Ok(m)) if w > o && o > m));
    }
}
