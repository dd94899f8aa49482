//! Why an assessment cannot be scored, each naming the question to fix.
//!
//! The original throws in these cases; here each is a message a user can act on.

/// An answer set that cannot be scored (or submitted) as it stands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoringError {
    /// A mandatory question has no answer.
    #[error("Answer question {question} before submitting the assessment.")]
    MissingAnswer {
        /// The question's code, e.g. `"A4"`.
        question: &'static str,
    },
    /// An answer is not one of the question's options.
    #[error("Question {question} has no option \"{option}\"; choose one of the options shown.")]
    UnknownOption {
        /// The question's code.
        question: &'static str,
        /// The text that matched no option.
        option: String,
    },
    /// A single-choice question was given more than one option.
    #[error("Question {question} takes one answer only; choose a single option.")]
    SeveralAnswers {
        /// The question's code.
        question: &'static str,
    },
    /// Working A10 answered "No" while the enrolment location's contract has no
    /// region, so the transport table has no value to use.
    #[error(
        "Question {question} cannot be scored: the answer \"No\" is scored by region, and the \
         participant's enrolment location has no contract region (lot 1–9). Set an enrolment \
         location that belongs to a contract, then submit again."
    )]
    NoRegion {
        /// Always `"A10"`.
        question: &'static str,
    },
}

impl ScoringError {
    /// The code of the question the message is about, to place it beside that field.
    pub fn question(&self) -> &'static str {
        match self {
            ScoringError::MissingAnswer { question }
            | ScoringError::UnknownOption { question, .. }
            | ScoringError::SeveralAnswers { question }
            | ScoringError::NoRegion { question } => question,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_question() {
        let missing = ScoringError::MissingAnswer { question: "A4" };
        assert_eq!(
            missing.to_string(),
            "Answer question A4 before submitting the assessment."
        );
        assert_eq!(missing.question(), "A4");
        let unknown = ScoringError::UnknownOption {
            question: "D3",
            option: "Dyslexic".into(),
        };
        assert!(unknown.to_string().contains("D3") && unknown.to_string().contains("Dyslexic"));
        let region = ScoringError::NoRegion { question: "A10" };
        assert!(region
            .to_string()
            .starts_with("Question A10 cannot be scored"));
        assert_eq!(
            ScoringError::SeveralAnswers { question: "B1" }.question(),
            "B1"
        );
    }
}
