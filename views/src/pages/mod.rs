//! Pages: each a function from its view model to the content inside the layout.

pub mod account;
pub mod admin_users;
pub mod archive;
pub mod assessment;
pub mod case;
pub mod enrol;
pub mod errors;
pub mod feed_refresh;
pub mod finance;
pub mod home;
pub mod organisation;
pub mod ownership;
pub mod participant_list;
pub mod participants;
pub mod pri;
pub mod pri_form;
pub mod queues;
pub mod sign_in;
pub mod transfers;
