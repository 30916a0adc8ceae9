//! Reading bookings: each role sees its own (admins their organization's, TAs the sessions
//! they teach, students the sessions they hold a seat in), students only their own seat.

use super::BookingService;
use crate::booking::{Booking, BookingFilter};
use crate::shared::error::use_case_error;
use crate::shared::{Actor, BookingId, Cursor, Operation, Page, PageRequest, Role};

use_case_error! {
    /// Errors of [`BookingService::list`].
    pub enum ListBookingsError {}
}

use_case_error! {
    /// Errors of [`BookingService::get`].
    pub enum GetBookingError { NotFound }
}

impl BookingService {
    /// Bookings ordered by start then id (`GET /bookings`). A TA's `taId` and a student's
    /// `studentId` filters are replaced by their own id: nobody lists what they cannot see.
    ///
    /// # Errors
    /// Only store failures.
    #[tracing::instrument(skip_all, name = "booking.list")]
    pub async fn list(
        &self,
        actor: &Actor,
        mut filter: BookingFilter,
        page: &PageRequest,
    ) -> Result<Page<Booking>, ListBookingsError> {
        match actor.role {
            Role::Admin => {}
            Role::Ta => filter.ta_id = Some(actor.user_id),
            Role::Student => filter.student_id = Some(actor.user_id),
        }
        let rows = self.core.store.bookings().list(actor.organization_id, &filter, page).await?;
        let page = Page::from_overfetch(rows, page, |b| Cursor::instant(b.interval.start(), b.id));
        Ok(page.map(|b| b.redacted_for(actor)))
    }

    /// One booking (`GET /bookings/{id}`): admins, its TA, its students.
    ///
    /// # Errors
    /// `NotFound` when the actor cannot see it.
    #[tracing::instrument(skip_all, name = "booking.get")]
    pub async fn get(&self, actor: &Actor, id: BookingId) -> Result<Booking, GetBookingError> {
        debug_assert!(actor.may(Operation::GetBooking));
        let booking = self.core.store.bookings().get(actor.organization_id, id).await?;
        booking.filter(|b| b.visible_to(actor)).map(|b| b.redacted_for(actor)).ok_or(GetBookingError::NotFound)
    }
}
