//! Small pieces of the printed reports that every benchmark words the same way.

/// "met" or "MISSED", for a budget line.
pub fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

/// A duration in milliseconds, for printing.
pub fn millis(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The time of day now in UTC, `HH:MM:SS.mmm`, to line the report up with the server's log.
pub fn utc_clock() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    clock_of(since.as_millis())
}

fn clock_of(unix_millis: u128) -> String {
    let day_millis = unix_millis % 86_400_000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        day_millis / 3_600_000,
        day_millis / 60_000 % 60,
        day_millis / 1000 % 60,
        day_millis % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_reads_utc_time_of_day() {
        // 2026-01-01T13:04:05.678Z
        assert_eq!(clock_of(1_767_272_645_678), "13:04:05.678");
    }

    #[test]
    fn a_budget_is_met_or_missed() {
        assert_eq!((verdict(true), verdict(false)), ("met", "MISSED"));
        assert!((millis(std::time::Duration::from_micros(1500)) - 1.5).abs() < 1e-9);
    }
}
