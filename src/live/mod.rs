//! The domain's side of the live engine: which topics exist, who may join them, and the gate
//! that authenticates sockets with the sign-in session.

pub mod case_actor;
pub mod case_cache;
pub mod case_view;
pub mod fragments;
pub mod gate;
pub mod queues;
pub mod topics;
pub mod transfers;
