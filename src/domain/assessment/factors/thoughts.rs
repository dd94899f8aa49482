//! Thoughts & Behaviours (G): resilience, impulsivity (by age), motivation (by age),
//! hope, self-esteem, adaptability, emotional perception, emotional regulation (by
//! age) and social skills.
//!
//! G10 is asked but not scored.

use super::{single, single_by_age, Factor};
use crate::domain::assessment::answers::Answers;
use crate::domain::assessment::error::ScoringError;
use crate::domain::assessment::inputs::ScoringInputs;
use crate::domain::assessment::tables::{
    G1_RESILIENCE, G2_IMPULSIVITY, G3_MOTIVATION, G4_HOPE, G5_SELF_ESTEEM, G6_ADAPTABILITY,
    G7_EMOTIONAL_PERCEPTION, G8_EMOTIONAL_REGULATION, G9_SOCIAL_SKILLS,
};

pub(super) fn factors(
    answers: &Answers,
    inputs: &ScoringInputs,
) -> Result<Vec<Factor>, ScoringError> {
    let age = inputs.age;
    Ok(vec![
        Factor::new("G1", single(answers, "G1", G1_RESILIENCE)?, 0.05),
        Factor::new(
            "G2",
            single_by_age(answers, "G2", G2_IMPULSIVITY, age)?,
            0.5,
        ),
        Factor::new(
            "G3",
            single_by_age(answers, "G3", G3_MOTIVATION, age)?,
            0.02,
        ),
        Factor::new("G4", single(answers, "G4", G4_HOPE)?, 0.08),
        Factor::new("G5", single(answers, "G5", G5_SELF_ESTEEM)?, 0.05),
        Factor::new("G6", single(answers, "G6", G6_ADAPTABILITY)?, 0.07),
        Factor::new("G7", single(answers, "G7", G7_EMOTIONAL_PERCEPTION)?, 0.09),
        Factor::new(
            "G8",
            single_by_age(answers, "G8", G8_EMOTIONAL_REGULATION, age)?,
            0.07,
        ),
        Factor::new("G9", single(answers, "G9", G9_SOCIAL_SKILLS)?, 0.07),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::testing::{person, rag};
    use crate::domain::assessment::inputs::{Region, ScoringInputs, Sex};
    use crate::domain::assessment::pathway::Pathway::ThoughtsAndBehaviours;

    fn woman_of_29() -> ScoringInputs {
        person(29, Sex::Female, Region::NorthEast)
    }

    /// G1 to G9 in order.
    fn rows(g: [&str; 9]) -> Vec<(&str, &str)> {
        ["G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9"]
            .into_iter()
            .zip(g)
            .collect()
    }

    #[test]
    fn original_thoughts_and_behaviours_pathway_green() {
        let answers = rows([
            "Strongly agree",
            "Disagree",
            "Strongly agree",
            "Disagree",
            "Agree",
            "Neither",
            "Strongly agree",
            "Strongly disagree",
            "Strongly agree",
        ]);
        assert_eq!(rag(ThoughtsAndBehaviours, &answers, woman_of_29()), Ok(26));
    }

    #[test]
    fn original_thoughts_and_behaviours_pathway_amber() {
        let answers = rows([
            "Disagree",
            "Disagree",
            "Strongly agree",
            "Disagree",
            "Agree",
            "Neither",
            "Strongly agree",
            "Agree",
            "Strongly agree",
        ]);
        assert_eq!(rag(ThoughtsAndBehaviours, &answers, woman_of_29()), Ok(19));
    }

    #[test]
    fn original_thoughts_and_behaviours_pathway_red() {
        let answers = rows([
            "Disagree",
            "Agree",
            "Strongly agree",
            "Disagree",
            "Agree",
            "Strongly agree",
            "Disagree",
            "Agree",
            "Strongly agree",
        ]);
        assert_eq!(rag(ThoughtsAndBehaviours, &answers, woman_of_29()), Ok(6));
    }

    #[test]
    fn impulsivity_motivation_and_regulation_depend_on_age() {
        let answers = rows([
            "Strongly agree",
            "Disagree",
            "Agree",
            "Strongly disagree",
            "Strongly agree",
            "Strongly agree",
            "Strongly disagree",
            "Neither",
            "Strongly agree",
        ]);
        let at = |age| {
            rag(
                ThoughtsAndBehaviours,
                &answers,
                person(age, Sex::Male, Region::London),
            )
        };
        assert_eq!(at(25), at(34));
        assert_ne!(at(24), at(25));
        assert_ne!(at(64), at(65));
        assert_eq!(at(65), at(90));
    }
}
