//! Locations, their types and classes, and contract lots (DOMAIN.md §1).

/// The type of a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocationType {
    /// A prison wing.
    Wing,
    /// A feeder prison.
    Feeder,
    /// An outlying prison.
    Outlying,
    /// A women's prison.
    Female,
    /// A probation area.
    Community,
    /// A community hub.
    Hub,
    /// A satellite of a hub.
    Satellite,
    /// Location not known (id 0).
    Unknown,
    /// A custody code with no mapping (id −1).
    UnmappedCustody,
    /// A community code with no mapping (id −2).
    UnmappedCommunity,
}

/// Where the work happens, for activities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivitySetting {
    /// In prison.
    Custody,
    /// In the community.
    WiderCommunity,
    /// At a hub or satellite.
    Hub,
}

impl LocationType {
    /// Every type, in display order.
    pub const ALL: [LocationType; 10] = [
        LocationType::Wing,
        LocationType::Feeder,
        LocationType::Outlying,
        LocationType::Female,
        LocationType::Community,
        LocationType::Hub,
        LocationType::Satellite,
        LocationType::Unknown,
        LocationType::UnmappedCustody,
        LocationType::UnmappedCommunity,
    ];

    /// The stable code stored in the database (the original's display names).
    pub fn code(self) -> &'static str {
        match self {
            LocationType::Wing => "Wing",
            LocationType::Feeder => "Feeder",
            LocationType::Outlying => "Outlying",
            LocationType::Female => "Female",
            LocationType::Community => "Community",
            LocationType::Hub => "Hub",
            LocationType::Satellite => "Satellite",
            LocationType::Unknown => "Unknown",
            LocationType::UnmappedCustody => "Unmapped Custody",
            LocationType::UnmappedCommunity => "Unmapped Community",
        }
    }

    /// The type with this stored code.
    pub fn from_code(code: &str) -> Option<LocationType> {
        LocationType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Custody locations (and the unmapped custody bucket).
    pub fn is_custody(self) -> bool {
        matches!(
            self,
            LocationType::Wing
                | LocationType::Feeder
                | LocationType::Outlying
                | LocationType::Female
                | LocationType::UnmappedCustody
        )
    }

    /// Community locations, hubs included (and the unmapped community bucket).
    pub fn is_community(self) -> bool {
        matches!(
            self,
            LocationType::Community
                | LocationType::Hub
                | LocationType::Satellite
                | LocationType::UnmappedCommunity
        )
    }

    /// Hubs and their satellites.
    pub fn is_hub(self) -> bool {
        matches!(self, LocationType::Hub | LocationType::Satellite)
    }

    /// Mapped locations belong to a contract; the three unmapped buckets do not.
    pub fn is_mapped(self) -> bool {
        !matches!(
            self,
            LocationType::Unknown | LocationType::UnmappedCustody | LocationType::UnmappedCommunity
        )
    }

    /// The activity setting derived from the type; none for unmapped locations.
    pub fn activity_setting(self) -> Option<ActivitySetting> {
        match self {
            LocationType::Wing
            | LocationType::Feeder
            | LocationType::Outlying
            | LocationType::Female => Some(ActivitySetting::Custody),
            LocationType::Community => Some(ActivitySetting::WiderCommunity),
            LocationType::Hub | LocationType::Satellite => Some(ActivitySetting::Hub),
            _ => None,
        }
    }
}

/// Gender provision of a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenderProvision {
    /// Men only.
    Male,
    /// Women only.
    Female,
    /// Anyone.
    Any,
}

impl GenderProvision {
    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            GenderProvision::Male => "Male",
            GenderProvision::Female => "Female",
            GenderProvision::Any => "Any",
        }
    }

    /// The provision with this stored code.
    pub fn from_code(code: &str) -> Option<GenderProvision> {
        [
            GenderProvision::Male,
            GenderProvision::Female,
            GenderProvision::Any,
        ]
        .into_iter()
        .find(|g| g.code() == code)
    }
}

/// The region a contract lot covers; lots 1–9 (DOMAIN.md §1).
pub fn lot_region(lot: u8) -> Option<&'static str> {
    Some(match lot {
        1 => "North West",
        2 => "North East",
        3 => "Yorkshire & Humberside",
        4 => "West Midlands",
        5 => "East Midlands",
        6 => "East of England",
        7 => "London",
        8 => "South West",
        9 => "South East",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_domain_table() {
        use LocationType::*;
        for t in [Wing, Feeder, Outlying, Female] {
            assert!(t.is_custody() && t.is_mapped());
            assert_eq!(t.activity_setting(), Some(ActivitySetting::Custody));
        }
        assert_eq!(
            Community.activity_setting(),
            Some(ActivitySetting::WiderCommunity)
        );
        assert!(Hub.is_hub() && Satellite.is_hub() && Satellite.is_community());
        assert_eq!(Satellite.activity_setting(), Some(ActivitySetting::Hub));
        for t in [Unknown, UnmappedCustody, UnmappedCommunity] {
            assert!(!t.is_mapped());
            assert_eq!(t.activity_setting(), None);
        }
        assert!(UnmappedCustody.is_custody() && UnmappedCommunity.is_community());
        assert!(!Unknown.is_custody() && !Unknown.is_community());
    }

    #[test]
    fn codes_round_trip() {
        for t in LocationType::ALL {
            assert_eq!(LocationType::from_code(t.code()), Some(t));
        }
    }

    #[test]
    fn lots_map_to_regions() {
        assert_eq!(lot_region(1), Some("North West"));
        assert_eq!(lot_region(7), Some("London"));
        assert_eq!(lot_region(0), None);
        assert_eq!(lot_region(10), None);
    }
}
