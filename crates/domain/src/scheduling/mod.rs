//! Scheduling rules shared by individual bookings, group sessions and slot search: the duration
//! grid (rule 1), the booking window (rule 2), availability (rule 4), TA overlap with the buffer
//! (rule 5), student overlap, the automatic TA choice, and slot search. Pure functions only.

mod duration;
mod rules;
mod slots;
#[cfg(test)]
mod tests;

pub use duration::*;
pub use rules::*;
pub use slots::*;
