//! The live engine of CATS-rs, free of domain types: topics numbered with an epoch and a
//! sequence and replayed from a bounded history; presence; WebSocket sessions (on actix-http's
//! WebSocket codec);
//! a bus with in-process and Redis implementations. The protocol is in `README.md`.

pub mod bus;
pub mod config;
pub mod history;
pub mod hub;
pub mod lease;
pub mod position;
pub mod presence;
pub mod protocol;
pub mod session;
mod socket;
pub mod supervisor;
pub mod topic;

pub use actix::Addr;
pub use bus::{memory::MemoryBus, redis::RedisBus, redis::RedisSettings, Bus};
pub use config::LiveConfig;
pub use hub::Hub;
pub use position::Position;
pub use session::{serve, Gate, Member};
