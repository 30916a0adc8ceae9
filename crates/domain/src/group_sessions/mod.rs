//! Group sessions: templates, scheduling from a template, capacity-limited seats, and the
//! first-in-first-out waitlist with automatic promotion.

mod model;
mod ports;
mod promotion;
mod service;
#[cfg(test)]
mod tests;

pub use model::*;
pub use ports::*;
pub use promotion::*;
pub use service::*;
