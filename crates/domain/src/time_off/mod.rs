//! TA time off (domain.md part 2, "TA time off"): windows in which a TA takes no session. They
//! are cut out of the TA's availability for every booking rule and slot search, and recording
//! one can move the TA's sessions in the window to other TAs of their courses.

mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub use model::*;
pub use ports::*;
pub use service::*;
