//! Whether an assessment's scores make a case eligible to submit (DOMAIN.md §3, §11).
//!
//! At least one red is needed. Two or more reds are enough on their own. With
//! exactly one red, at least two pathways must score 25 or less (the red one
//! counts) and a justification must be given.

use super::bands::{AMBER_UP_TO, RED_BELOW};

/// Why a case cannot be submitted with these scores.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EligibilityError {
    /// No pathway scored below 10.
    #[error(
        "The assessment has no red pathway (a score below 10); at least one is needed to be \
         eligible for the programme."
    )]
    NoRed,
    /// One red, and no other pathway at 25 or below.
    #[error(
        "With one red pathway, at least two pathways must score 25 or less (the red one \
         counts); this assessment has {at_or_below_amber}."
    )]
    TooFewLowScores {
        /// How many pathways score 25 or less.
        at_or_below_amber: usize,
    },
    /// One red and enough low scores, but no justification.
    #[error("With only one red pathway, give a justification for submitting the case.")]
    JustificationRequired,
}

/// Whether a justification must be given: fewer than two reds.
pub fn justification_required(scores: impl IntoIterator<Item = u8>) -> bool {
    reds(scores) < 2
}

/// Checks the latest assessment's pathway scores, with the justification typed at
/// submission (blank counts as none), against the submission rule.
pub fn check_submission(
    scores: impl IntoIterator<Item = u8>,
    justification: Option<&str>,
) -> Result<(), EligibilityError> {
    let scores: Vec<u8> = scores.into_iter().collect();
    match reds(scores.iter().copied()) {
        0 => Err(EligibilityError::NoRed),
        1 => {
            let at_or_below_amber = scores.iter().filter(|s| **s <= AMBER_UP_TO).count();
            let justified = justification.is_some_and(|j| !j.trim().is_empty());
            if at_or_below_amber < 2 {
                Err(EligibilityError::TooFewLowScores { at_or_below_amber })
            } else if !justified {
                Err(EligibilityError::JustificationRequired)
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

fn reds(scores: impl IntoIterator<Item = u8>) -> usize {
    scores.into_iter().filter(|s| *s < RED_BELOW).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHY: Option<&str> = Some("Housing need is urgent on release");

    #[test]
    fn no_red_is_never_eligible() {
        let scores = [10, 10, 10, 10, 10, 10, 10, 10];
        assert_eq!(check_submission(scores, WHY), Err(EligibilityError::NoRed));
        assert_eq!(
            check_submission([50; 8], None),
            Err(EligibilityError::NoRed)
        );
    }

    #[test]
    fn two_reds_are_eligible_without_a_justification() {
        let scores = [9, 0, 80, 80, 80, 80, 80, 80];
        assert_eq!(check_submission(scores, None), Ok(()));
        assert_eq!(check_submission(scores, WHY), Ok(()));
        assert!(!justification_required(scores));
    }

    #[test]
    fn one_red_and_an_amber_with_a_justification_is_eligible() {
        let scores = [9, 25, 80, 80, 80, 80, 80, 80];
        assert!(justification_required(scores));
        assert_eq!(check_submission(scores, WHY), Ok(()));
    }

    #[test]
    fn one_red_and_an_amber_without_a_justification_is_refused() {
        let scores = [9, 25, 80, 80, 80, 80, 80, 80];
        for blank in [None, Some(""), Some("   \n")] {
            assert_eq!(
                check_submission(scores, blank),
                Err(EligibilityError::JustificationRequired),
                "{blank:?}"
            );
        }
    }

    #[test]
    fn one_red_alone_is_refused_even_with_a_justification() {
        // 26 is green, so only the red itself is at 25 or below.
        let scores = [9, 26, 80, 80, 80, 80, 80, 80];
        assert_eq!(
            check_submission(scores, WHY),
            Err(EligibilityError::TooFewLowScores {
                at_or_below_amber: 1
            })
        );
    }

    #[test]
    fn the_red_boundary_is_below_10() {
        // 10 is amber: one red (9) plus an amber, not two reds.
        let scores = [9, 10, 80, 80, 80, 80, 80, 80];
        assert_eq!(
            check_submission(scores, None),
            Err(EligibilityError::JustificationRequired)
        );
    }
}
