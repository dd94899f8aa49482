//! Wellbeing & Mental Health (H): life satisfaction, mental distress from H1–H10,
//! and stress.
//!
//! Distress is scored in two steps: each of H1–H10 scores 0–4 by how often it was
//! felt (H2 and H10 are good things, so they count in reverse), and the total
//! (0–40) gives the percentile. H13 is asked but not scored.

use super::{lookup, single, Factor};
use crate::domain::assessment::answers::Answers;
use crate::domain::assessment::error::ScoringError;
use crate::domain::assessment::tables::{
    DISTRESS_ABOVE, DISTRESS_BY_TOTAL, DISTRESS_ITEM, DISTRESS_REVERSED, H11_LIFE_SATISFACTION,
    H12_STRESS,
};

/// The ten distress items, in order.
const DISTRESS_ITEMS: [&str; 10] = ["H1", "H2", "H3", "H4", "H5", "H6", "H7", "H8", "H9", "H10"];

pub(super) fn factors(answers: &Answers) -> Result<Vec<Factor>, ScoringError> {
    Ok(vec![
        Factor::new("H11", single(answers, "H11", H11_LIFE_SATISFACTION)?, 0.5),
        Factor::new("H1–H10 distress", distress(answers)?, 0.35),
        Factor::new("H12", single(answers, "H12", H12_STRESS)?, 0.15),
    ])
}

/// The distress percentile for H1–H10.
fn distress(answers: &Answers) -> Result<f64, ScoringError> {
    let mut total = 0;
    for item in DISTRESS_ITEMS {
        let score = lookup(DISTRESS_ITEM, item, answers.single(item)?)?;
        total += if DISTRESS_REVERSED.contains(&item) {
            4 - score
        } else {
            score
        };
    }
    Ok(DISTRESS_BY_TOTAL
        .iter()
        .find(|(highest, _)| total <= *highest)
        .map_or(DISTRESS_ABOVE, |(_, percentile)| *percentile))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{person, rag};
    use super::distress;
    use crate::domain::assessment::answers::Answers;
    use crate::domain::assessment::inputs::{Region, ScoringInputs, Sex};
    use crate::domain::assessment::pathway::Pathway::WellbeingAndMentalHealth;

    fn man_of_36() -> ScoringInputs {
        person(36, Sex::Male, Region::NorthWest)
    }

    /// The original's three cases differ in H6, H8 and H11 only.
    fn rows<'a>(h6: &'a str, h8: &'a str, h11: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("H1", "Not at all"),
            ("H2", "Often"),
            ("H3", "Only occasionally"),
            ("H4", "Not at all"),
            ("H5", "Not at all"),
            ("H6", h6),
            ("H7", "Sometimes"),
            ("H8", h8),
            ("H9", "Not at all"),
            ("H10", "Most or all the time"),
            ("H11", h11),
            ("H12", "Few times a month"),
        ]
    }

    #[test]
    fn original_wellbeing_and_mental_health_pathway_green() {
        let answers = rows("Only occasionally", "Sometimes", "4 Mostly");
        assert_eq!(rag(WellbeingAndMentalHealth, &answers, man_of_36()), Ok(35));
    }

    #[test]
    fn original_wellbeing_and_mental_health_pathway_amber() {
        let answers = rows("Often", "Often", "4 Mostly");
        assert_eq!(rag(WellbeingAndMentalHealth, &answers, man_of_36()), Ok(17));
    }

    #[test]
    fn original_wellbeing_and_mental_health_pathway_red() {
        let answers = rows("Often", "Often", "2 Mostly not");
        assert_eq!(rag(WellbeingAndMentalHealth, &answers, man_of_36()), Ok(1));
    }

    fn all_ten(answer: &str, h2_and_h10: &str) -> Answers {
        let mut answers = Answers::new();
        for item in super::DISTRESS_ITEMS {
            let chosen = if item == "H2" || item == "H10" {
                h2_and_h10
            } else {
                answer
            };
            answers.set(item, [chosen]);
        }
        answers
    }

    #[test]
    fn distress_reverses_h2_and_h10() {
        // Never distressed and always able to cope: total 0.
        assert_eq!(
            distress(&all_ten("Not at all", "Most or all the time")),
            Ok(1.0)
        );
        // Never distressed but never able to cope either: total 8.
        assert_eq!(distress(&all_ten("Not at all", "Not at all")), Ok(0.19));
        // Always distressed and never able to cope: total 40.
        assert_eq!(
            distress(&all_ten("Most or all the time", "Not at all")),
            Ok(0.001)
        );
    }

    #[test]
    fn distress_totals_band_in_pairs_up_to_21_then_floor() {
        // The original's green case totals 1 + 1 + 1 + 2 + 2 + 0 + 0 = 7 → 0.30.
        let green = Answers::from_rows(rows("Only occasionally", "Sometimes", "4 Mostly"));
        assert_eq!(distress(&green), Ok(0.30));
        // Eight items "Often" (24) with H2 and H10 at their best (0): 24 → 0.001.
        assert_eq!(
            distress(&all_ten("Often", "Most or all the time")),
            Ok(0.001)
        );
        // Eight items "Sometimes" (16) with H2 and H10 "Often" (1 each): 18 → 0.02.
        assert_eq!(distress(&all_ten("Sometimes", "Often")), Ok(0.02));
    }
}
