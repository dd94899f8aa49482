//! The live engine of CATS-rs (topics, presence, sessions, bus, leases, supervision); built in issue #4.
