//! Where the feed says a person is (DOMAIN.md §9): a prison or probation code, from which the
//! location mapping gives a CATS location.

/// What the feed holds about where someone is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedLocation {
    /// The primary record is NOMIS (prison) rather than Delius (probation).
    pub nomis_primary: bool,
    /// The person has a Delius (probation) record.
    pub delius_primary: bool,
    /// NOMIS establishment code, e.g. `RSI`, or `OUT` when released.
    pub prison_code: Option<String>,
    /// Delius organisation (probation) code.
    pub org_code: Option<String>,
    /// A QA-set sticky location (probation region code), which wins over the org code.
    pub sticky_location: Option<String>,
}

/// The code to look up in the location mappings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocationCode {
    /// A prison code (mapping type `Prison`).
    Prison(String),
    /// A probation code (mapping type `Probation`).
    Probation(String),
    /// Nothing to go on: the Unknown location.
    Unknown,
}

fn probation(feed: &FeedLocation) -> Option<LocationCode> {
    feed.sticky_location
        .clone()
        .or_else(|| feed.org_code.clone())
        .filter(|c| !c.trim().is_empty())
        .map(LocationCode::Probation)
}

/// The location rule: NOMIS primary and not `OUT` → the prison code; Delius primary → the
/// sticky location or org code; NOMIS `OUT` → the sticky location or org code if there is an
/// org code, else the prison code; nothing → Unknown.
pub fn locate(feed: &FeedLocation) -> LocationCode {
    let prison = feed.prison_code.clone().filter(|c| !c.trim().is_empty());
    let released = prison
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("OUT"));
    if feed.nomis_primary && !released {
        if let Some(code) = prison {
            return LocationCode::Prison(code);
        }
    }
    if feed.delius_primary && !feed.nomis_primary {
        if let Some(code) = probation(feed) {
            return code;
        }
    }
    if feed.nomis_primary && released {
        if feed.org_code.is_some() {
            if let Some(code) = probation(feed) {
                return code;
            }
        }
        if let Some(code) = prison {
            return LocationCode::Prison(code);
        }
    }
    LocationCode::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(
        nomis: bool,
        delius: bool,
        prison: Option<&str>,
        org: Option<&str>,
        sticky: Option<&str>,
    ) -> FeedLocation {
        FeedLocation {
            nomis_primary: nomis,
            delius_primary: delius,
            prison_code: prison.map(str::to_owned),
            org_code: org.map(str::to_owned),
            sticky_location: sticky.map(str::to_owned),
        }
    }

    #[test]
    fn in_prison_the_prison_code_wins() {
        assert_eq!(
            locate(&feed(true, true, Some("RSI"), Some("C02"), None)),
            LocationCode::Prison("RSI".into())
        );
    }

    #[test]
    fn on_probation_the_sticky_location_then_the_org_code() {
        assert_eq!(
            locate(&feed(false, true, None, Some("C02"), None)),
            LocationCode::Probation("C02".into())
        );
        assert_eq!(
            locate(&feed(false, true, None, Some("C02"), Some("N53"))),
            LocationCode::Probation("N53".into())
        );
    }

    #[test]
    fn released_from_prison_goes_to_probation_if_known_else_keeps_the_prison_code() {
        assert_eq!(
            locate(&feed(true, false, Some("OUT"), Some("C01"), None)),
            LocationCode::Probation("C01".into())
        );
        assert_eq!(
            locate(&feed(true, false, Some("OUT"), None, None)),
            LocationCode::Prison("OUT".into())
        );
    }

    #[test]
    fn nothing_is_unknown() {
        assert_eq!(locate(&FeedLocation::default()), LocationCode::Unknown);
    }
}
