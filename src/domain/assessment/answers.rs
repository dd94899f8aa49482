//! A participant's answers: for each question code, the option texts they chose.
//!
//! This mirrors how answers are stored (one `(code, option text)` row per chosen
//! option) and checks them against the questionnaire before anything is scored.

use std::collections::BTreeMap;

use super::error::ScoringError;
use super::questions::{self, Choice, Question};

/// The chosen options, by question code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    chosen: BTreeMap<String, Vec<String>>,
}

impl Answers {
    /// No answers yet.
    pub fn new() -> Answers {
        Answers::default()
    }

    /// Answers from stored `(question code, option text)` rows, in row order.
    pub fn from_rows<C, T>(rows: impl IntoIterator<Item = (C, T)>) -> Answers
    where
        C: Into<String>,
        T: Into<String>,
    {
        let mut answers = Answers::new();
        for (code, text) in rows {
            let chosen = answers.chosen.entry(code.into()).or_default();
            let text = text.into();
            if !chosen.contains(&text) {
                chosen.push(text);
            }
        }
        answers
    }

    /// Replaces the answer to one question (an empty list clears it).
    pub fn set<T: Into<String>>(&mut self, code: &str, options: impl IntoIterator<Item = T>) {
        let mut chosen: Vec<String> = Vec::new();
        for text in options {
            let text = text.into();
            // Ticking the same box twice is still one box.
            if !chosen.contains(&text) {
                chosen.push(text);
            }
        }
        if chosen.is_empty() {
            self.chosen.remove(code);
        } else {
            self.chosen.insert(code.to_owned(), chosen);
        }
    }

    /// The same answers with one question's answer replaced; handy for building a set.
    pub fn with<T: Into<String>>(
        mut self,
        code: &str,
        options: impl IntoIterator<Item = T>,
    ) -> Answers {
        self.set(code, options);
        self
    }

    /// The options chosen for a question, in the order given; empty if unanswered.
    pub fn chosen(&self, code: &str) -> &[String] {
        self.chosen.get(code).map_or(&[], Vec::as_slice)
    }

    /// Every problem that stops the whole assessment being submitted: each of the 71
    /// questions needs an answer made of its own options, single-choice ones exactly
    /// one. Answers under codes the questionnaire does not have are ignored, as the
    /// original ignores them.
    pub fn problems(&self) -> Vec<ScoringError> {
        questions::all()
            .iter()
            .filter_map(|q| self.checked(q).err())
            .collect()
    }

    /// The single option chosen for a scored single-choice question.
    pub(super) fn single(&self, code: &'static str) -> Result<&str, ScoringError> {
        let question = find(code)?;
        let chosen = self.checked(question)?;
        match chosen {
            [only] => Ok(only.as_str()),
            _ => Err(ScoringError::SeveralAnswers { question: code }),
        }
    }

    /// The options chosen for a scored multiple-choice question (at least one).
    pub(super) fn multiple(&self, code: &'static str) -> Result<&[String], ScoringError> {
        self.checked(find(code)?)
    }

    /// The chosen options if they form a valid answer to `question`.
    fn checked(&self, question: &'static Question) -> Result<&[String], ScoringError> {
        let chosen = self.chosen(question.code);
        // A blank text is how an untouched single-choice field arrives from a form.
        if chosen.iter().all(|text| text.is_empty()) {
            return Err(ScoringError::MissingAnswer {
                question: question.code,
            });
        }
        if question.choice == Choice::Single && chosen.len() > 1 {
            return Err(ScoringError::SeveralAnswers {
                question: question.code,
            });
        }
        if let Some(unknown) = chosen.iter().find(|text| !question.has_option(text)) {
            return Err(ScoringError::UnknownOption {
                question: question.code,
                option: unknown.clone(),
            });
        }
        Ok(chosen)
    }
}

/// The question behind a code used by the scoring rules. Every such code exists
/// (a test checks them all), so the error arm only guards against a future typo.
fn find(code: &'static str) -> Result<&'static Question, ScoringError> {
    questions::question(code).ok_or(ScoringError::MissingAnswer { question: code })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_group_by_question_and_keep_order() {
        let answers = Answers::from_rows([
            ("D3", "Dyslexia"),
            ("B1", "Sleep rough"),
            ("D3", "ADHD / ADD"),
            ("D3", "Dyslexia"),
        ]);
        assert_eq!(answers.chosen("D3"), ["Dyslexia", "ADHD / ADD"]);
        assert_eq!(answers.chosen("B1"), ["Sleep rough"]);
        assert!(answers.chosen("A1").is_empty());
    }

    #[test]
    fn setting_replaces_and_an_empty_list_clears() {
        let mut answers = Answers::new().with("D3", ["Dyslexia", "ADHD / ADD"]);
        answers.set("D3", ["Epilepsy"]);
        assert_eq!(answers.chosen("D3"), ["Epilepsy"]);
        answers.set("D3", Vec::<String>::new());
        assert!(answers.chosen("D3").is_empty());
    }

    #[test]
    fn single_choice_needs_exactly_one_known_option() {
        let answers = Answers::new()
            .with("A1", ["Looking for work"])
            .with("A2", ["Over a year ago", "In the last year"])
            .with("A4", ["Sometimes"])
            .with("A5", [""]);
        assert_eq!(answers.single("A1"), Ok("Looking for work"));
        assert_eq!(
            answers.single("A2"),
            Err(ScoringError::SeveralAnswers { question: "A2" })
        );
        assert_eq!(
            answers.single("A4"),
            Err(ScoringError::UnknownOption {
                question: "A4",
                option: "Sometimes".into()
            })
        );
        assert_eq!(
            answers.single("A5"),
            Err(ScoringError::MissingAnswer { question: "A5" })
        );
        assert_eq!(
            answers.single("A6"),
            Err(ScoringError::MissingAnswer { question: "A6" })
        );
    }

    #[test]
    fn multiple_choice_needs_at_least_one_known_option() {
        let answers = Answers::new()
            .with("B2", ["Facing eviction", "None of the above"])
            .with("D3", ["Dyslexia", "Dyslexic"]);
        assert_eq!(
            answers.multiple("B2").map(<[String]>::len),
            Ok(2),
            "None is allowed beside other options"
        );
        assert!(matches!(
            answers.multiple("D3"),
            Err(ScoringError::UnknownOption { question: "D3", .. })
        ));
        assert_eq!(
            answers.multiple("E6"),
            Err(ScoringError::MissingAnswer { question: "E6" })
        );
    }

    #[test]
    fn an_empty_answer_set_has_one_problem_per_question() {
        let problems = Answers::new().problems();
        assert_eq!(problems.len(), 71);
        assert_eq!(problems[0], ScoringError::MissingAnswer { question: "A1" });
    }

    #[test]
    fn a_complete_answer_set_has_no_problems() {
        let mut answers = Answers::new();
        for q in questions::all() {
            answers.set(q.code, [q.options[0]]);
        }
        assert_eq!(answers.problems(), []);
        // An unscored question left blank is still a problem.
        answers.set("G10", Vec::<String>::new());
        assert_eq!(
            answers.problems(),
            [ScoringError::MissingAnswer { question: "G10" }]
        );
    }
}
