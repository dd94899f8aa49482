//! Education (D): qualifications, leaving school, neurodiversity (the lowest of the
//! ticked conditions), learning difficulties and creative activities (by how many
//! are ticked).
//!
//! "None of these" may be ticked beside other boxes; it is then ignored: in D3 it
//! scores 1 so never wins the minimum, in D4 and D5 it is left out of the count.

use super::{lookup, single, Factor};
use crate::domain::assessment::answers::Answers;
use crate::domain::assessment::error::ScoringError;
use crate::domain::assessment::tables::{
    D1_QUALIFICATION, D2_FINISHED_SCHOOL, D3_NEURODIVERSITY, D4_BY_COUNT, D4_NONE, D5_BY_COUNT,
    D5_NONE,
};

pub(super) fn factors(answers: &Answers) -> Result<Vec<Factor>, ScoringError> {
    Ok(vec![
        Factor::new("D1", single(answers, "D1", D1_QUALIFICATION)?, 0.5),
        Factor::new("D2", single(answers, "D2", D2_FINISHED_SCHOOL)?, 0.15),
        Factor::new("D3", neurodiversity(answers)?, 0.08),
        Factor::new("D4", by_count(answers, "D4", D4_NONE, D4_BY_COUNT)?, 0.16),
        Factor::new("D5", by_count(answers, "D5", D5_NONE, D5_BY_COUNT)?, 0.11),
    ])
}

/// D3: the lowest percentile among the ticked boxes.
fn neurodiversity(answers: &Answers) -> Result<f64, ScoringError> {
    answers
        .multiple("D3")?
        .iter()
        .map(|option| lookup(D3_NEURODIVERSITY, "D3", option))
        .try_fold(f64::INFINITY, |lowest, p| Ok(lowest.min(p?)))
}

/// D4 and D5: the percentile for how many boxes other than "none" are ticked;
/// the last entry covers that many or more.
fn by_count(
    answers: &Answers,
    question: &'static str,
    none: &str,
    by_count: [f64; 4],
) -> Result<f64, ScoringError> {
    let count = answers
        .multiple(question)?
        .iter()
        .filter(|option| *option != none)
        .count();
    Ok(by_count[count.min(by_count.len() - 1)])
}

#[cfg(test)]
mod tests {
    use super::super::testing::{person, rag};
    use crate::domain::assessment::error::ScoringError;
    use crate::domain::assessment::inputs::{Region, ScoringInputs, Sex};
    use crate::domain::assessment::pathway::Pathway::Education;

    fn man_of_23() -> ScoringInputs {
        person(23, Sex::Male, Region::EastOfEngland)
    }

    #[test]
    fn original_education_pathway_green() {
        let answers = [
            (
                "D1",
                "5+ GCSEs, NVQ level 2, etc. Example:Grade C/4 or higher at GCSE",
            ),
            ("D2", "Yes"),
            ("D3", "None of these"),
            ("D4", "Using numbers"),
            ("D5", "Reading"),
            ("D5", "Drawing"),
            ("D5", "Painting"),
            ("D5", "Photography"),
        ];
        assert_eq!(rag(Education, &answers, man_of_23()), Ok(25));
    }

    /// Named `MoneyPathway_Amber` in the original's Education tests.
    #[test]
    fn original_education_pathway_amber() {
        let answers = [
            (
                "D1",
                "NVQ level 1 or similar Example:Grade D/3 or lower at GCSE",
            ),
            ("D2", "Yes"),
            ("D3", "None of these"),
            ("D4", "Reading"),
            ("D4", "Writing"),
            ("D5", "Crafts"),
        ];
        assert_eq!(rag(Education, &answers, man_of_23()), Ok(11));
    }

    /// Named `MoneyPathway_Red` in the original's Education tests.
    #[test]
    fn original_education_pathway_red() {
        let answers = [
            ("D1", "No quals / entry level Example:Skills for life"),
            ("D2", "Left before age 16"),
            ("D3", "Dyslexia"),
            ("D3", "ADHD / ADD"),
            ("D4", "Reading"),
            ("D4", "Writing"),
            ("D5", "Crafts"),
        ];
        assert_eq!(rag(Education, &answers, man_of_23()), Ok(1));
    }

    fn with_d3_d4_d5<'a>(
        d3: &[&'a str],
        d4: &[&'a str],
        d5: &[&'a str],
    ) -> Vec<(&'a str, &'a str)> {
        let mut rows = vec![("D1", "Degree or higher Example:BA"), ("D2", "Yes")];
        rows.extend(d3.iter().map(|o| ("D3", *o)));
        rows.extend(d4.iter().map(|o| ("D4", *o)));
        rows.extend(d5.iter().map(|o| ("D5", *o)));
        rows
    }

    #[test]
    fn d3_takes_the_lowest_ticked_condition_and_ignores_none() {
        let dyslexia = with_d3_d4_d5(&["Dyslexia"], &["None of these"], &["Crafts"]);
        let both = with_d3_d4_d5(
            &["Dyslexia", "Autism / ASD"],
            &["None of these"],
            &["Crafts"],
        );
        let autism = with_d3_d4_d5(&["Autism / ASD"], &["None of these"], &["Crafts"]);
        let with_none = with_d3_d4_d5(
            &["None of these", "Autism / ASD"],
            &["None of these"],
            &["Crafts"],
        );
        let who = man_of_23();
        assert_eq!(rag(Education, &both, who), rag(Education, &autism, who));
        assert_eq!(
            rag(Education, &with_none, who),
            rag(Education, &autism, who)
        );
        assert!(matches!(
            (rag(Education, &dyslexia, who), rag(Education, &autism, who)),
            (Ok(d), Ok(a)) if d > a
        ));
    }

    #[test]
    fn an_unknown_d3_condition_is_named() {
        let rows = with_d3_d4_d5(&["Dyslexia", "Colour blindness"], &["Reading"], &["Crafts"]);
        assert_eq!(
            rag(Education, &rows, man_of_23()),
            Err(ScoringError::UnknownOption {
                question: "D3",
                option: "Colour blindness".into()
            })
        );
    }

    #[test]
    fn d4_and_d5_count_ticks_other_than_none() {
        let who = man_of_23();
        let none_only = with_d3_d4_d5(&["None of these"], &["None of these"], &["None of these"]);
        let none_and_reading = with_d3_d4_d5(
            &["None of these"],
            &["None of these", "Reading"],
            &["None of these", "Reading"],
        );
        let reading = with_d3_d4_d5(&["None of these"], &["Reading"], &["Reading"]);
        assert_eq!(
            rag(Education, &none_and_reading, who),
            rag(Education, &reading, who)
        );
        assert_ne!(
            rag(Education, &none_only, who),
            rag(Education, &reading, who)
        );
        let three = with_d3_d4_d5(
            &["None of these"],
            &["None of these"],
            &["Reading", "Puzzles", "Crafts"],
        );
        let five = with_d3_d4_d5(
            &["None of these"],
            &["None of these"],
            &["Reading", "Puzzles", "Crafts", "Drawing", "Painting"],
        );
        // Three or more creative activities all score 1.
        assert_eq!(rag(Education, &three, who), rag(Education, &five, who));
        assert_eq!(rag(Education, &three, who), Ok(100));
    }
}
