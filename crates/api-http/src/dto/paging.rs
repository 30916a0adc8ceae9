//! Collections: the `?limit=&cursor=` of every paged list, the opaque cursor, and the
//! `{data, nextCursor}` / `{data}` envelopes.
//!
//! A cursor is the domain's [`Cursor`] (the last row's sort key and id) in URL-safe base64, so
//! clients treat it as opaque and the service can read it back without any state.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use domain::shared::{Cursor, CursorKey, InvalidValue, Page, PageRequest, ValidationErrors, Validator};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

const SEPARATOR: char = '\u{1f}';

/// The opaque form of a cursor.
pub fn encode_cursor(cursor: &Cursor) -> String {
    let raw = match &cursor.key {
        CursorKey::Text(text) => format!("t{SEPARATOR}{}{SEPARATOR}{text}", cursor.id),
        CursorKey::Instant(at) => format!("i{SEPARATOR}{}{SEPARATOR}{}", cursor.id, at.to_rfc3339()),
    };
    URL_SAFE_NO_PAD.encode(raw)
}

/// Reads back a cursor made by [`encode_cursor`].
///
/// # Errors
/// When the text is not one.
pub fn decode_cursor(opaque: &str) -> Result<Cursor, InvalidValue> {
    let invalid = || InvalidValue::new("is not a cursor returned by this list");
    let bytes = URL_SAFE_NO_PAD.decode(opaque.trim()).map_err(|_| invalid())?;
    let raw = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = raw.splitn(3, SEPARATOR);
    let (Some(kind), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else { return Err(invalid()) };
    let id = Uuid::parse_str(id).map_err(|_| invalid())?;
    match kind {
        "t" => Ok(Cursor::text(key, id)),
        "i" => {
            let at = DateTime::parse_from_rfc3339(key).map_err(|_| invalid())?.with_timezone(&Utc);
            Ok(Cursor::instant(at, id))
        }
        _ => Err(invalid()),
    }
}

/// The page a client asked for with `?limit=` (1..=100, default 20) and `?cursor=`.
///
/// # Errors
/// `validation_failed` naming `limit` or `cursor`.
pub fn page_request(limit: Option<u32>, cursor: Option<&str>) -> Result<PageRequest, ValidationErrors> {
    let mut v = Validator::default();
    let after = v.optional("cursor", cursor.filter(|c| !c.is_empty()).map(decode_cursor)).flatten();
    let cursor_ok = v.is_ok();
    let request = v.field("limit", PageRequest::new(limit, after));
    match request {
        Some(request) if cursor_ok => Ok(request),
        _ => Err(v.into_errors()),
    }
}

/// A page of a list: `{data, nextCursor}`; `nextCursor` is null on the last page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageResponse<T> {
    /// The rows of this page, in the list's order.
    pub data: Vec<T>,
    /// Pass as `?cursor=` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> PageResponse<T> {
    /// The envelope of a domain page, each row mapped to its DTO.
    pub fn from_page<S>(page: &Page<S>, map: impl Fn(&S) -> T) -> Self {
        Self { data: page.items.iter().map(map).collect(), next_cursor: page.next.as_ref().map(encode_cursor) }
    }
}

/// A whole (short, unpaged) list: `{data}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T> {
    /// Every row, in the list's order.
    pub data: Vec<T>,
}

impl<T> ListResponse<T> {
    /// The envelope of a list, each row mapped to its DTO.
    pub fn from_items<S>(items: &[S], map: impl Fn(&S) -> T) -> Self {
        Self { data: items.iter().map(map).collect() }
    }
}

/// Adds refusals collected elsewhere (a domain parse, the page) to `v`.
pub(crate) fn absorb(v: &mut Validator, errors: &ValidationErrors) {
    for f in errors.fields() {
        v.refuse(f.field.clone(), InvalidValue(f.message.clone()));
    }
}

/// The page of a list query, its refusals added after the filters'.
pub(crate) fn with_page<T>(
    mut v: Validator,
    filter: Option<T>,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<(T, PageRequest), ValidationErrors> {
    match (filter, page_request(limit, cursor)) {
        (Some(filter), Ok(page)) => Ok((filter, page)),
        (_, page) => {
            if let Err(errors) = page {
                absorb(&mut v, &errors);
            }
            Err(v.into_errors())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        let id = Uuid::now_v7();
        for cursor in [
            Cursor::text("MATH-101", id),
            Cursor::text("with \u{1f} separator and ünïcode", id),
            Cursor::instant("2026-12-01T10:00:00.123456Z".parse().unwrap(), id),
        ] {
            assert_eq!(decode_cursor(&encode_cursor(&cursor)).unwrap(), cursor);
        }
        for bad in ["", "!!!", "dGV4dA", &URL_SAFE_NO_PAD.encode(format!("x{SEPARATOR}{id}{SEPARATOR}k"))] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits_and_cursors_are_checked() {
        assert_eq!(page_request(None, None).unwrap().limit(), 20);
        assert_eq!(page_request(Some(100), Some("")).unwrap().limit(), 100);
        let errors = page_request(Some(0), Some("nope")).unwrap_err();
        let fields: Vec<&str> = errors.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["cursor", "limit"]);
        let cursor = encode_cursor(&Cursor::text("a", Uuid::now_v7()));
        assert!(page_request(Some(5), Some(&cursor)).unwrap().after().is_some());
    }
}
