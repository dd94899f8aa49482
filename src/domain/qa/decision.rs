//! What a reviewer may decide in each queue, and what each decision must say (DOMAIN.md §6 and
//! §11): a return always explains itself, an escalation explains itself to seniors, an
//! authority return names a reason and tells the provider why.

use super::queue::Queue;
use crate::domain::field::FieldError;

/// Longest message a note may hold.
pub const MAX_MESSAGE: usize = 1000;

/// Why QA2 or escalation returned a case (the original's picklist).
pub const RETURN_REASONS: [&str; 5] = [
    "Ineligible Claim",
    "Incorrect / Missing Paperwork",
    "Information incomplete",
    "Information conflicts with CATS",
    "Other",
];

/// Feedback reasons for the QA1 reviewer (the return reasons plus recognition).
pub const FEEDBACK_REASONS: [&str; 6] = [
    "Ineligible Claim",
    "Incorrect / Missing Paperwork",
    "Information incomplete",
    "Information conflicts with CATS",
    "Other",
    "Positive Recognition",
];

/// The provider feedback an authority accept carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackType {
    /// Nothing to tell the provider (the original labels it "N/A").
    NoFeedback,
    /// Accepted, with advice.
    Advisory,
    /// Accepted although not everything was right.
    AcceptedByException,
}

impl FeedbackType {
    /// Every type, as offered.
    pub const ALL: [FeedbackType; 3] = [
        FeedbackType::NoFeedback,
        FeedbackType::Advisory,
        FeedbackType::AcceptedByException,
    ];

    /// Stored and posted value.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackType::NoFeedback => "none",
            FeedbackType::Advisory => "advisory",
            FeedbackType::AcceptedByException => "exception",
        }
    }

    /// What people read.
    pub fn display_name(self) -> &'static str {
        match self {
            FeedbackType::NoFeedback => "No feedback",
            FeedbackType::Advisory => "Advisory",
            FeedbackType::AcceptedByException => "Accepted by exception",
        }
    }

    /// Parses a posted value.
    pub fn parse(value: &str) -> Option<FeedbackType> {
        FeedbackType::ALL.into_iter().find(|f| f.as_str() == value)
    }

    /// Advisory and exception feedback must tell the provider something.
    pub fn needs_message(self) -> bool {
        self != FeedbackType::NoFeedback
    }
}

/// A checked decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Accept: the case moves on.
    Accept {
        /// Provider feedback (authority queues; `NoFeedback` elsewhere).
        feedback: FeedbackType,
        /// An optional note (required for advisory and exception feedback).
        message: Option<String>,
        /// Whether the note is for internal users only.
        internal: bool,
    },
    /// Return: the case goes back.
    Return {
        /// The picklist reason (authority queues only).
        reason: Option<&'static str>,
        /// Why, for the provider (or, at QA1, for QA2).
        message: String,
        /// Whether the note is for internal users only.
        internal: bool,
    },
    /// A note; the entry stays open.
    Comment {
        /// The note.
        message: String,
        /// Whether it is for internal users only.
        internal: bool,
    },
    /// Send to senior review (QA2 only); the note is always internal.
    Escalate {
        /// Why.
        message: String,
    },
}

impl Decision {
    /// The stored outcome name.
    pub fn outcome(&self) -> &'static str {
        match self {
            Decision::Accept { .. } => "accept",
            Decision::Return { .. } => "return",
            Decision::Comment { .. } => "comment",
            Decision::Escalate { .. } => "escalate",
        }
    }

    /// Whether the entry is finished by this decision.
    pub fn completes_entry(&self) -> bool {
        !matches!(self, Decision::Comment { .. })
    }
}

/// Feedback for the QA1 reviewer, from QA2 or escalation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qa1Feedback {
    /// One of [`FEEDBACK_REASONS`].
    pub reason: &'static str,
    /// What to tell them.
    pub message: String,
}

/// A decision as posted.
#[derive(Debug, Clone, Default)]
pub struct DecisionForm<'a> {
    /// `accept`, `return`, `comment` or `escalate`.
    pub outcome: &'a str,
    /// The note.
    pub message: &'a str,
    /// "Internal only" ticked.
    pub internal: bool,
    /// Authority return reason.
    pub return_reason: &'a str,
    /// Authority accept feedback type.
    pub feedback_type: &'a str,
    /// Feedback reason for the QA1 reviewer (blank: none).
    pub qa1_feedback_reason: &'a str,
    /// Feedback message for the QA1 reviewer.
    pub qa1_feedback_message: &'a str,
}

/// The outcomes a queue offers, as (value, label).
pub fn outcomes(queue: Queue) -> &'static [(&'static str, &'static str)] {
    match queue {
        Queue::Pqa => &[
            ("accept", "Accept and submit to CFO"),
            ("return", "Return to the support worker"),
            ("comment", "Add a comment (keep the entry open)"),
        ],
        Queue::Qa1 => &[("accept", "Accept"), ("return", "Return")],
        Queue::Qa2 => &[
            ("accept", "Accept (approve the enrolment)"),
            ("return", "Return to the provider"),
            ("escalate", "Escalate to senior review"),
        ],
        Queue::Escalation => &[
            ("accept", "Accept (approve the enrolment)"),
            ("return", "Return to the provider"),
            ("comment", "Add an internal comment (keep the entry open)"),
        ],
    }
}

fn message(text: &str, required: Option<&str>) -> Result<Option<String>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return match required {
            Some(what) => Err(FieldError::new("message", what)),
            None => Ok(None),
        };
    }
    if text.chars().count() > MAX_MESSAGE {
        return Err(FieldError::new(
            "message",
            format!("The message must be {MAX_MESSAGE} characters or fewer"),
        ));
    }
    Ok(Some(text.to_owned()))
}

/// Checks a posted decision for `queue`: every problem, each at its field.
pub fn check(
    queue: Queue,
    form: &DecisionForm<'_>,
) -> Result<(Decision, Option<Qa1Feedback>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let authority = matches!(queue, Queue::Qa2 | Queue::Escalation);
    let offered = outcomes(queue).iter().any(|(v, _)| *v == form.outcome);
    let decision = if !offered {
        errors.push(FieldError::new(
            "outcome",
            "Choose what to do with this entry",
        ));
        None
    } else {
        let checked = match form.outcome {
            "accept" => {
                let feedback = if authority {
                    FeedbackType::parse(form.feedback_type).ok_or_else(|| {
                        FieldError::new("feedback_type", "Choose the feedback for the provider")
                    })
                } else {
                    Ok(FeedbackType::NoFeedback)
                };
                feedback.and_then(|feedback| {
                    let required = feedback
                        .needs_message()
                        .then_some("Tell the provider what the feedback is");
                    Ok(Decision::Accept {
                        feedback,
                        message: message(form.message, required)?,
                        internal: form.internal && !feedback.needs_message(),
                    })
                })
            }
            "return" => {
                let reason = if authority {
                    RETURN_REASONS
                        .into_iter()
                        .find(|r| *r == form.return_reason)
                        .map(Some)
                        .ok_or_else(|| {
                            FieldError::new("return_reason", "Choose why the case is returned")
                        })
                } else {
                    Ok(None)
                };
                let text = message(form.message, Some("Explain why the case is returned"));
                match (reason, text) {
                    (Ok(reason), Ok(text)) => Ok(Decision::Return {
                        reason,
                        message: text.unwrap_or_default(),
                        // An authority return always tells the provider why.
                        internal: form.internal && !authority,
                    }),
                    (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
                    (Err(a), Err(b)) => {
                        errors.push(a);
                        Err(b)
                    }
                }
            }
            "comment" => {
                message(form.message, Some("Write the comment")).map(|text| Decision::Comment {
                    message: text.unwrap_or_default(),
                    internal: queue == Queue::Escalation || form.internal,
                })
            }
            _ => message(form.message, Some("Explain why the case is escalated")).map(|text| {
                Decision::Escalate {
                    message: text.unwrap_or_default(),
                }
            }),
        };
        checked.map_err(|e| errors.push(e)).ok()
    };
    let feedback = qa1_feedback(queue, form).map_err(|e| errors.push(e)).ok();
    match (decision, feedback) {
        (Some(decision), Some(feedback)) if errors.is_empty() => Ok((decision, feedback)),
        _ => Err(errors),
    }
}

fn qa1_feedback(queue: Queue, form: &DecisionForm<'_>) -> Result<Option<Qa1Feedback>, FieldError> {
    let reason = form.qa1_feedback_reason.trim();
    let text = form.qa1_feedback_message.trim();
    if !matches!(queue, Queue::Qa2 | Queue::Escalation) || (reason.is_empty() && text.is_empty()) {
        return Ok(None);
    }
    let reason = FEEDBACK_REASONS
        .into_iter()
        .find(|r| *r == reason)
        .ok_or_else(|| {
            FieldError::new(
                "qa1_feedback_reason",
                "Choose a reason for the feedback to the QA1 reviewer",
            )
        })?;
    if text.chars().count() > MAX_MESSAGE {
        return Err(FieldError::new(
            "qa1_feedback_message",
            format!("The feedback must be {MAX_MESSAGE} characters or fewer"),
        ));
    }
    Ok(Some(Qa1Feedback {
        reason,
        message: text.to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(
        result: Result<(Decision, Option<Qa1Feedback>), Vec<FieldError>>,
    ) -> Vec<&'static str> {
        result
            .expect_err("refused")
            .iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn every_return_needs_a_message_and_authority_returns_a_reason() {
        let form = DecisionForm {
            outcome: "return",
            ..Default::default()
        };
        assert_eq!(fields(check(Queue::Pqa, &form)), ["message"]);
        assert_eq!(fields(check(Queue::Qa1, &form)), ["message"]);
        assert_eq!(
            fields(check(Queue::Qa2, &form)),
            ["return_reason", "message"]
        );
        let form = DecisionForm {
            outcome: "return",
            message: "Consent form unsigned",
            return_reason: "Incorrect / Missing Paperwork",
            internal: true,
            ..Default::default()
        };
        let (decision, _) = check(Queue::Escalation, &form).expect("valid");
        // Whatever was ticked, the provider is told why an authority returned the case.
        assert_eq!(
            decision,
            Decision::Return {
                reason: Some("Incorrect / Missing Paperwork"),
                message: "Consent form unsigned".into(),
                internal: false
            }
        );
    }

    #[test]
    fn advisory_and_exception_accepts_need_a_message_for_the_provider() {
        let mut form = DecisionForm {
            outcome: "accept",
            feedback_type: "advisory",
            ..Default::default()
        };
        assert_eq!(fields(check(Queue::Qa2, &form)), ["message"]);
        form.feedback_type = "";
        assert_eq!(fields(check(Queue::Qa2, &form)), ["feedback_type"]);
        form.feedback_type = "none";
        assert!(check(Queue::Qa2, &form).is_ok());
        // PQA and QA1 accept without feedback or message.
        form.feedback_type = "";
        assert!(check(Queue::Pqa, &form).is_ok());
        assert!(check(Queue::Qa1, &form).is_ok());
    }

    #[test]
    fn each_queue_offers_only_its_own_outcomes() {
        let escalate = DecisionForm {
            outcome: "escalate",
            message: "Needs a senior view",
            ..Default::default()
        };
        assert_eq!(fields(check(Queue::Pqa, &escalate)), ["outcome"]);
        assert_eq!(fields(check(Queue::Qa1, &escalate)), ["outcome"]);
        assert_eq!(fields(check(Queue::Escalation, &escalate)), ["outcome"]);
        assert!(check(Queue::Qa2, &escalate).is_ok());
        let comment = DecisionForm {
            outcome: "comment",
            message: "Checked the consent",
            ..Default::default()
        };
        assert_eq!(fields(check(Queue::Qa1, &comment)), ["outcome"]);
        // An escalation comment is always internal.
        let (decision, _) = check(Queue::Escalation, &comment).expect("valid");
        assert_eq!(
            decision,
            Decision::Comment {
                message: "Checked the consent".into(),
                internal: true
            }
        );
    }

    #[test]
    fn qa1_feedback_needs_a_known_reason_and_is_only_for_authority_queues() {
        let mut form = DecisionForm {
            outcome: "accept",
            feedback_type: "none",
            qa1_feedback_message: "Well spotted",
            ..Default::default()
        };
        assert_eq!(fields(check(Queue::Qa2, &form)), ["qa1_feedback_reason"]);
        form.qa1_feedback_reason = "Positive Recognition";
        let (_, feedback) = check(Queue::Qa2, &form).expect("valid");
        assert_eq!(feedback.map(|f| f.reason), Some("Positive Recognition"));
        let (_, feedback) = check(Queue::Qa1, &form).expect("valid");
        assert_eq!(feedback, None);
    }

    #[test]
    fn messages_over_the_limit_are_refused_at_the_field() {
        let long = "x".repeat(MAX_MESSAGE + 1);
        let form = DecisionForm {
            outcome: "comment",
            message: &long,
            ..Default::default()
        };
        assert_eq!(fields(check(Queue::Pqa, &form)), ["message"]);
    }
}
