//! CATS-rs: case assessment and tracking for a rehabilitation programme, live and scaled out.
//! Layers point one way: `domain` ← `store` ← `accounts` ← `http` ← `startup`/`cli`.

pub mod accounts;
pub mod cases;
pub mod cli;
pub mod domain;
pub mod external;
pub mod format;
pub mod http;
pub mod live;
pub mod seed;
pub mod settings;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod workflows;
