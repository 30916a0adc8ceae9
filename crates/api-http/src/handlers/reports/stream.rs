//! The sessions report sent as it is read: a page of rows from the store is written and sent,
//! then the next is read, so that one page is in memory whatever the window (a year of a large
//! academy included), and the client receives rows while later ones are still being read.
//!
//! The first page is read before the response starts (see the handler), so that a refusal or a
//! database down at the start is a problem response. A failure on a later page can no longer
//! change the status: the stream ends with an error, which makes the server abort the chunked
//! body; clients see an incomplete transfer, never a short report that looks whole.

use std::future::Future;

use actix_web::web::Bytes;
use domain::reports::{ReportError, SessionCursor, SessionRowsPage};
use futures_util::Stream;
use futures_util::stream;

use super::format::{ReportFormat, ReportWriter};
use crate::dto::reports::SessionReportResponse;

/// Rows read and sent at a time: a few hundred kilobytes of CSV or JSON, so that round trips
/// to the database stay few and memory stays flat.
pub const PAGE_ROWS: u32 = 500;

/// What the body sends next.
enum Step {
    /// The opening and the first page, already read.
    First(SessionRowsPage),
    /// The page after this position, still to read.
    After(SessionCursor),
    /// The closing of the envelope.
    Close,
    /// Nothing.
    Done,
}

/// The body's state between chunks: how to read a page, and how far the writing got.
struct Body<F> {
    next_page: F,
    writer: ReportWriter,
    request_id: String,
}

impl<F> Body<F> {
    fn page(&mut self, page: &SessionRowsPage) -> Result<Bytes, std::io::Error> {
        let rows: Vec<SessionReportResponse> = page.rows.iter().map(SessionReportResponse::from).collect();
        self.writer.rows(&rows).map_err(|e| self.failed(&e))
    }

    /// Logs why the report stops (the client only sees the transfer cut) and ends the stream.
    fn failed(&self, error: &anyhow::Error) -> std::io::Error {
        tracing::error!(request_id = %self.request_id, error = ?error, "sessions report cut short: {error:#}");
        std::io::Error::other("the sessions report could not be completed")
    }
}

fn after(page: &SessionRowsPage) -> Step {
    page.next.map_or(Step::Close, Step::After)
}

/// The body of the sessions report in `format`: `first`, then each page `next_page` reads
/// after the previous one's last row, until a page says it is the last.
pub fn session_report_body<F, Fut>(
    first: SessionRowsPage,
    format: ReportFormat,
    request_id: String,
    next_page: F,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + 'static
where
    F: FnMut(SessionCursor) -> Fut + 'static,
    Fut: Future<Output = Result<SessionRowsPage, ReportError>>,
{
    let body = Body { next_page, writer: ReportWriter::new(format), request_id };
    stream::try_unfold((body, Step::First(first)), |(mut body, step)| async move {
        let (bytes, next) = match step {
            Step::First(page) => {
                let opening = body.writer.opening::<SessionReportResponse>().map_err(|e| body.failed(&e))?;
                let rows = body.page(&page)?;
                ([opening, rows].concat().into(), after(&page))
            }
            Step::After(cursor) => {
                let page = (body.next_page)(cursor).await.map_err(|e| body.failed(&e.into()))?;
                (body.page(&page)?, after(&page))
            }
            Step::Close => (body.writer.closing(), Step::Done),
            Step::Done => return Ok(None),
        };
        Ok(Some((bytes, (body, next))))
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use chrono::{TimeDelta, TimeZone, Utc};
    use domain::reports::SessionReportRow;
    use domain::shared::Currency;
    use futures_util::StreamExt;
    use uuid::Uuid;

    use super::*;

    fn row(n: i64) -> SessionReportRow {
        SessionReportRow {
            booking_id: Uuid::now_v7().into(),
            starts_at: Utc.with_ymd_and_hms(2026, 12, 2, 8, 0, 0).unwrap() + TimeDelta::hours(n),
            course_code: "MATH-101".into(),
            ta_name: format!("TA {n}"),
            duration_minutes: 60,
            seats: 1,
            present: 1,
            absent: 0,
            excused: 0,
            ta_no_show: false,
            amount_cents: 4_000,
            currency: Currency::EUR,
        }
    }

    /// Pages of `sizes` rows; each but the last points at the next.
    fn pages(sizes: &[i64]) -> Vec<SessionRowsPage> {
        let mut n = 0;
        let mut pages: Vec<SessionRowsPage> = sizes
            .iter()
            .map(|size| {
                let rows: Vec<_> = (n..n + size).map(row).collect();
                n += size;
                let next = rows.last().map(SessionReportRow::cursor);
                SessionRowsPage { rows, next }
            })
            .collect();
        if let Some(last) = pages.last_mut() {
            last.next = None;
        }
        pages
    }

    /// The body over `pages`, the cursors it asked with, and its chunks (or the error it ended on).
    async fn send(
        format: ReportFormat,
        mut pages: Vec<SessionRowsPage>,
        fail_at: Option<usize>,
    ) -> (Vec<Result<Bytes, std::io::Error>>, Vec<SessionCursor>) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let first = pages.remove(0);
        let mut rest = pages.into_iter();
        let seen = asked.clone();
        let body = session_report_body(first, format, "req-1".into(), move |cursor| {
            seen.lock().unwrap().push(cursor);
            let read = if fail_at == Some(seen.lock().unwrap().len()) {
                Err(ReportError::Unexpected(anyhow::anyhow!("database gone")))
            } else {
                Ok(rest.next().expect("no page after the last"))
            };
            async move { read }
        });
        let chunks = body.collect::<Vec<_>>().await;
        let asked = asked.lock().unwrap().clone();
        (chunks, asked)
    }

    fn text(chunks: Vec<Result<Bytes, std::io::Error>>) -> String {
        let bytes: Vec<u8> = chunks.into_iter().flat_map(|c| c.unwrap().to_vec()).collect();
        String::from_utf8(bytes).unwrap()
    }

    #[tokio::test]
    async fn json_pages_make_one_document_each_page_read_after_the_last_row() {
        let all = pages(&[2, 2, 1]);
        let cursors: Vec<_> = all.iter().filter_map(|p| p.next).collect();
        let (chunks, asked) = send(ReportFormat::Json, all, None).await;
        assert_eq!(asked, cursors);
        let json: serde_json::Value = serde_json::from_str(&text(chunks)).unwrap();
        let names: Vec<&str> = json["data"].as_array().unwrap().iter().map(|r| r["taName"].as_str().unwrap()).collect();
        assert_eq!(names, ["TA 0", "TA 1", "TA 2", "TA 3", "TA 4"]);
    }

    #[tokio::test]
    async fn csv_pages_share_one_header_and_an_empty_report_is_the_header_or_an_empty_list() {
        let (chunks, _) = send(ReportFormat::Csv, pages(&[1, 1]), None).await;
        let csv = text(chunks);
        assert!(csv.starts_with("bookingId,startsAt,courseCode,taName,"), "{csv}");
        assert_eq!(csv.matches("bookingId").count(), 1, "{csv}");
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.ends_with(",false,4000,EUR\r\n"), "{csv}");

        let (chunks, asked) = send(ReportFormat::Json, pages(&[0]), None).await;
        assert_eq!((text(chunks), asked.len()), ("{\"data\":[]}".to_owned(), 0));
        let (chunks, _) = send(ReportFormat::Csv, pages(&[0]), None).await;
        assert_eq!(text(chunks).lines().count(), 1);
    }

    #[tokio::test]
    async fn a_failed_page_ends_the_body_with_an_error_and_nothing_after() {
        let (chunks, asked) = send(ReportFormat::Json, pages(&[2, 2, 2]), Some(2)).await;
        assert_eq!(asked.len(), 2, "no page is read after the failure");
        assert_eq!(chunks.len(), 3, "the first page, the second, then the error");
        assert!(chunks[..2].iter().all(Result::is_ok));
        assert!(chunks[2].is_err(), "no closing bracket: the document is visibly incomplete");
    }
}
