//! Bookings: individual sessions (with the automatic TA choice), their listing and visibility,
//! and the cancellation policy with refunds and forfeits.

mod model;
mod policy;
mod ports;
mod reschedule;
pub(crate) mod service;
mod terms;
#[cfg(test)]
mod tests;

pub use model::*;
pub use policy::*;
pub use ports::*;
pub use reschedule::*;
pub use service::{
    BookIndividual, BookIndividualError, BookingService, CancelBookingError, GetBookingError, ListBookingsError,
    Reschedule, RescheduleError,
};
pub use terms::*;
