#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod document;
mod event;
mod fold;

pub use document::{PRODID, calendar};
pub use event::{Method, Participant, SessionEvent, Status, uid};
