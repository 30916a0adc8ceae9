//! Scheduling rules shared by individual bookings, group sessions and slot search: the duration
//! grid (rule 1), the booking window (rule 2), availability (rule 4), TA overlap with the buffer
//! (rule 5), student overlap, the automatic TA choice, the slot grid and slot search. Pure
//! functions only.

mod duration;
mod grid;
mod rules;
mod slots;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_pages;

pub use duration::*;
pub use grid::*;
pub use rules::*;
pub use slots::*;
