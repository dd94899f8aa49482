//! The domain's side of the live engine: which topics exist, who may join them, and the gate
//! that authenticates sockets with the sign-in session.

pub mod gate;
pub mod topics;
