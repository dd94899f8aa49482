//! Health & Addiction (E): general health (by age), disability, GP and dentist,
//! exercise, alcohol, drugs and gambling from E6, and smoking with vaping.
//!
//! E6 gives three factors, one per addiction that matters; its other boxes, "None"
//! included, change nothing. E8 and E9 make one factor: the lower of the two.
//! E3 and E7 are asked but not scored.

use super::{single, single_by_age, ticked, Factor};
use crate::domain::assessment::answers::Answers;
use crate::domain::assessment::error::ScoringError;
use crate::domain::assessment::inputs::ScoringInputs;
use crate::domain::assessment::tables::{
    E1_GENERAL_HEALTH, E2_DISABILITY, E4_REGISTERED, E5_EXERCISE, E6_ALCOHOL, E6_DRUGS,
    E6_GAMBLING, E8_SMOKING, E9_VAPING,
};

pub(super) fn factors(
    answers: &Answers,
    inputs: &ScoringInputs,
) -> Result<Vec<Factor>, ScoringError> {
    let e1 = single_by_age(answers, "E1", E1_GENERAL_HEALTH, inputs.age)?;
    let e2 = single(answers, "E2", E2_DISABILITY)?;
    let e4 = single(answers, "E4", E4_REGISTERED)?;
    let e5 = single(answers, "E5", E5_EXERCISE)?;
    let e6 = answers.multiple("E6")?;
    let smoking = single(answers, "E8", E8_SMOKING)?;
    let vaping = single(answers, "E9", E9_VAPING)?;
    Ok(vec![
        Factor::new("E1", e1, 0.5),
        Factor::new("E2", e2, 0.03),
        Factor::new("E4", e4, 0.11),
        Factor::new("E5", e5, 0.09),
        Factor::new("E6 alcohol", ticked(e6, E6_ALCOHOL), 0.05),
        Factor::new("E6 illegal drugs", ticked(e6, E6_DRUGS), 0.11),
        Factor::new("E6 gambling", ticked(e6, E6_GAMBLING), 0.01),
        Factor::new("E8 and E9", smoking.min(vaping), 0.1),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::testing::{person, rag};
    use crate::domain::assessment::inputs::{Region, ScoringInputs, Sex};
    use crate::domain::assessment::pathway::Pathway::HealthAndAddiction;

    fn man_of_41() -> ScoringInputs {
        person(41, Sex::Male, Region::NorthWest)
    }

    /// The original's three cases share E1, E4 and E5 and these E6 boxes.
    fn rows<'a>(e2: &'a str, e6: &[&'a str], e8: &'a str) -> Vec<(&'a str, &'a str)> {
        let mut rows = vec![
            ("E1", "Good"),
            ("E2", e2),
            ("E4", "Registered with a GP only"),
            ("E5", "Over 2½ hrs per week"),
            ("E8", e8),
            ("E9", "Never vaped"),
        ];
        rows.extend(e6.iter().map(|o| ("E6", *o)));
        rows.extend(
            [
                "Sex or pornography",
                "Prescription drugs",
                "Food",
                "Something else",
            ]
            .map(|o| ("E6", o)),
        );
        rows
    }

    #[test]
    fn original_health_and_addiction_pathway_green() {
        let answers = rows("No", &[], "Never smoked");
        assert_eq!(rag(HealthAndAddiction, &answers, man_of_41()), Ok(29));
    }

    #[test]
    fn original_health_and_addiction_pathway_amber() {
        let answers = rows("Yes, A little impairment", &["Alcohol"], "I used to");
        assert_eq!(rag(HealthAndAddiction, &answers, man_of_41()), Ok(13));
    }

    #[test]
    fn original_health_and_addiction_pathway_red() {
        let answers = rows(
            "Yes, A little impairment",
            &["Alcohol", "Illegal drugs / substances"],
            "Yes",
        );
        assert_eq!(rag(HealthAndAddiction, &answers, man_of_41()), Ok(4));
    }

    fn general_health(e1: &str, age: u32) -> Option<u8> {
        let answers = [
            ("E1", e1),
            ("E2", "No"),
            ("E4", "Registered with both"),
            ("E5", "Over 2½ hrs per week"),
            ("E6", "None"),
            ("E8", "Never smoked"),
            ("E9", "Never vaped"),
        ];
        rag(
            HealthAndAddiction,
            &answers,
            person(age, Sex::Unknown, Region::Unknown),
        )
        .ok()
    }

    #[test]
    fn general_health_follows_the_irregular_age_bands() {
        // Fair: 0.08 for 20–23, 0.09 from 24 (not 25).
        assert_eq!(general_health("Fair", 20), general_health("Fair", 23));
        assert_ne!(general_health("Fair", 23), general_health("Fair", 24));
        assert_eq!(general_health("Fair", 24), general_health("Fair", 29));
        // Bad: one band from 20 to 39.
        assert_eq!(general_health("Bad", 20), general_health("Bad", 39));
        assert_ne!(general_health("Bad", 39), general_health("Bad", 40));
        // Very bad: 0.001 under 40, 0.02 from 40.
        assert_ne!(
            general_health("Very bad", 39),
            general_health("Very bad", 40)
        );
        assert_eq!(general_health("Very good", 18), Some(100));
    }

    #[test]
    fn smoking_and_vaping_count_once_at_the_worse_of_the_two() {
        let both = [
            ("E1", "Very good"),
            ("E2", "No"),
            ("E4", "Registered with both"),
            ("E5", "Over 2½ hrs per week"),
            ("E6", "None"),
            ("E8", "Yes"),
            ("E9", "I used to"),
        ];
        let smoker = [
            ("E1", "Very good"),
            ("E2", "No"),
            ("E4", "Registered with both"),
            ("E5", "Over 2½ hrs per week"),
            ("E6", "None"),
            ("E8", "Yes"),
            ("E9", "Never vaped"),
        ];
        assert_eq!(
            rag(HealthAndAddiction, &both, man_of_41()),
            rag(HealthAndAddiction, &smoker, man_of_41())
        );
    }

    #[test]
    fn none_beside_an_addiction_is_ignored() {
        let alcohol = rows("No", &["Alcohol"], "Never smoked");
        let mut with_none = alcohol.clone();
        with_none.push(("E6", "None"));
        assert_eq!(
            rag(HealthAndAddiction, &alcohol, man_of_41()),
            rag(HealthAndAddiction, &with_none, man_of_41())
        );
    }
}
