//! Use cases of the booking context: individual bookings, their listing and cancellation.
//! The scheduling checks and seat settlement here are shared with group sessions.

mod book_individual;
mod cancel;
pub(crate) mod checks;
pub(crate) mod emails;
mod queries;
mod reschedule;
pub(crate) mod settlement;

pub use book_individual::*;
pub use cancel::*;
pub use queries::*;
pub use reschedule::*;

use crate::core::Core;

/// Individual bookings, listing, and cancellation.
#[derive(Clone)]
pub struct BookingService {
    core: Core,
}

impl BookingService {
    /// A service over the core ports.
    pub fn new(core: Core) -> Self {
        Self { core }
    }
}
