//! Use cases of reports (admins only): the sessions report a page at a time, for a transport
//! to stream, and the TA report whole (one row per TA: small).

use super::model::{ReportFilter, SessionCursor, SessionReportRow, TaReportRow};
use crate::core::Core;
use crate::shared::error::use_case_error;
use crate::shared::{Actor, Operation};

/// The largest page of the sessions report one call reads: enough to keep round trips few,
/// small enough that a page of wide rows stays well under a megabyte.
pub const MAX_SESSION_PAGE: u32 = 1_000;

use_case_error! {
    /// Errors of [`ReportService`].
    pub enum ReportError { Forbidden }
}

/// A page of the sessions report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRowsPage {
    /// The rows, in the report's order.
    pub rows: Vec<SessionReportRow>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<SessionCursor>,
}

/// Reads the organization's reports.
#[derive(Clone)]
pub struct ReportService {
    core: Core,
}

impl ReportService {
    /// A service over the core ports.
    pub fn new(core: Core) -> Self {
        Self { core }
    }

    /// Up to `limit` (at most [`MAX_SESSION_PAGE`]) rows of the sessions report after `after`
    /// (`GET /reports/sessions`), each call authorized on its own: a transport streams the
    /// report by calling again with `next` until it is `None`, holding one page at a time.
    /// Pages are separate reads, not one snapshot: a session moved or cancelled meanwhile may
    /// be missed or appear in its new place, none appears twice in one place.
    ///
    /// # Errors
    /// `Forbidden` for anyone but an admin.
    #[tracing::instrument(skip_all, name = "reports.session_rows_page")]
    pub async fn session_rows_page(
        &self,
        actor: &Actor,
        filter: &ReportFilter,
        after: Option<SessionCursor>,
        limit: u32,
    ) -> Result<SessionRowsPage, ReportError> {
        if !actor.may(Operation::ViewReports) {
            return Err(ReportError::Forbidden);
        }
        let limit = limit.clamp(1, MAX_SESSION_PAGE);
        // One row more than asked tells whether another page exists without a count query.
        let mut rows = self.core.store.reports().sessions_page(actor.organization_id, filter, after, limit + 1).await?;
        let full = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next = if full { rows.last().map(SessionReportRow::cursor) } else { None };
        Ok(SessionRowsPage { rows, next })
    }

    /// The TA report (`GET /reports/tas`): per TA with sessions in the window, ordered by name.
    ///
    /// # Errors
    /// `Forbidden` for anyone but an admin.
    #[tracing::instrument(skip_all, name = "reports.ta_rows")]
    pub async fn ta_rows(&self, actor: &Actor, filter: &ReportFilter) -> Result<Vec<TaReportRow>, ReportError> {
        if !actor.may(Operation::ViewReports) {
            return Err(ReportError::Forbidden);
        }
        Ok(self.core.store.reports().tas(actor.organization_id, filter).await?)
    }
}
