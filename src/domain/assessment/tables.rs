//! The percentile tables, as data: how common each answer is, per question.
//!
//! A percentile of 1 means "no worse than most people"; small values mark rare,
//! harder circumstances. Values are transcribed from the original's scoring rules.
//! Keys are option texts exactly as in the questionnaire (a test checks each one).
//! Where a value depends on age, sex or region it says so in its type.

use super::inputs::Region;

/// Percentile by option text.
pub type Table = &'static [(&'static str, f64)];

/// A percentile that varies with age: the first band whose limit is above the age
/// applies, else `otherwise`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeBands {
    /// `(limit, percentile)`: applies to ages strictly below `limit`, in rising order.
    pub below: &'static [(u32, f64)],
    /// Applies to every older age.
    pub otherwise: f64,
}

impl AgeBands {
    /// The same percentile at every age.
    pub const fn flat(percentile: f64) -> AgeBands {
        AgeBands {
            below: &[],
            otherwise: percentile,
        }
    }

    /// The percentile at `age`.
    pub fn at(&self, age: u32) -> f64 {
        self.below
            .iter()
            .find(|(limit, _)| age < *limit)
            .map_or(self.otherwise, |(_, percentile)| *percentile)
    }
}

/// Age-dependent percentile by option text.
pub type AgeTable = &'static [(&'static str, AgeBands)];

/// Percentiles of one option for men, women and anyone else.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BySex {
    /// Sex Male.
    pub male: f64,
    /// Sex Female.
    pub female: f64,
    /// Sex Unknown.
    pub unknown: f64,
}

/// A tick-box that, when ticked, scores `percentile` (and 1 when not ticked).
pub type Flag = (&'static str, f64);

// ---- Working -------------------------------------------------------------------

/// A1 employment status.
pub const A1_EMPLOYMENT: Table = &[
    ("In a permanent job", 1.0),
    ("In a temporary job", 0.29),
    ("Looking for work", 0.25),
    ("Want a job but cannot work", 0.21),
    ("Do not want a job", 0.17),
];

/// A2 employment history.
pub const A2_LAST_WORKED: Table = &[
    ("I am currently working", 1.0),
    ("In the last year", 0.25),
    ("Over a year ago", 0.22),
    ("I have never worked", 0.06),
];

/// A4 volunteering.
pub const A4_VOLUNTEERING: Table = &[
    ("Yes - at least once per month", 1.0),
    ("Yes - less than once per month", 0.82),
    ("No - I am currently unable to", 0.7),
    ("No - I prefer to do other things", 0.25),
];

/// A5 job search.
pub const A5_JOB_SEARCH: Table = &[("Yes", 1.0), ("No", 0.01)];

/// A6 applications and CVs.
pub const A6_APPLICATIONS: Table = &[
    ("Yes, unaided", 1.0),
    ("Yes, with help", 0.01),
    ("No", 0.001),
];

/// A7 comfort with computers; "No" by age (the original's bands, kept as written).
pub const A7_COMPUTERS: AgeTable = &[
    ("Yes", AgeBands::flat(1.0)),
    (
        "No",
        AgeBands {
            below: &[
                (20, 0.06),
                (25, 0.06),
                (30, 0.06),
                (35, 0.06),
                (40, 0.09),
                (45, 0.09),
                (50, 0.1),
                (55, 0.1),
                (60, 0.16),
                (65, 0.16),
            ],
            otherwise: 0.29,
        },
    ),
];

/// A8 smart phone.
pub const A8_CONNECTED: Table = &[
    ("Yes", 1.0),
    ("Yes, but I struggle to afford data", 0.23),
    ("No", 0.16),
];

/// A10 "Yes" (access to a vehicle) scores this anywhere.
pub const A10_YES: (&str, f64) = ("Yes", 1.0);

/// A10 "No" by region; Unknown has no value (the original throws).
pub const A10_NO_BY_REGION: (&str, &[(Region, f64)]) = (
    "No",
    &[
        (Region::EastMidlands, 0.18),
        (Region::EastOfEngland, 0.15),
        (Region::London, 0.45),
        (Region::NorthEast, 0.29),
        (Region::NorthWest, 0.24),
        (Region::SouthEast, 0.16),
        (Region::SouthWest, 0.15),
        (Region::WestMidlands, 0.26),
        (Region::YorkshireAndHumberside, 0.23),
    ],
);

// ---- Housing -------------------------------------------------------------------

/// B1 where they live.
pub const B1_HOUSING_STATUS: Table = &[
    (
        "Housing is rented or owned by you, your partner, parent or guardian",
        1.0,
    ),
    ("Temporarily staying with family or friends", 0.01),
    ("Temporary or supported housing", 0.01),
    ("Sleep rough", 0.001),
    ("Shelter, hostel, emergency housing or AP", 0.001),
];

/// B2 housing costs: behind on rent or mortgage.
pub const B2_BEHIND_ON_RENT: Flag = ("Behind on rent/mortgage", 0.09);
/// B2 facing eviction.
pub const B2_EVICTION: Flag = ("Facing eviction", 0.02);
/// B2 fear of homelessness.
pub const B2_HOMELESSNESS_WORRY: Flag = ("Worried may become homeless", 0.02);

/// B4 housing satisfaction.
pub const B4_SATISFACTION: Table = &[
    ("Very satisfied", 1.0),
    ("Fairly satisfied", 0.43),
    ("Neither satisfied or dissatisfied", 0.12),
    ("Slightly dissatisfied", 0.07),
    ("Very dissatisfied", 0.03),
];

/// B5 feeling safe after dark, by sex.
pub const B5_FEELING_SAFE: &[(&str, BySex)] = &[
    (
        "Very safe",
        BySex {
            male: 1.0,
            female: 1.0,
            unknown: 1.0,
        },
    ),
    (
        "Fairly safe",
        BySex {
            male: 0.56,
            female: 0.79,
            unknown: 0.67,
        },
    ),
    (
        "A bit unsafe",
        BySex {
            male: 0.10,
            female: 0.31,
            unknown: 0.20,
        },
    ),
    (
        "Very unsafe",
        BySex {
            male: 0.02,
            female: 0.09,
            unknown: 0.05,
        },
    ),
];

// ---- Money ---------------------------------------------------------------------

/// C1 coping with money.
pub const C1_COPING: Table = &[
    ("Living comfortably", 1.0),
    ("Doing alright", 0.7),
    ("Just about getting by", 0.26),
    ("Finding it quite difficult", 0.07),
    ("Finding it very difficult", 0.02),
];

/// C2 behind on bills. "Yes" scores 1 and "No" 0.16: inverted against the question,
/// but that is the original's table and its tests depend on it (DOMAIN.md §11).
pub const C2_PAYING_BILLS: Table = &[("Yes", 1.0), ("No", 0.16)];

/// C3 over £1000 of debt. "Yes" scores 1 and "No" 0.29, as in the original (see C2).
pub const C3_PROBLEM_DEBT: Table = &[("Yes", 1.0), ("No", 0.29)];

/// C5 bank account.
pub const C5_BANKING: Table = &[("Yes", 1.0), ("No", 0.02)];

/// C9 food bank use.
pub const C9_FOOD_BANK: Table = &[
    ("Never", 1.0),
    ("Over a year ago", 1.0),
    ("Within the last year", 0.03),
    ("Within the last 30 days", 0.01),
];

// ---- Education -----------------------------------------------------------------

/// D1 highest qualification.
pub const D1_QUALIFICATION: Table = &[
    ("Degree or higher Example:BA", 1.0),
    (
        "2+ A-levels, NVQ level 3, apprentice-ship, etc. Example:HNC",
        0.65,
    ),
    (
        "5+ GCSEs, NVQ level 2, etc. Example:Grade C/4 or higher at GCSE",
        0.42,
    ),
    (
        "NVQ level 1 or similar Example:Grade D/3 or lower at GCSE",
        0.29,
    ),
    ("No quals / entry level Example:Skills for life", 0.19),
];

/// D2 finished school.
pub const D2_FINISHED_SCHOOL: Table = &[
    ("Yes", 1.0),
    ("Left before age 16", 0.01),
    ("Left before age 11", 0.001),
];

/// D3 neurodiversity: the lowest percentile among the ticked conditions applies.
/// "None of these" scores 1, so beside a condition it changes nothing.
pub const D3_NEURODIVERSITY: Table = &[
    ("Autism / ASD", 0.01),
    ("ADHD / ADD", 0.03),
    ("Epilepsy", 0.01),
    ("Synaesthesia", 0.03),
    ("Tourette syndrome", 0.01),
    ("An intellectual disability", 0.01),
    ("Dyslexia", 0.10),
    ("Dyspraxia", 0.04),
    ("Dyscalculia", 0.06),
    ("Dysgraphia", 0.10),
    ("Other learning disability", 0.01),
    ("None of these", 1.0),
];

/// D4's "none" option, left out of the count.
pub const D4_NONE: &str = "None of these";
/// D4 learning difficulties by how many are ticked: 0, 1, 2, 3 or more.
pub const D4_BY_COUNT: [f64; 4] = [1.0, 0.1, 0.05, 0.01];

/// D5's "none" option, left out of the count.
pub const D5_NONE: &str = "None of these";
/// D5 creative activities by how many are ticked: 0, 1, 2, 3 or more.
pub const D5_BY_COUNT: [f64; 4] = [0.28, 0.39, 0.52, 1.0];

// ---- Health & Addiction --------------------------------------------------------

/// E1 general health by age. The bands are irregular (Bad has none between 20 and
/// 40; Fair and Good switch at 24, not 25) and are kept exactly as the original has them.
pub const E1_GENERAL_HEALTH: AgeTable = &[
    ("Very good", AgeBands::flat(1.0)),
    (
        "Good",
        AgeBands {
            below: &[
                (20, 0.3),
                (24, 0.39),
                (30, 0.42),
                (35, 0.45),
                (40, 0.50),
                (45, 0.54),
                (50, 0.58),
                (55, 0.62),
                (60, 0.66),
                (65, 0.70),
            ],
            otherwise: 0.75,
        },
    ),
    (
        "Fair",
        AgeBands {
            below: &[
                (20, 0.06),
                (24, 0.08),
                (30, 0.09),
                (35, 0.10),
                (40, 0.11),
                (45, 0.14),
                (50, 0.17),
                (55, 0.21),
                (60, 0.24),
                (65, 0.29),
            ],
            otherwise: 0.32,
        },
    ),
    (
        "Bad",
        AgeBands {
            below: &[
                (20, 0.01),
                (40, 0.02),
                (45, 0.04),
                (50, 0.05),
                (55, 0.06),
                (60, 0.08),
            ],
            otherwise: 0.10,
        },
    ),
    (
        "Very bad",
        AgeBands {
            below: &[(40, 0.001)],
            otherwise: 0.02,
        },
    ),
];

/// E2 disability.
pub const E2_DISABILITY: Table = &[
    ("No", 1.0),
    ("Yes, A little impairment", 0.2),
    ("Yes, A lot of impairment", 0.06),
];

/// E4 GP and dentist registration.
pub const E4_REGISTERED: Table = &[
    ("Registered with both", 1.0),
    ("Registered with a GP only", 0.22),
    ("Not registered with either", 0.001),
    ("Registered with a dentist only", 0.001),
];

/// E5 exercise.
pub const E5_EXERCISE: Table = &[
    ("Over 2½ hrs per week", 1.0),
    ("30min to 2½ hr per week", 0.37),
    ("Less than 30min per week", 0.26),
];

/// E6 alcohol.
pub const E6_ALCOHOL: Flag = ("Alcohol", 0.01);
/// E6 illegal drugs.
pub const E6_DRUGS: Flag = ("Illegal drugs / substances", 0.01);
/// E6 gambling.
pub const E6_GAMBLING: Flag = ("Gambling", 0.01);

/// E8 smoking; the lower of E8 and E9 is the smoking-and-vaping percentile.
pub const E8_SMOKING: Table = &[("Never smoked", 1.0), ("I used to", 0.39), ("Yes", 0.13)];

/// E9 vaping; see E8.
pub const E9_VAPING: Table = &[("Never vaped", 1.0), ("I used to", 0.39), ("Yes", 0.13)];

// ---- Relationships -------------------------------------------------------------

/// F1 happiness with relationships.
pub const F1_RELATIONSHIPS: Table = &[
    ("Extremely happy", 1.0),
    ("Very happy", 0.69),
    ("Happy", 0.40),
    ("Fairly unhappy", 0.12),
    ("Extremely unhappy", 0.02),
];

/// F2 loneliness.
pub const F2_LONELINESS: Table = &[
    ("Never", 1.0),
    ("Hardly ever", 0.79),
    ("Occasionally", 0.47),
    ("Some of the time", 0.25),
    ("Often or always", 0.06),
];

/// F5 seeing family or friends.
pub const F5_SOCIAL: Table = &[
    ("At least once per week", 1.0),
    ("Less than once per week", 0.26),
    ("Rarely or never", 0.26),
];

/// F6 trust in people.
pub const F6_TRUST: Table = &[
    ("5 Completely", 1.0),
    ("4 Mostly", 0.94),
    ("3 Somewhat", 0.39),
    ("2 A little", 0.13),
    ("1 Not at all", 0.04),
];

/// F8 caring.
pub const F8_CARING: Table = &[
    ("No", 1.0),
    ("Yes - Under 10 hrs per week", 0.09),
    ("Yes - 10 - 34 hrs per week", 0.06),
    ("Yes - 35 - 49 hrs per week", 0.04),
    ("Yes - 50+ hrs per week", 0.03),
];

// ---- Thoughts & Behaviours -----------------------------------------------------

/// G1 resilience.
pub const G1_RESILIENCE: Table = &[
    ("Strongly agree", 1.0),
    ("Agree", 0.81),
    ("Neither", 0.26),
    ("Disagree", 0.13),
    ("Strongly disagree", 0.02),
];

/// G2 impulsivity, by age.
pub const G2_IMPULSIVITY: AgeTable = &[
    ("Strongly disagree", AgeBands::flat(1.0)),
    (
        "Disagree",
        AgeBands {
            below: &[(25, 0.58), (35, 0.66), (45, 0.73), (55, 0.80), (65, 0.88)],
            otherwise: 0.95,
        },
    ),
    (
        "Neither",
        AgeBands {
            below: &[(25, 0.13), (35, 0.17), (45, 0.20), (55, 0.23), (65, 0.27)],
            otherwise: 0.30,
        },
    ),
    ("Agree", AgeBands::flat(0.09)),
    ("Strongly agree", AgeBands::flat(0.01)),
];

/// G3 motivation, by age.
pub const G3_MOTIVATION: AgeTable = &[
    ("Strongly agree", AgeBands::flat(1.0)),
    (
        "Agree",
        AgeBands {
            below: &[(25, 0.76), (35, 0.79), (45, 0.83), (55, 0.87), (65, 0.9)],
            otherwise: 0.94,
        },
    ),
    (
        "Neither",
        AgeBands {
            below: &[(25, 0.18), (35, 0.23), (45, 0.28), (55, 0.34), (65, 0.39)],
            otherwise: 0.44,
        },
    ),
    ("Disagree", AgeBands::flat(0.06)),
    ("Strongly disagree", AgeBands::flat(0.01)),
];

/// G4 hope (agreeing that problems cannot be overcome scores low).
pub const G4_HOPE: Table = &[
    ("Strongly disagree", 1.0),
    ("Disagree", 0.77),
    ("Neither", 0.25),
    ("Agree", 0.09),
    ("Strongly agree", 0.02),
];

/// G5 self-esteem.
pub const G5_SELF_ESTEEM: Table = &[
    ("Strongly agree", 1.0),
    ("Agree", 0.88),
    ("Neither", 0.37),
    ("Disagree", 0.18),
    ("Strongly disagree", 0.02),
];

/// G6 adaptability.
pub const G6_ADAPTABILITY: Table = &[
    ("Strongly agree", 1.0),
    ("Agree", 0.85),
    ("Neither", 0.35),
    ("Disagree", 0.18),
    ("Strongly disagree", 0.01),
];

/// G7 emotional perception (struggling scores low).
pub const G7_EMOTIONAL_PERCEPTION: Table = &[
    ("Strongly disagree", 1.0),
    ("Disagree", 0.7),
    ("Neither", 0.22),
    ("Agree", 0.15),
    ("Strongly agree", 0.02),
];

/// G8 emotional regulation, by age.
pub const G8_EMOTIONAL_REGULATION: AgeTable = &[
    ("Strongly disagree", AgeBands::flat(1.0)),
    (
        "Disagree",
        AgeBands {
            below: &[(25, 0.99), (35, 0.96), (45, 0.92), (55, 0.89), (65, 0.85)],
            otherwise: 0.82,
        },
    ),
    (
        "Neither",
        AgeBands {
            below: &[(25, 0.76), (35, 0.69), (45, 0.62), (55, 0.55), (65, 0.48)],
            otherwise: 0.41,
        },
    ),
    (
        "Agree",
        AgeBands {
            below: &[(25, 0.64), (35, 0.54), (45, 0.44), (55, 0.34), (65, 0.25)],
            otherwise: 0.15,
        },
    ),
    ("Strongly agree", AgeBands::flat(0.07)),
];

/// G9 social skills.
pub const G9_SOCIAL_SKILLS: Table = &[
    ("Strongly agree", 1.0),
    ("Agree", 0.71),
    ("Neither", 0.25),
    ("Disagree", 0.15),
    ("Strongly disagree", 0.04),
];

// ---- Wellbeing & Mental Health -------------------------------------------------

/// H1–H10 item scores, 0–4; H2 and H10 (positive statements) count as 4 minus this.
pub const DISTRESS_ITEM: &[(&str, u32)] = &[
    ("Not at all", 0),
    ("Only occasionally", 1),
    ("Sometimes", 2),
    ("Often", 3),
    ("Most or all the time", 4),
];

/// The distress items whose score is reversed.
pub const DISTRESS_REVERSED: [&str; 2] = ["H2", "H10"];

/// Distress percentile by total: `(highest total, percentile)`, rising; any total
/// above the last (22–40) scores [`DISTRESS_ABOVE`].
pub const DISTRESS_BY_TOTAL: &[(u32, f64)] = &[
    (1, 1.0),
    (3, 0.73),
    (5, 0.45),
    (7, 0.30),
    (9, 0.19),
    (11, 0.12),
    (13, 0.06),
    (15, 0.05),
    (17, 0.03),
    (19, 0.02),
    (21, 0.01),
];

/// Distress percentile for totals of 22 and over.
pub const DISTRESS_ABOVE: f64 = 0.001;

/// H11 life satisfaction.
pub const H11_LIFE_SATISFACTION: Table = &[
    ("5 Completely", 1.0),
    ("4 Mostly", 0.75),
    ("3 Fairly", 0.21),
    ("2 Mostly not", 0.05),
    ("1 Not at all", 0.025),
];

/// H12 stress.
pub const H12_STRESS: Table = &[
    ("Rarely or never", 1.0),
    ("Few times a month", 0.82),
    ("1-2 times a week", 0.53),
    ("Every day", 0.26),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::assessment::questions::question;

    fn options_of(code: &str) -> &'static [&'static str] {
        question(code).map_or(&[], |q| q.options)
    }

    /// Every option of a single-choice scored question has exactly one value.
    fn covers(code: &str, keys: &[&str]) {
        let mut keys = keys.to_vec();
        let mut options = options_of(code).to_vec();
        keys.sort_unstable();
        options.sort_unstable();
        assert_eq!(keys, options, "{code}");
    }

    #[test]
    fn single_choice_tables_cover_every_option_exactly() {
        let plain: [(&str, Table); 33] = [
            ("A1", A1_EMPLOYMENT),
            ("A2", A2_LAST_WORKED),
            ("A4", A4_VOLUNTEERING),
            ("A5", A5_JOB_SEARCH),
            ("A6", A6_APPLICATIONS),
            ("A8", A8_CONNECTED),
            ("B1", B1_HOUSING_STATUS),
            ("B4", B4_SATISFACTION),
            ("C1", C1_COPING),
            ("C2", C2_PAYING_BILLS),
            ("C3", C3_PROBLEM_DEBT),
            ("C5", C5_BANKING),
            ("C9", C9_FOOD_BANK),
            ("D1", D1_QUALIFICATION),
            ("D2", D2_FINISHED_SCHOOL),
            ("E2", E2_DISABILITY),
            ("E4", E4_REGISTERED),
            ("E5", E5_EXERCISE),
            ("E8", E8_SMOKING),
            ("E9", E9_VAPING),
            ("F1", F1_RELATIONSHIPS),
            ("F2", F2_LONELINESS),
            ("F5", F5_SOCIAL),
            ("F6", F6_TRUST),
            ("F8", F8_CARING),
            ("G1", G1_RESILIENCE),
            ("G4", G4_HOPE),
            ("G5", G5_SELF_ESTEEM),
            ("G6", G6_ADAPTABILITY),
            ("G7", G7_EMOTIONAL_PERCEPTION),
            ("G9", G9_SOCIAL_SKILLS),
            ("H11", H11_LIFE_SATISFACTION),
            ("H12", H12_STRESS),
        ];
        for (code, table) in plain {
            covers(code, &table.iter().map(|(k, _)| *k).collect::<Vec<_>>());
        }
        let by_age: [(&str, AgeTable); 5] = [
            ("A7", A7_COMPUTERS),
            ("E1", E1_GENERAL_HEALTH),
            ("G2", G2_IMPULSIVITY),
            ("G3", G3_MOTIVATION),
            ("G8", G8_EMOTIONAL_REGULATION),
        ];
        for (code, table) in by_age {
            covers(code, &table.iter().map(|(k, _)| *k).collect::<Vec<_>>());
        }
        covers("A10", &[A10_YES.0, A10_NO_BY_REGION.0]);
        covers(
            "B5",
            &B5_FEELING_SAFE.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        );
        for h in ["H1", "H2", "H5", "H10"] {
            covers(
                h,
                &DISTRESS_ITEM.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            );
        }
    }

    #[test]
    fn multiple_choice_keys_are_real_options() {
        covers(
            "D3",
            &D3_NEURODIVERSITY
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>(),
        );
        for (code, key) in [
            ("B2", B2_BEHIND_ON_RENT.0),
            ("B2", B2_EVICTION.0),
            ("B2", B2_HOMELESSNESS_WORRY.0),
            ("D4", D4_NONE),
            ("D5", D5_NONE),
            ("E6", E6_ALCOHOL.0),
            ("E6", E6_DRUGS.0),
            ("E6", E6_GAMBLING.0),
        ] {
            assert!(options_of(code).contains(&key), "{code}: {key}");
        }
    }

    #[test]
    fn every_known_region_has_a_no_vehicle_value() {
        for lot in 1..=9 {
            let region = Region::from_lot(lot);
            assert!(A10_NO_BY_REGION.1.iter().any(|(r, _)| *r == region));
        }
        assert!(!A10_NO_BY_REGION
            .1
            .iter()
            .any(|(r, _)| *r == Region::Unknown));
    }

    #[test]
    fn age_bands_apply_below_their_limit() {
        let fair = E1_GENERAL_HEALTH[2].1;
        assert_eq!(fair.at(19), 0.06);
        assert_eq!(fair.at(20), 0.08);
        assert_eq!(fair.at(23), 0.08);
        assert_eq!(fair.at(24), 0.09, "Fair switches at 24, not 25");
        assert_eq!(fair.at(64), 0.29);
        assert_eq!(fair.at(65), 0.32);
        let bad = E1_GENERAL_HEALTH[3].1;
        assert_eq!(bad.at(20), 0.02);
        assert_eq!(bad.at(39), 0.02, "Bad has one band from 20 to 39");
        assert_eq!(bad.at(40), 0.04);
        let very_bad = E1_GENERAL_HEALTH[4].1;
        assert_eq!((very_bad.at(39), very_bad.at(40)), (0.001, 0.02));
        let no_computer = A7_COMPUTERS[1].1;
        assert_eq!((no_computer.at(34), no_computer.at(35)), (0.06, 0.09));
        assert_eq!((no_computer.at(64), no_computer.at(65)), (0.16, 0.29));
    }

    #[test]
    fn distress_totals_are_banded_in_pairs() {
        assert_eq!(DISTRESS_BY_TOTAL.first(), Some(&(1, 1.0)));
        assert_eq!(DISTRESS_BY_TOTAL.last(), Some(&(21, 0.01)));
        assert!(DISTRESS_BY_TOTAL
            .windows(2)
            .all(|w| w[1].0 == w[0].0 + 2 && w[1].1 < w[0].1));
    }
}
