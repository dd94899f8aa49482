//! The benchmarks of CATS-rs. Each benchmark is one module with its clap arguments and a `run`
//! function; the `cats-bench` binary only dispatches to them. Every run prints its figures and
//! ends with exactly one `RESULT <name> key=value …` line, which the README table quotes.

pub mod harness;
pub mod startup;
