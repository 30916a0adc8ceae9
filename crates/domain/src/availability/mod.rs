//! TA availability: weekly working hours and date overrides in the TA's IANA time zone,
//! converted to instants per date (rule 4), and the use cases that read, replace and search it.

mod calendar;
mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_service;
#[cfg(test)]
mod tests_slots;

pub use model::*;
pub use ports::*;
pub use service::*;
