//! The sessions a TA still has to mark: ended, not cancelled, not completed, with a seat.

use super::AttendanceService;
use crate::booking::Booking;
use crate::shared::error::use_case_error;
use crate::shared::{Actor, Cursor, Operation, Page, PageRequest};

use_case_error! {
    /// Errors of [`AttendanceService::unmarked`].
    pub enum ListUnmarkedError { Forbidden }
}

impl AttendanceService {
    /// The caller's sessions that ended without full attendance, oldest first
    /// (`GET /tas/me/unmarked-sessions`).
    ///
    /// # Errors
    /// `Forbidden` for anyone but a TA.
    #[tracing::instrument(skip_all, name = "attendance.unmarked")]
    pub async fn unmarked(&self, actor: &Actor, page: &PageRequest) -> Result<Page<Booking>, ListUnmarkedError> {
        if !actor.may(Operation::ListUnmarkedSessions) {
            return Err(ListUnmarkedError::Forbidden);
        }
        let now = self.core.now();
        let rows = self.core.store.attendance().unmarked(actor.organization_id, actor.user_id, now, page).await?;
        let page = Page::from_overfetch(rows, page, |b| Cursor::instant(b.interval.start(), b.id));
        Ok(page.map(|b| b.redacted_for(actor)))
    }
}
