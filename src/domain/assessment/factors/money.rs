//! Money (C): coping, paying bills, problem debt, banking and food banks.
//!
//! C2 and C3 score "Yes" as 1, the reverse of what the questions suggest; the
//! original does so and its tests depend on it (DOMAIN.md §11), so it is kept.
//! C4, C6, C7 and C8 are asked but not scored.

use super::{single, Factor};
use crate::domain::assessment::answers::Answers;
use crate::domain::assessment::error::ScoringError;
use crate::domain::assessment::tables::{
    C1_COPING, C2_PAYING_BILLS, C3_PROBLEM_DEBT, C5_BANKING, C9_FOOD_BANK,
};

pub(super) fn factors(answers: &Answers) -> Result<Vec<Factor>, ScoringError> {
    Ok(vec![
        Factor::new("C1", single(answers, "C1", C1_COPING)?, 0.5),
        Factor::new("C2", single(answers, "C2", C2_PAYING_BILLS)?, 0.11),
        Factor::new("C3", single(answers, "C3", C3_PROBLEM_DEBT)?, 0.15),
        Factor::new("C5", single(answers, "C5", C5_BANKING)?, 0.12),
        Factor::new("C9", single(answers, "C9", C9_FOOD_BANK)?, 0.12),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::testing::{person, rag};
    use crate::domain::assessment::inputs::{Region, Sex};
    use crate::domain::assessment::pathway::Pathway::Money;

    fn man_of_32() -> crate::domain::assessment::inputs::ScoringInputs {
        person(32, Sex::Male, Region::SouthWest)
    }

    #[test]
    fn original_money_pathway_green() {
        let answers = [
            ("C1", "Doing alright"),
            ("C2", "No"),
            ("C3", "No"),
            ("C5", "Yes"),
            ("C9", "Never"),
        ];
        assert_eq!(rag(Money, &answers, man_of_32()), Ok(23));
    }

    #[test]
    fn original_money_pathway_amber() {
        let answers = [
            ("C1", "Doing alright"),
            ("C2", "No"),
            ("C3", "Yes"),
            ("C5", "Yes"),
            ("C9", "Within the last year"),
        ];
        assert_eq!(rag(Money, &answers, man_of_32()), Ok(14));
    }

    #[test]
    fn original_money_pathway_red() {
        let answers = [
            ("C1", "Just about getting by"),
            ("C2", "No"),
            ("C3", "Yes"),
            ("C4", "Yes"),
            ("C5", "Yes"),
            ("C9", "Within the last year"),
        ];
        assert_eq!(rag(Money, &answers, man_of_32()), Ok(6));
    }

    #[test]
    fn yes_to_c2_and_c3_scores_as_the_best_answer() {
        let no_debt = [
            ("C1", "Living comfortably"),
            ("C2", "No"),
            ("C3", "No"),
            ("C5", "Yes"),
            ("C9", "Never"),
        ];
        let behind_and_in_debt = [
            ("C1", "Living comfortably"),
            ("C2", "Yes"),
            ("C3", "Yes"),
            ("C5", "Yes"),
            ("C9", "Never"),
        ];
        assert_eq!(rag(Money, &behind_and_in_debt, man_of_32()), Ok(100));
        assert!(matches!(rag(Money, &no_debt, man_of_32()), Ok(s) if s < 100));
    }
}
