//! `GET /courses/{id}/slots`: the query, its page and cursor, and the bookable slots.
//!
//! A cursor is the start of the next page's first slot, in URL-safe base64 under a tag of its
//! own, so that a list's cursor is refused here and a slot cursor by the lists.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use domain::scheduling::{Slot, SlotQuery};
use domain::shared::{InvalidValue, PageRequest, UserId, ValidationErrors, Validator};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// What a slot cursor's text starts with.
const CURSOR_TAG: &str = "slots\u{1f}";

/// `?from&to&durationMinutes[&taId][&limit][&cursor]`. The search's values are read as text and
/// checked here, so that a bad one is a `validation_failed` naming the parameter; `limit` is an
/// integer like every list's.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    /// Earliest start (RFC 3339, any offset).
    #[param(value_type = String, format = DateTime, required = true)]
    pub from: Option<String>,
    /// Starts before this instant (RFC 3339); at most 31 days after `from`.
    #[param(value_type = String, format = DateTime, required = true)]
    pub to: Option<String>,
    /// Session length: a multiple of 15 in 15..=240.
    #[param(value_type = i64, required = true, minimum = 15, maximum = 240, multiple_of = 15)]
    pub duration_minutes: Option<String>,
    /// Only this TA (who must teach the course).
    #[param(value_type = Option<Uuid>)]
    pub ta_id: Option<String>,
    /// Slots per page, 1..=100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page, sent with the same `from`, `to`,
    /// `durationMinutes` and `taId`.
    pub cursor: Option<String>,
}

/// A checked slot search: what to search, from where, and how many slots to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotsPage {
    /// The search; from the cursor's position on when one was sent.
    pub query: SlotQuery,
    /// Slots per page.
    pub limit: usize,
}

/// The opaque form of the position where a page starts.
pub fn encode_slot_cursor(at: DateTime<Utc>) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_TAG}{}", at.timestamp()))
}

/// Reads back a cursor made by [`encode_slot_cursor`].
///
/// # Errors
/// When the text is not one.
pub fn decode_slot_cursor(opaque: &str) -> Result<DateTime<Utc>, InvalidValue> {
    let invalid = || InvalidValue::new("is not a cursor returned by this search");
    let bytes = URL_SAFE_NO_PAD.decode(opaque.trim()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let seconds = text.strip_prefix(CURSOR_TAG).and_then(|s| s.parse::<i64>().ok()).ok_or_else(invalid)?;
    DateTime::from_timestamp(seconds, 0).ok_or_else(invalid)
}

fn required(value: Option<&str>) -> Result<&str, InvalidValue> {
    value.map(str::trim).filter(|v| !v.is_empty()).ok_or_else(|| InvalidValue::new("is required"))
}

fn instant(value: Option<&str>) -> Result<DateTime<Utc>, InvalidValue> {
    let text = required(value)?;
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| InvalidValue::new("must be an RFC 3339 instant"))
}

impl SlotsQuery {
    /// The domain query and page, or every refused parameter.
    ///
    /// # Errors
    /// The refused parameters.
    pub fn try_into_domain(&self) -> Result<SlotsPage, ValidationErrors> {
        let mut v = Validator::default();
        let from = v.field("from", instant(self.from.as_deref()));
        let to = v.field("to", instant(self.to.as_deref()));
        let duration = v.field(
            "durationMinutes",
            required(self.duration_minutes.as_deref())
                .and_then(|d| d.parse::<i64>().map_err(|_| InvalidValue::new("must be an integer"))),
        );
        let ta = v.optional(
            "taId",
            self.ta_id
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(|t| Uuid::parse_str(t).map(UserId::from_uuid).map_err(|_| InvalidValue::new("must be a UUID"))),
        );
        // The window and duration rules run whenever their parameters parsed, so that a client
        // learns of every refused parameter at once.
        let query = match (from, to, duration) {
            (Some(from), Some(to), Some(duration)) => match SlotQuery::new(from, to, duration, ta.flatten()) {
                Ok(query) => Some(query),
                Err(errors) => {
                    for e in errors.fields() {
                        v.refuse(e.field.clone(), InvalidValue(e.message.clone()));
                    }
                    None
                }
            },
            _ => None,
        };
        let limit = v.field("limit", PageRequest::new(self.limit, None).map(|p| p.limit()));
        let cursor = v.optional("cursor", self.cursor.as_deref().filter(|c| !c.is_empty()).map(decode_slot_cursor));
        let query = match (query, cursor.flatten()) {
            (Some(query), Some(at)) => v.field("cursor", query.resume_at(at)),
            (query, _) => query,
        };
        match (query, limit) {
            (Some(query), Some(limit)) if v.is_ok() => Ok(SlotsPage { query, limit }),
            _ => Err(v.into_errors()),
        }
    }
}

/// A bookable start and the TAs free for it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SlotResponse {
    /// When the session would start.
    pub starts_at: DateTime<Utc>,
    /// When it would end.
    pub ends_at: DateTime<Utc>,
    /// The TAs free for it, sorted.
    pub ta_ids: Vec<Uuid>,
}

impl From<&Slot> for SlotResponse {
    fn from(s: &Slot) -> Self {
        Self { starts_at: s.starts_at, ends_at: s.ends_at, ta_ids: s.ta_ids.iter().map(|t| t.as_uuid()).collect() }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::dto::cursor::{PagedList, decode_cursor, encode_cursor};
    use crate::dto::paging::PageResponse;

    fn query(limit: Option<u32>, cursor: Option<String>) -> SlotsQuery {
        SlotsQuery {
            from: Some("2026-12-01T09:00:00Z".to_owned()),
            to: Some("2026-12-02T09:00:00Z".to_owned()),
            duration_minutes: Some("60".to_owned()),
            ta_id: None,
            limit,
            cursor,
        }
    }

    fn refused(q: &SlotsQuery) -> Vec<String> {
        q.try_into_domain().unwrap_err().fields().iter().map(|f| f.field.clone()).collect()
    }

    #[test]
    fn cursors_round_trip_and_other_lists_cursors_are_refused() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 12, 30, 0).unwrap();
        assert_eq!(decode_slot_cursor(&encode_slot_cursor(at)).unwrap(), at);
        let list = encode_cursor(PagedList::Bookings, &domain::shared::Cursor::instant(at, Uuid::now_v7()));
        for bad in [list.as_str(), "", "!!!", "c2xvdHM"] {
            assert!(decode_slot_cursor(bad).is_err(), "{bad}");
        }
        for list in PagedList::ALL {
            assert!(decode_cursor(list, &encode_slot_cursor(at)).is_err());
        }
    }

    #[test]
    fn a_page_starts_at_its_cursor_inside_the_window() {
        let page = query(None, None).try_into_domain().unwrap();
        assert_eq!(page.limit, 20);
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 12, 30, 0).unwrap();
        let page = query(Some(100), Some(encode_slot_cursor(at))).try_into_domain().unwrap();
        assert_eq!((page.query.from(), page.limit), (at, 100));
        let outside = encode_slot_cursor(Utc.with_ymd_and_hms(2026, 12, 3, 0, 0, 0).unwrap());
        assert_eq!(refused(&query(Some(0), Some(outside))), vec!["limit", "cursor"]);
        assert_eq!(refused(&query(Some(101), Some("nope".to_owned()))), vec!["limit", "cursor"]);
    }

    /// The bound the operation documents: 100 slots of `t` TAs take at most `100 × (79 + 39 t)`
    /// bytes, plus 60 for the envelope and cursor.
    #[test]
    fn a_full_page_stays_within_its_documented_size() {
        for tas in [1usize, 11, 50] {
            let at = Utc.with_ymd_and_hms(2026, 12, 31, 23, 55, 0).unwrap();
            let slot = SlotResponse { starts_at: at, ends_at: at, ta_ids: vec![Uuid::now_v7(); tas] };
            let data = (0..100).map(|_| SlotResponse { ta_ids: slot.ta_ids.clone(), ..slot }).collect();
            let page = PageResponse { data, next_cursor: Some(encode_slot_cursor(at)) };
            let size = serde_json::to_vec(&page).unwrap().len();
            assert!(size <= 100 * (79 + 39 * tas) + 60, "{tas} TAs: {size} bytes");
            assert!(size > 100 * (78 + 39 * tas), "the bound is tight: {size}");
        }
    }
}
