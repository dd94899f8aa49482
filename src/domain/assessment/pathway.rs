//! The eight assessment pathways: display names, stored codes and scoring constants (DOMAIN.md §3).

/// One of the eight areas of a participant's life the assessment scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pathway {
    /// Questions A1–A10.
    Working,
    /// Questions B1–B6.
    Housing,
    /// Questions C1–C9.
    Money,
    /// Questions D1–D5.
    Education,
    /// Questions E1–E9.
    HealthAndAddiction,
    /// Questions F1–F9.
    Relationships,
    /// Questions G1–G10.
    ThoughtsAndBehaviours,
    /// Questions H1–H13.
    WellbeingAndMentalHealth,
}

impl Pathway {
    /// Every pathway, in the order the questionnaire asks them (A to H).
    pub const ALL: [Pathway; 8] = [
        Pathway::Working,
        Pathway::Housing,
        Pathway::Money,
        Pathway::Education,
        Pathway::HealthAndAddiction,
        Pathway::Relationships,
        Pathway::ThoughtsAndBehaviours,
        Pathway::WellbeingAndMentalHealth,
    ];

    /// The display name; also the key the original stores pathway scores under.
    pub fn title(self) -> &'static str {
        match self {
            Pathway::Working => "Working",
            Pathway::Housing => "Housing",
            Pathway::Money => "Money",
            Pathway::Education => "Education",
            Pathway::HealthAndAddiction => "Health & Addiction",
            Pathway::Relationships => "Relationships",
            Pathway::ThoughtsAndBehaviours => "Thoughts & Behaviours",
            Pathway::WellbeingAndMentalHealth => "Wellbeing & Mental Health",
        }
    }

    /// The pathway with this display name.
    pub fn from_title(title: &str) -> Option<Pathway> {
        Pathway::ALL.into_iter().find(|p| p.title() == title)
    }

    /// The stable numeric code. The original's values are kept, except that the
    /// original gave Housing and Money the same value (6); Money takes the unused 1
    /// so every pathway has its own code (DOMAIN.md §12).
    pub fn code(self) -> u8 {
        match self {
            Pathway::WellbeingAndMentalHealth => 0,
            Pathway::Money => 1,
            Pathway::Relationships => 2,
            Pathway::HealthAndAddiction => 3,
            Pathway::Working => 4,
            Pathway::Education => 5,
            Pathway::Housing => 6,
            Pathway::ThoughtsAndBehaviours => 7,
        }
    }

    /// The pathway with this numeric code.
    pub fn from_code(code: u8) -> Option<Pathway> {
        Pathway::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The letter its question codes start with (`A` for Working … `H` for Wellbeing).
    pub fn letter(self) -> char {
        match self {
            Pathway::Working => 'A',
            Pathway::Housing => 'B',
            Pathway::Money => 'C',
            Pathway::Education => 'D',
            Pathway::HealthAndAddiction => 'E',
            Pathway::Relationships => 'F',
            Pathway::ThoughtsAndBehaviours => 'G',
            Pathway::WellbeingAndMentalHealth => 'H',
        }
    }

    /// The constant K of the RAG formula, from the CFO Evolution RAG-score model.
    pub fn constant(self) -> f64 {
        match self {
            Pathway::Working => 0.79225,
            Pathway::Housing => 0.87634,
            Pathway::Money => 0.76845,
            Pathway::Education => 0.61259,
            Pathway::HealthAndAddiction => 0.76469,
            Pathway::Relationships => 0.68620,
            Pathway::ThoughtsAndBehaviours => 0.68287,
            Pathway::WellbeingAndMentalHealth => 0.64723,
        }
    }
}

impl std::fmt::Display for Pathway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.title())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn housing_and_money_have_codes_of_their_own() {
        assert_ne!(Pathway::Housing.code(), Pathway::Money.code());
        let codes: HashSet<u8> = Pathway::ALL.iter().map(|p| p.code()).collect();
        assert_eq!(codes.len(), 8);
    }

    #[test]
    fn codes_and_titles_round_trip() {
        for p in Pathway::ALL {
            assert_eq!(Pathway::from_code(p.code()), Some(p));
            assert_eq!(Pathway::from_title(p.title()), Some(p));
        }
        assert_eq!(Pathway::from_code(8), None);
        assert_eq!(Pathway::from_title("housing"), None);
    }

    #[test]
    fn letters_run_a_to_h_in_questionnaire_order() {
        let letters: String = Pathway::ALL.iter().map(|p| p.letter()).collect();
        assert_eq!(letters, "ABCDEFGH");
    }

    #[test]
    fn constants_are_the_models_values() {
        assert_eq!(Pathway::Working.constant(), 0.79225);
        assert_eq!(Pathway::Housing.constant(), 0.87634);
        assert_eq!(Pathway::WellbeingAndMentalHealth.constant(), 0.64723);
        assert!(Pathway::ALL
            .iter()
            .all(|p| p.constant() > 0.0 && p.constant() < 1.0));
    }
}
