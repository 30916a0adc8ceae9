//! The admin reports (`GET /reports/sessions`, `GET /reports/tas`), as JSON or CSV by `Accept`.
//! The sessions report is streamed a page at a time ([`stream`]); the TA report (one row per
//! TA) is written whole.

pub mod format;
pub mod stream;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use domain::reports::ReportFilter;
use domain::shared::ErrorCode;

use self::format::{ReportFormat, ReportWriter, attachment};
use self::stream::{PAGE_ROWS, session_report_body};
use crate::dto::paging::ListResponse;
use crate::dto::reports::{ReportQuery, SessionReportResponse, TaReportResponse};
use crate::extract::Authenticated;
use crate::middleware::request_id::current_request_id;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// `Vary: Accept` and, for CSV, the attachment's name, on a 200 of either report.
fn head(format: ReportFormat, report: &str, filter: &ReportFilter) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response.content_type(format.content_type()).insert_header((header::VARY, "Accept"));
    if format == ReportFormat::Csv {
        response.insert_header((header::CONTENT_DISPOSITION, attachment(report, filter.from(), filter.to())));
    }
    response
}

/// Every session that starts in `[from, to)` and was not cancelled (admins), by `startsAt` then
/// id: its course, TA, length, seats, attendance marks and what the academy keeps for it
/// (`amountCents`). `Accept: text/csv` gives the same rows as CSV (RFC 4180, a header row of the
/// JSON field names, `Content-Disposition: attachment; filename="sessions-<from>-<to>.csv"`,
/// cells starting with `=`, `+`, `-` or `@` prefixed with `'`); anything else gives JSON. The
/// rows are sent as they are read: a failure after the first rows cuts the transfer short.
#[utoipa::path(tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, description = "The sessions, earliest first",
        content(
            (ListResponse<SessionReportResponse> = "application/json"),
            (String = "text/csv", example = "bookingId,startsAt,courseCode,taName,durationMinutes,seats,present,absent,excused,taNoShow,amountCents,currency\r\n0193a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d,2026-12-02T10:00:00Z,MATH-101,Tara,60,1,1,0,0,false,4000,EUR\r\n")),
        headers(("Content-Disposition" = String, description = "CSV only: `attachment; filename=\"sessions-<from>-<to>.csv\"` (UTC dates)")))))]
#[get("/sessions")]
pub async fn session_report(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<ReportQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let filter = query.try_into_domain()?;
    let format = ReportFormat::negotiate(&req);
    // Read before the head is sent: a refusal, or a database down from the start, is a problem
    // response rather than a 200 cut short.
    let first = state.reports.session_rows_page(&actor, &filter, None, PAGE_ROWS).await.api()?;
    let reports = state.reports.clone();
    let body = session_report_body(first, format, current_request_id(), move |after| {
        let (reports, actor) = (reports.clone(), actor.clone());
        async move { reports.session_rows_page(&actor, &filter, Some(after), PAGE_ROWS).await }
    });
    Ok(head(format, "sessions", &filter).streaming(body))
}

/// Per TA with a session starting in `[from, to)` that was not cancelled (admins), by name then
/// id: sessions, their hours (to the hundredth), the students' no-shows (seats marked absent)
/// and the TA's own. Optionally of one course or TA. JSON, or CSV with `Accept: text/csv` as for
/// the sessions report (`tas-<from>-<to>.csv`).
#[utoipa::path(tag = "reports", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, description = "The TAs, by name",
        content(
            (ListResponse<TaReportResponse> = "application/json"),
            (String = "text/csv", example = "taId,taName,sessions,hours,studentNoShows,taNoShows\r\n0193a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d,Tara,12,13.50,1,0\r\n")),
        headers(("Content-Disposition" = String, description = "CSV only: `attachment; filename=\"tas-<from>-<to>.csv\"` (UTC dates)")))))]
#[get("/tas")]
pub async fn ta_report(
    state: web::Data<HttpState>,
    Authenticated(actor): Authenticated,
    query: web::Query<ReportQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let filter = query.try_into_domain()?;
    let format = ReportFormat::negotiate(&req);
    let rows = state.reports.ta_rows(&actor, &filter).await.api()?;
    let rows: Vec<TaReportResponse> = rows.iter().map(TaReportResponse::from).collect();
    let encoded = ReportWriter::whole(format, &rows).map_err(|e| ApiError::unexpected(ErrorCode::InternalError, e))?;
    Ok(head(format, "tas", &filter).body(encoded))
}
