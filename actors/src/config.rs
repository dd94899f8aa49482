//! The engine's tunables, with defaults that match DESIGN.md.

use crate::history::Limits;
use std::time::Duration;

/// Settings of the live engine.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// How much history each topic keeps for replay.
    pub history: Limits,
    /// A topic with no local subscriber stops after this long.
    pub topic_idle: Duration,
    /// The server pings each socket this often.
    pub ping_interval: Duration,
    /// A socket silent this long is dropped.
    pub silence_timeout: Duration,
    /// Frames waiting for a slow socket before its queue is dropped and it is told to resync.
    pub outbound_queue: usize,
    /// Topics one socket may join.
    pub max_topics: usize,
    /// Largest client frame accepted.
    pub max_frame_bytes: usize,
    /// How often an instance says it is alive, and re-checks presence.
    pub heartbeat: Duration,
    /// Presence of an instance not heard from for this long is dropped.
    pub instance_expiry: Duration,
    /// How often each socket re-checks that its sign-in session is still valid.
    pub revalidate_every: Duration,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            history: Limits {
                max_events: 256,
                max_age: Duration::from_secs(600),
            },
            topic_idle: Duration::from_secs(60),
            ping_interval: Duration::from_secs(15),
            silence_timeout: Duration::from_secs(45),
            outbound_queue: 64,
            max_topics: 32,
            max_frame_bytes: 16 * 1024,
            heartbeat: Duration::from_secs(5),
            instance_expiry: Duration::from_secs(30),
            revalidate_every: Duration::from_secs(120),
        }
    }
}
