//! What a question is, and how to find one: by code, or all of a pathway's.
//!
//! All 71 questions are mandatory; 16 of them are asked but never scored.

use super::pathway::Pathway;
use super::questionnaire::QUESTIONS;

/// Whether a question takes one option or several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Exactly one option.
    Single,
    /// One or more options ("tick all that apply").
    Multiple,
}

/// One question of the assessment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Question {
    /// Stable code, e.g. `"B2"`; answers are stored under it.
    pub code: &'static str,
    /// The pathway it belongs to (the code's letter says which).
    pub pathway: Pathway,
    /// The question as asked.
    pub text: &'static str,
    /// Guidance shown under the question, if any.
    pub hint: Option<&'static str>,
    /// One option or several.
    pub choice: Choice,
    /// Whether the pathway score uses it; unscored questions are still mandatory.
    pub scored: bool,
    /// The option texts, in display order; answers are these exact texts.
    pub options: &'static [&'static str],
}

impl Question {
    /// Whether `text` is exactly one of this question's options.
    pub fn has_option(&self, text: &str) -> bool {
        self.options.contains(&text)
    }
}

/// Every question, in the order they are asked (A1 … H13).
pub fn all() -> &'static [Question] {
    &QUESTIONS
}

/// The question with this code.
pub fn question(code: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.code == code)
}

/// The questions of one pathway, in the order they are asked.
pub fn for_pathway(pathway: Pathway) -> impl Iterator<Item = &'static Question> {
    QUESTIONS.iter().filter(move |q| q.pathway == pathway)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn there_are_71_questions_with_unique_codes() {
        assert_eq!(all().len(), 71);
        let codes: HashSet<&str> = all().iter().map(|q| q.code).collect();
        assert_eq!(codes.len(), 71);
    }

    #[test]
    fn each_pathway_has_its_documented_range_of_codes() {
        let expected = [
            (Pathway::Working, 10),
            (Pathway::Housing, 6),
            (Pathway::Money, 9),
            (Pathway::Education, 5),
            (Pathway::HealthAndAddiction, 9),
            (Pathway::Relationships, 9),
            (Pathway::ThoughtsAndBehaviours, 10),
            (Pathway::WellbeingAndMentalHealth, 13),
        ];
        for (pathway, count) in expected {
            let codes: Vec<String> = for_pathway(pathway).map(|q| q.code.to_owned()).collect();
            let wanted: Vec<String> = (1..=count)
                .map(|n| format!("{}{n}", pathway.letter()))
                .collect();
            assert_eq!(codes, wanted, "{pathway}");
        }
    }

    #[test]
    fn exactly_sixteen_mandatory_questions_are_never_scored() {
        let unscored: Vec<&str> = all().iter().filter(|q| !q.scored).map(|q| q.code).collect();
        assert_eq!(
            unscored,
            [
                "A3", "A9", "B3", "B6", "C4", "C6", "C7", "C8", "E3", "E7", "F3", "F4", "F7", "F9",
                "G10", "H13"
            ]
        );
    }

    #[test]
    fn multiple_choice_questions_are_the_tick_all_ones() {
        let multiple: Vec<&str> = all()
            .iter()
            .filter(|q| q.choice == Choice::Multiple)
            .map(|q| q.code)
            .collect();
        assert_eq!(
            multiple,
            ["B2", "B3", "B6", "D3", "D4", "D5", "E6", "E7", "F7", "G10", "H13"]
        );
    }

    #[test]
    fn options_are_present_and_unique_within_a_question() {
        for q in all() {
            assert!(q.options.len() >= 2, "{}", q.code);
            let unique: HashSet<&str> = q.options.iter().copied().collect();
            assert_eq!(unique.len(), q.options.len(), "{}", q.code);
            assert!(q.options.iter().all(|o| !o.trim().is_empty()), "{}", q.code);
        }
    }

    #[test]
    fn lookup_by_code_is_exact() {
        let b2 = question("B2").map(|q| q.text);
        assert_eq!(
            b2,
            Some("Are you facing any of the following problems? (tick all that apply)")
        );
        assert!(question("b2").is_none());
        assert!(question("A11").is_none());
        assert!(question("H10").is_some_and(|q| q.has_option("Most or all the time")));
    }
}
