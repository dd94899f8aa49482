//! Who is being scored: age at submission, sex and region (DOMAIN.md §3, §11).

/// Sex as the percentile tables know it, taken from the participant's gender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Gender recorded exactly as `Male`.
    Male,
    /// Gender recorded exactly as `Female`.
    Female,
    /// Any other gender value, or none.
    Unknown,
}

impl Sex {
    /// Maps a recorded gender by its exact name, as the original does: `"Male"` and
    /// `"Female"` only; anything else (other spellings or case included) is Unknown.
    pub fn from_gender(gender: Option<&str>) -> Sex {
        match gender {
            Some("Male") => Sex::Male,
            Some("Female") => Sex::Female,
            _ => Sex::Unknown,
        }
    }
}

/// The region of the enrolment location's contract; the Working transport table
/// depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// Lot 1.
    NorthWest,
    /// Lot 2.
    NorthEast,
    /// Lot 3.
    YorkshireAndHumberside,
    /// Lot 4.
    WestMidlands,
    /// Lot 5.
    EastMidlands,
    /// Lot 6.
    EastOfEngland,
    /// Lot 7.
    London,
    /// Lot 8.
    SouthWest,
    /// Lot 9.
    SouthEast,
    /// Lot 0, or no contract: Working A10 = "No" cannot be scored then.
    Unknown,
}

impl Region {
    /// The region of a contract lot; lot 0 and anything outside 1–9 are Unknown.
    pub fn from_lot(lot: u8) -> Region {
        match lot {
            1 => Region::NorthWest,
            2 => Region::NorthEast,
            3 => Region::YorkshireAndHumberside,
            4 => Region::WestMidlands,
            5 => Region::EastMidlands,
            6 => Region::EastOfEngland,
            7 => Region::London,
            8 => Region::SouthWest,
            9 => Region::SouthEast,
            _ => Region::Unknown,
        }
    }

    /// The contract lot; 0 for Unknown.
    pub fn lot(self) -> u8 {
        match self {
            Region::NorthWest => 1,
            Region::NorthEast => 2,
            Region::YorkshireAndHumberside => 3,
            Region::WestMidlands => 4,
            Region::EastMidlands => 5,
            Region::EastOfEngland => 6,
            Region::London => 7,
            Region::SouthWest => 8,
            Region::SouthEast => 9,
            Region::Unknown => 0,
        }
    }
}

/// Everything besides the answers that the scores depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoringInputs {
    /// Age in whole years on the day the assessment is submitted.
    pub age: u32,
    /// From the participant's gender.
    pub sex: Sex,
    /// From the enrolment location's contract lot.
    pub region: Region,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_gender_names_give_a_sex() {
        assert_eq!(Sex::from_gender(Some("Male")), Sex::Male);
        assert_eq!(Sex::from_gender(Some("Female")), Sex::Female);
        for other in ["male", "FEMALE", "M", " Male", "Not stated", ""] {
            assert_eq!(Sex::from_gender(Some(other)), Sex::Unknown, "{other:?}");
        }
        assert_eq!(Sex::from_gender(None), Sex::Unknown);
    }

    #[test]
    fn lots_one_to_nine_are_regions_and_the_rest_unknown() {
        for lot in 1..=9 {
            let region = Region::from_lot(lot);
            assert_ne!(region, Region::Unknown);
            assert_eq!(region.lot(), lot);
        }
        assert_eq!(Region::from_lot(5), Region::EastMidlands);
        assert_eq!(Region::from_lot(0), Region::Unknown);
        assert_eq!(Region::from_lot(10), Region::Unknown);
        assert_eq!(Region::Unknown.lot(), 0);
    }
}
