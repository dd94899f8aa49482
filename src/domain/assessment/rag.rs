//! The arithmetic of a pathway score, rounding for rounding as the original does it.
//!
//! The original (.NET `Math.Round`) rounds to 5 decimals by multiplying by 100,000,
//! rounding half to even, and dividing back; its final whole-number round is half to
//! even as well. Scores must agree with it to the point, so the same steps are kept.

/// Rounds to 5 decimal places the way the original does: scale by 100,000, round
/// half to even, scale back.
pub fn round5(value: f64) -> f64 {
    (value * 100_000.0).round_ties_even() / 100_000.0
}

/// A factor: `percentile` raised to `exponent`, rounded to 5 decimals.
pub fn power_round(percentile: f64, exponent: f64) -> f64 {
    round5(percentile.powf(exponent))
}

/// The pathway's cumulative percentile P: the product of its factors, multiplied in
/// order from 1.0 (the order matters to the last bit), rounded to 5 decimals.
pub fn cumulative(factors: impl IntoIterator<Item = f64>) -> f64 {
    round5(factors.into_iter().fold(1.0, |product, f| product * f))
}

/// The RAG score 0–100 for cumulative percentile `p` and pathway constant `k`:
/// `100 / (1 + ((1 − P)·K / ((1 − K)·P))^(1/K))`, rounded half to even.
///
/// P = 0 gives 0 (the ratio is infinite) and P = 1 gives 100.
pub fn rag_score(p: f64, k: f64) -> u8 {
    // Same operation order as the original, so the floating point agrees.
    let ratio = ((1.0 - p) * k) / ((1.0 - k) * p);
    let score = 100.0 / (1.0 + ratio.powf(1.0 / k));
    whole(score)
}

/// Rounds a score in 0–100 to a whole number, half to even.
fn whole(score: f64) -> u8 {
    let rounded = score.round_ties_even();
    if rounded.is_nan() {
        // Only reachable with a P outside 0–1, which the tables cannot produce.
        0
    } else {
        // Within 0–100 by construction; the clamp keeps the conversion exact.
        rounded.clamp(0.0, 100.0) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_decimal_rounding_goes_half_to_even() {
        // These scale to exactly 2.5, 1.5 and 12.5 in binary, so they are true ties.
        assert_eq!(0.000025_f64 * 100_000.0, 2.5);
        assert_eq!(round5(0.000025), 0.00002);
        assert_eq!(0.000015_f64 * 100_000.0, 1.5);
        assert_eq!(round5(0.000015), 0.00002);
        assert_eq!(0.000125_f64 * 100_000.0, 12.5);
        assert_eq!(
            round5(0.000125),
            0.00012,
            "half away from zero would give 0.00013"
        );
        assert_eq!(round5(0.123454), 0.12345);
        assert_eq!(round5(0.123456), 0.12346);
    }

    #[test]
    fn whole_scores_round_half_to_even() {
        assert_eq!(whole(12.5), 12);
        assert_eq!(whole(13.5), 14);
        assert_eq!(whole(0.5), 0);
        assert_eq!(whole(99.5), 100);
        assert_eq!(whole(f64::NAN), 0);
    }

    #[test]
    fn factors_are_powered_then_rounded() {
        assert_eq!(power_round(0.25, 0.5), 0.5);
        assert_eq!(power_round(0.01, 0.08), 0.69183);
        assert_eq!(power_round(1.0, 0.35), 1.0);
    }

    #[test]
    fn the_extremes_of_p_give_0_and_100() {
        assert_eq!(rag_score(0.0, 0.79225), 0);
        assert_eq!(rag_score(1.0, 0.79225), 100);
    }

    #[test]
    fn p_equal_to_k_is_the_midpoint() {
        // Then the ratio is 1, so the score is 100 / 2.
        assert_eq!(rag_score(0.5, 0.5), 50);
    }
}
