//! Red, amber and green: what a pathway score means (DOMAIN.md §3).
//!
//! One definition everywhere: red below 10, amber 10–25, green above 25. (One of
//! the original's helpers ends amber at 26; CATS-rs does not, per DOMAIN.md §12.)

/// Scores below this are red.
pub const RED_BELOW: u8 = 10;

/// Scores up to and including this (and not red) are amber.
pub const AMBER_UP_TO: u8 = 25;

/// The band a pathway score falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Band {
    /// 0–9: the most need.
    Red,
    /// 10–25.
    Amber,
    /// 26–100.
    Green,
}

impl Band {
    /// The band of a score.
    pub fn of(score: u8) -> Band {
        if score < RED_BELOW {
            Band::Red
        } else if score <= AMBER_UP_TO {
            Band::Amber
        } else {
            Band::Green
        }
    }

    /// Display name.
    pub fn label(self) -> &'static str {
        match self {
            Band::Red => "Red",
            Band::Amber => "Amber",
            Band::Green => "Green",
        }
    }
}

impl std::fmt::Display for Band {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_fall_at_10_and_between_25_and_26() {
        assert_eq!(Band::of(0), Band::Red);
        assert_eq!(Band::of(9), Band::Red);
        assert_eq!(Band::of(10), Band::Amber);
        assert_eq!(Band::of(25), Band::Amber);
        assert_eq!(Band::of(26), Band::Green);
        assert_eq!(Band::of(100), Band::Green);
    }

    #[test]
    fn labels_read_as_colours() {
        assert_eq!(Band::Amber.to_string(), "Amber");
    }
}
