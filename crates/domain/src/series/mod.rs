//! Recurring series of individual bookings (domain.md part 2, "Recurring series").

mod model;
pub mod plan;
mod ports;
mod recurrence;
mod service;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_book;
#[cfg(test)]
mod tests_plan;

pub use model::*;
pub use ports::*;
pub use recurrence::*;
pub use service::*;
