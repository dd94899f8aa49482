//! How the external service's ranked matches become one outcome (DOMAIN.md §9).

/// One match: a person's cluster id (UPCI) and how sure the service is (1 = certain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The DMS cluster id (UPCI).
    pub upci: String,
    /// Lower is surer; 1 is an exact match.
    pub precedence: u32,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchOutcome {
    /// Nobody.
    NoMatch,
    /// Exactly this person.
    Found(String),
    /// One weak match: ask for more information.
    MoreInformationNeeded,
    /// Several candidates and none certain.
    TooManyResults,
}

/// Weakest precedence accepted for a single match.
pub const WEAKEST_ACCEPTED: u32 = 10;

/// Chooses: any precedence-1 match → the surest (lowest precedence, then lowest UPCI);
/// otherwise one match of precedence ≤ 10 → it, one weaker → more information needed;
/// several → too many.
pub fn choose(matches: &[Match]) -> MatchOutcome {
    if matches.is_empty() {
        return MatchOutcome::NoMatch;
    }
    if matches.iter().any(|m| m.precedence == 1) {
        let best = matches
            .iter()
            .filter(|m| m.precedence == 1)
            .min_by(|a, b| a.upci.cmp(&b.upci));
        return best.map_or(MatchOutcome::NoMatch, |m| {
            MatchOutcome::Found(m.upci.clone())
        });
    }
    match matches {
        [only] if only.precedence <= WEAKEST_ACCEPTED => MatchOutcome::Found(only.upci.clone()),
        [_] => MatchOutcome::MoreInformationNeeded,
        _ => MatchOutcome::TooManyResults,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(upci: &str, precedence: u32) -> Match {
        Match {
            upci: upci.into(),
            precedence,
        }
    }

    #[test]
    fn every_outcome() {
        assert_eq!(choose(&[]), MatchOutcome::NoMatch);
        assert_eq!(
            choose(&[m("B", 4), m("A", 1), m("C", 1)]),
            MatchOutcome::Found("A".into())
        );
        assert_eq!(choose(&[m("A", 10)]), MatchOutcome::Found("A".into()));
        assert_eq!(choose(&[m("A", 11)]), MatchOutcome::MoreInformationNeeded);
        assert_eq!(
            choose(&[m("A", 2), m("B", 3)]),
            MatchOutcome::TooManyResults
        );
    }
}
