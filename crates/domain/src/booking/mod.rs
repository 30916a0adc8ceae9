//! Bookings: individual sessions (with the automatic TA choice), their listing and visibility,
//! and the cancellation policy with refunds and forfeits.

mod model;
mod policy;
mod ports;
mod terms;
pub(crate) mod service;
#[cfg(test)]
mod tests;

pub use model::*;
pub use policy::*;
pub use ports::*;
pub use terms::*;
pub use service::{
    BookIndividual, BookIndividualError, BookingService, CancelBookingError, GetBookingError, ListBookingsError,
};
