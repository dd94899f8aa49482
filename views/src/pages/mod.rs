//! Pages: each a function from its view model to the content inside the layout.

pub mod account;
pub mod admin_users;
pub mod assessment;
pub mod case;
pub mod enrol;
pub mod errors;
pub mod finance;
pub mod home;
pub mod organisation;
pub mod participants;
pub mod sign_in;
