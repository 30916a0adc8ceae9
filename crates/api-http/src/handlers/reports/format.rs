//! How a report is written: JSON (`{"data": [...]}`, the envelope of every unpaged list) or CSV
//! (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line break, a
//! header row, UTF-8 without a byte-order mark), chosen from `Accept`. Both are written in
//! pieces, so that the sessions report can be sent a page at a time.

use actix_web::HttpRequest;
use actix_web::http::header::{Accept, Header, Quality};
use actix_web::mime;
use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::dto::reports::CsvRow;

/// The media type of a CSV report.
pub const TEXT_CSV: &str = "text/csv; charset=utf-8";

/// The format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// `application/json`: the default.
    Json,
    /// `text/csv`.
    Csv,
}

impl ReportFormat {
    /// The format the client prefers among those it accepts (`q` > 0, most specific first at
    /// equal weight). A client that accepts neither, or sends an unreadable `Accept`, gets JSON:
    /// the contract has no 406, and RFC 9110 lets a server answer in its default format.
    pub fn negotiate(req: &HttpRequest) -> Self {
        let Ok(Accept(items)) = Accept::parse(req) else { return Self::Json };
        let acceptable = Accept(items.into_iter().filter(|item| item.quality > Quality::ZERO).collect());
        for accepted in acceptable.ranked() {
            let (kind, sub) = (accepted.type_(), accepted.subtype());
            if kind == mime::STAR || (kind == mime::APPLICATION && (sub == mime::JSON || sub == mime::STAR)) {
                return Self::Json;
            }
            if kind == mime::TEXT && (sub == mime::CSV || sub == mime::STAR) {
                return Self::Csv;
            }
        }
        Self::Json
    }

    /// The response's `Content-Type`.
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv => TEXT_CSV,
        }
    }
}

/// `attachment; filename="<report>-<from>-<to>.csv"`, the window's bounds as UTC dates.
pub fn attachment(report: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    format!("attachment; filename=\"{report}-{}-{}.csv\"", from.format("%Y-%m-%d"), to.format("%Y-%m-%d"))
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@` first) behind a `'`, so
/// that opening an export never runs what a user typed into a name (OWASP "CSV injection").
pub fn neutralized(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@']) { format!("'{cell}") } else { cell }
}

/// Writes a report in pieces: the opening, rows (any number of calls), the closing.
#[derive(Debug)]
pub struct ReportWriter {
    format: ReportFormat,
    rows_written: bool,
}

impl ReportWriter {
    /// A writer of `format`.
    pub const fn new(format: ReportFormat) -> Self {
        Self { format, rows_written: false }
    }

    /// A whole report of `rows`.
    ///
    /// # Errors
    /// As [`ReportWriter::rows`].
    pub fn whole<R: CsvRow + Serialize>(format: ReportFormat, rows: &[R]) -> Result<Bytes, anyhow::Error> {
        let mut writer = Self::new(format);
        Ok([writer.opening::<R>()?, writer.rows(rows)?, writer.closing()].concat().into())
    }

    /// What comes before the rows: the JSON envelope's opening, or the CSV header.
    ///
    /// # Errors
    /// Only if encoding fails, which a header of fixed names does not.
    pub fn opening<R: CsvRow>(&self) -> Result<Bytes, anyhow::Error> {
        match self.format {
            ReportFormat::Json => Ok(Bytes::from_static(b"{\"data\":[")),
            ReportFormat::Csv => Ok(csv_records(std::iter::once(R::HEADER.iter().map(|h| (*h).to_owned()).collect()))?),
        }
    }

    /// Rows, continuing the previous ones.
    ///
    /// # Errors
    /// When a row cannot be encoded (a bug: the rows are plain values).
    pub fn rows<R: CsvRow + Serialize>(&mut self, rows: &[R]) -> Result<Bytes, anyhow::Error> {
        match self.format {
            ReportFormat::Json => {
                let mut out = Vec::with_capacity(rows.len() * 256);
                for row in rows {
                    if self.rows_written {
                        out.push(b',');
                    }
                    serde_json::to_writer(&mut out, row)?;
                    self.rows_written = true;
                }
                Ok(Bytes::from(out))
            }
            ReportFormat::Csv => {
                Ok(csv_records(rows.iter().map(|r| r.cells().into_iter().map(neutralized).collect()))?)
            }
        }
    }

    /// What comes after the rows.
    pub fn closing(&self) -> Bytes {
        match self.format {
            ReportFormat::Json => Bytes::from_static(b"]}"),
            ReportFormat::Csv => Bytes::new(),
        }
    }
}

fn csv_records(records: impl Iterator<Item = Vec<String>>) -> Result<Bytes, csv::Error> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for record in records {
        writer.write_record(&record)?;
    }
    writer.into_inner().map(Bytes::from).map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn chosen(accept: Option<&str>) -> ReportFormat {
        let req = accept.map_or_else(TestRequest::default, |a| TestRequest::default().insert_header(("accept", a)));
        ReportFormat::negotiate(&req.to_http_request())
    }

    #[test]
    fn the_client_chooses_csv_by_accept_and_json_is_the_default() {
        assert_eq!(chosen(None), ReportFormat::Json);
        assert_eq!(chosen(Some("text/csv")), ReportFormat::Csv);
        assert_eq!(chosen(Some("text/*")), ReportFormat::Csv);
        assert_eq!(chosen(Some("application/json")), ReportFormat::Json);
        assert_eq!(chosen(Some("*/*")), ReportFormat::Json);
        assert_eq!(chosen(Some("text/html, text/csv;q=0.8, */*;q=0.1")), ReportFormat::Csv);
        assert_eq!(chosen(Some("application/json;q=0.5, text/csv")), ReportFormat::Csv);
        assert_eq!(chosen(Some("*/*, text/csv")), ReportFormat::Csv, "the more specific first");
        assert_eq!(chosen(Some("text/csv;q=0, */*")), ReportFormat::Json, "q=0 is refused");
        assert_eq!(chosen(Some("application/xml")), ReportFormat::Json, "neither: the default");
        assert_eq!(chosen(Some("text/csv;q=often")), ReportFormat::Json, "unreadable: the default");
    }

    #[test]
    fn formulas_are_neutralized_and_quoting_follows_rfc_4180() {
        for (cell, shown) in [("=1+1", "'=1+1"), ("+49", "'+49"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)")] {
            assert_eq!(neutralized(cell.to_owned()), shown);
        }
        assert_eq!(neutralized("Ada = 1".to_owned()), "Ada = 1");
        let bytes = csv_records(std::iter::once(vec!["a,b".into(), "say \"hi\"".into(), "two\nlines".into()]));
        assert_eq!(&bytes.unwrap()[..], b"\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }

    #[test]
    fn attachments_are_named_after_the_report_and_its_dates() {
        use chrono::TimeZone as _;
        let (from, to) =
            (Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(), Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(attachment("sessions", from, to), "attachment; filename=\"sessions-2026-12-01-2027-01-01.csv\"");
    }
}
