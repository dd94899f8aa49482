//! Relationships (F): happiness with relationships, loneliness, seeing family or
//! friends, trust, and caring.
//!
//! F1's weight of 0.18 is applied twice (raised, rounded, raised and rounded
//! again), as the original does; its scores carry that, so it is kept.
//! F3, F4, F7 and F9 are asked but not scored.

use super::{single, Factor};
use crate::domain::assessment::answers::Answers;
use crate::domain::assessment::error::ScoringError;
use crate::domain::assessment::tables::{
    F1_RELATIONSHIPS, F2_LONELINESS, F5_SOCIAL, F6_TRUST, F8_CARING,
};

pub(super) fn factors(answers: &Answers) -> Result<Vec<Factor>, ScoringError> {
    Ok(vec![
        Factor::raised_twice("F1", single(answers, "F1", F1_RELATIONSHIPS)?, 0.18),
        Factor::new("F2", single(answers, "F2", F2_LONELINESS)?, 0.19),
        Factor::new("F5", single(answers, "F5", F5_SOCIAL)?, 0.06),
        Factor::new("F6", single(answers, "F6", F6_TRUST)?, 0.5),
        Factor::new("F8", single(answers, "F8", F8_CARING)?, 0.07),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::testing::{cumulative, person, rag};
    use super::factors;
    use crate::domain::assessment::answers::Answers;
    use crate::domain::assessment::inputs::{Region, ScoringInputs, Sex};
    use crate::domain::assessment::pathway::Pathway::Relationships;
    use crate::domain::assessment::rag::power_round;

    fn man_of_60() -> ScoringInputs {
        person(60, Sex::Male, Region::SouthEast)
    }

    fn rows<'a>(f1: &'a str, f2: &'a str, f5: &'a str, f6: &'a str) -> [(&'a str, &'a str); 5] {
        [("F1", f1), ("F2", f2), ("F5", f5), ("F6", f6), ("F8", "No")]
    }

    #[test]
    fn original_relationships_pathway_green() {
        let answers = rows(
            "Extremely happy",
            "Hardly ever",
            "At least once per week",
            "3 Somewhat",
        );
        assert_eq!(rag(Relationships, &answers, man_of_60()), Ok(36));
    }

    /// Named `HealthAndAddictionPathway_Amber` in the original's Relationships tests.
    #[test]
    fn original_relationships_pathway_amber() {
        let answers = rows(
            "Extremely happy",
            "Occasionally",
            "Less than once per week",
            "3 Somewhat",
        );
        assert_eq!(rag(Relationships, &answers, man_of_60()), Ok(24));
    }

    /// Named `HealthAndAddictionPathway_Red` in the original's Relationships tests.
    #[test]
    fn original_relationships_pathway_red() {
        let answers = rows(
            "Extremely happy",
            "Occasionally",
            "Less than once per week",
            "1 Not at all",
        );
        assert_eq!(rag(Relationships, &answers, man_of_60()), Ok(3));
    }

    #[test]
    fn f1_is_raised_to_its_weight_twice() {
        let answers = Answers::from_rows(rows(
            "Extremely unhappy",
            "Never",
            "At least once per week",
            "5 Completely",
        ));
        let f1 = factors(&answers).map(|f| f[0].value);
        // 0.02 ^ 0.18 = 0.49452, and raised again 0.88095 (not 0.49452).
        assert_eq!(f1, Ok(power_round(power_round(0.02, 0.18), 0.18)));
        assert_eq!(f1, Ok(0.88095));
        // Everything else scores 1, so P is F1's doubly raised factor.
        let answers = rows(
            "Extremely unhappy",
            "Never",
            "At least once per week",
            "5 Completely",
        );
        assert_eq!(
            cumulative(Relationships, &answers, man_of_60()),
            Ok(0.88095)
        );
    }
}
