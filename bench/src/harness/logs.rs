//! What a server said while it was benchmarked: its warnings and errors (it runs with
//! `CATS_LOG__FILTER=warn`), counted and quoted, so a run that looks fast but logged failures
//! is not mistaken for a good one.

use std::path::Path;

/// Lines quoted from a log.
const QUOTED: usize = 5;

/// The warnings and errors in a server's log file.
#[derive(Debug, Default, Clone)]
pub struct LogSummary {
    /// Lines logged at WARN.
    pub warnings: usize,
    /// Lines logged at ERROR.
    pub errors: usize,
    /// The first few of them, as logged.
    pub first: Vec<String>,
    /// The last of them, when there were more than were quoted.
    pub last: Option<String>,
}

impl LogSummary {
    /// Reads `path`; a missing or unreadable file reads as an empty log.
    pub fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        Self::of(&text)
    }

    /// Summarises log text (tracing's pretty or compact format: the level is a word).
    pub fn of(text: &str) -> Self {
        let mut summary = Self::default();
        for line in text.lines() {
            let words = strip_ansi(line);
            let is_error = words.split_whitespace().any(|word| word == "ERROR");
            let is_warning = words.split_whitespace().any(|word| word == "WARN");
            if !(is_error || is_warning) {
                continue;
            }
            if is_error {
                summary.errors += 1;
            } else {
                summary.warnings += 1;
            }
            if summary.first.len() < QUOTED {
                summary.first.push(words.trim().to_owned());
            } else {
                summary.last = Some(words.trim().to_owned());
            }
        }
        summary
    }

    /// One line for the report, and the quoted lines indented below it.
    pub fn describe(&self, label: &str) -> String {
        let mut text = format!(
            "{label}: {} warning(s), {} error(s) logged",
            self.warnings, self.errors
        );
        for line in &self.first {
            text.push_str("\n    ");
            text.push_str(line);
        }
        if let Some(last) = &self.last {
            text.push_str("\n    …\n    ");
            text.push_str(last);
        }
        text
    }
}

/// The text without ANSI colour sequences (`ESC [ … m`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_and_errors_are_counted_and_quoted() {
        let log = "2026-01-01T00:00:00Z  WARN cats: slow\n\
                   plain line\n\
                   2026-01-01T00:00:01Z ERROR cats: broke\n";
        let summary = LogSummary::of(log);
        assert_eq!((summary.warnings, summary.errors), (1, 1));
        assert_eq!(summary.first.len(), 2);
    }

    #[test]
    fn colour_codes_do_not_hide_the_level() {
        let summary = LogSummary::of("\u{1b}[33m WARN\u{1b}[0m cats: x");
        assert_eq!(summary.warnings, 1);
        assert_eq!(summary.first, vec!["WARN cats: x".to_owned()]);
    }
}
