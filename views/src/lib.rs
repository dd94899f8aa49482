//! Server-rendered pages of CATS-rs: one maud layout, reusable components and pages rendered
//! from plain view models. Knows nothing of the application: handlers build the view models.

pub mod charts;
pub mod components;
pub mod form;
pub mod layout;
pub mod pages;

pub use layout::{layout, Chrome, NavLink, UserChrome};
