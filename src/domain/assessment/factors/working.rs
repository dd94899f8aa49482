//! Working (A): employment status and history, volunteering, job-search skills,
//! computers (by age), smart phone, and transport (by region).
//!
//! A3 and A9 are asked but not scored.

use super::{single, single_by_age, Factor};
use crate::domain::assessment::answers::Answers;
use crate::domain::assessment::error::ScoringError;
use crate::domain::assessment::inputs::{Region, ScoringInputs};
use crate::domain::assessment::tables::{
    A10_NO_BY_REGION, A10_YES, A1_EMPLOYMENT, A2_LAST_WORKED, A4_VOLUNTEERING, A5_JOB_SEARCH,
    A6_APPLICATIONS, A7_COMPUTERS, A8_CONNECTED,
};

pub(super) fn factors(
    answers: &Answers,
    inputs: &ScoringInputs,
) -> Result<Vec<Factor>, ScoringError> {
    Ok(vec![
        Factor::new("A1", single(answers, "A1", A1_EMPLOYMENT)?, 0.5),
        Factor::new("A2", single(answers, "A2", A2_LAST_WORKED)?, 0.15),
        Factor::new("A4", single(answers, "A4", A4_VOLUNTEERING)?, 0.09),
        Factor::new("A5", single(answers, "A5", A5_JOB_SEARCH)?, 0.02),
        Factor::new("A6", single(answers, "A6", A6_APPLICATIONS)?, 0.08),
        Factor::new(
            "A7",
            single_by_age(answers, "A7", A7_COMPUTERS, inputs.age)?,
            0.03,
        ),
        Factor::new("A8", single(answers, "A8", A8_CONNECTED)?, 0.05),
        Factor::new("A10", transport(answers, inputs.region)?, 0.08),
    ])
}

/// A10: having a vehicle scores 1 anywhere; not having one is compared with the
/// region, and with no region there is nothing to compare with.
fn transport(answers: &Answers, region: Region) -> Result<f64, ScoringError> {
    let answer = answers.single("A10")?;
    let (yes, percentile) = A10_YES;
    if answer == yes {
        return Ok(percentile);
    }
    let (_, by_region) = A10_NO_BY_REGION;
    by_region
        .iter()
        .find(|(r, _)| *r == region)
        .map(|(_, p)| *p)
        .ok_or(ScoringError::NoRegion { question: "A10" })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{cumulative, person, rag};
    use crate::domain::assessment::error::ScoringError;
    use crate::domain::assessment::inputs::{Region, Sex};
    use crate::domain::assessment::pathway::Pathway::Working;

    /// The answers of the original's percentile, RAG-score and red cases.
    fn looking_for_work<'a>(a7: &'a str, a10: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("A1", "Looking for work"),
            ("A2", "Over a year ago"),
            ("A3", "No"),
            ("A4", "No - I prefer to do other things"),
            ("A5", "Yes"),
            ("A6", "No"),
            ("A7", a7),
            ("A8", "Yes"),
            ("A9", "No"),
            ("A10", a10),
        ]
    }

    /// The original's green and amber cases differ only in A6 and A7.
    fn in_permanent_job<'a>(a6: &'a str, a7: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("A1", "In a permanent job"),
            ("A2", "I am currently working"),
            ("A3", "No"),
            ("A4", "No - I prefer to do other things"),
            ("A5", "Yes"),
            ("A6", a6),
            ("A7", a7),
            ("A8", "Yes"),
            ("A9", "No"),
            ("A10", "No"),
        ]
    }

    #[test]
    fn original_working_pathway_percentiles_are_correct() {
        let who = person(18, Sex::Male, Region::EastMidlands);
        let answers = looking_for_work("No", "No");
        assert_eq!(cumulative(Working, &answers, who), Ok(0.16215));
    }

    #[test]
    fn original_working_pathway_rag_score_is_correct() {
        let who = person(18, Sex::Male, Region::EastMidlands);
        assert_eq!(rag(Working, &looking_for_work("No", "No"), who), Ok(2));
    }

    #[test]
    fn original_working_pathway_green() {
        let who = person(28, Sex::Male, Region::EastMidlands);
        let answers = in_permanent_job("Yes, unaided", "Yes");
        assert_eq!(rag(Working, &answers, who), Ok(46));
    }

    #[test]
    fn original_working_pathway_amber() {
        let who = person(28, Sex::Male, Region::EastMidlands);
        assert_eq!(rag(Working, &in_permanent_job("No", "No"), who), Ok(10));
    }

    #[test]
    fn original_working_pathway_red() {
        let who = person(28, Sex::Male, Region::EastMidlands);
        assert_eq!(rag(Working, &looking_for_work("No", "No"), who), Ok(2));
    }

    #[test]
    fn no_vehicle_without_a_region_names_a10() {
        let who = person(28, Sex::Male, Region::Unknown);
        assert_eq!(
            rag(Working, &looking_for_work("No", "No"), who),
            Err(ScoringError::NoRegion { question: "A10" })
        );
    }

    #[test]
    fn a_vehicle_scores_the_same_with_or_without_a_region() {
        let answers = looking_for_work("No", "Yes");
        let known = rag(Working, &answers, person(28, Sex::Male, Region::London));
        let unknown = rag(Working, &answers, person(28, Sex::Male, Region::Unknown));
        assert!(known.is_ok());
        assert_eq!(known, unknown);
    }

    #[test]
    fn no_vehicle_scores_by_region() {
        let answers = in_permanent_job("Yes, unaided", "Yes");
        let london = cumulative(Working, &answers, person(40, Sex::Male, Region::London));
        let east = cumulative(
            Working,
            &answers,
            person(40, Sex::Male, Region::EastOfEngland),
        );
        // London's 0.45 is a milder percentile than the East of England's 0.15.
        assert!(matches!((london, east), (Ok(l), Ok(e)) if l > e));
    }

    #[test]
    fn not_using_computers_weighs_less_from_35() {
        let answers = looking_for_work("No", "Yes");
        let younger = cumulative(Working, &answers, person(34, Sex::Male, Region::London));
        let older = cumulative(Working, &answers, person(35, Sex::Male, Region::London));
        assert!(matches!((younger, older), (Ok(y), Ok(o)) if o > y));
    }
}
