//! The opaque cursor of a paged list: the domain's [`Cursor`] (the last row's sort key and id)
//! and the name of the list that issued it, in URL-safe base64, so that clients treat it as
//! opaque and the service reads it back without any state.
//!
//! A list reads only its own cursors. Anything else — a cursor of another list, a key that is
//! not of the list's kind, a key no row can have (a NUL byte, which PostgreSQL text cannot
//! hold), text that is not a cursor at all — is refused here as `validation_failed`, before a
//! query could fail on it. A well-formed cursor is only a position in the list: forging one
//! reveals nothing a query of the same list would not, so cursors are not signed.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use domain::shared::{Cursor, CursorKey, InvalidValue};
use uuid::Uuid;

const SEPARATOR: char = '\u{1f}';

/// Every paged list of the API, named in its cursors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagedList {
    /// `GET /courses`, by code.
    Courses,
    /// `GET /tas`, by name.
    Tas,
    /// `GET /group-session-templates`, by title.
    GroupSessionTemplates,
    /// `GET /bookings`, by start.
    Bookings,
    /// `GET /group-sessions`, by start.
    GroupSessions,
    /// `GET /bundle-purchases`, newest first.
    BundlePurchases,
    /// `GET /admin/jobs`, newest first.
    Jobs,
    /// `GET /admin/audit-events`, newest first.
    AuditEvents,
    /// `GET /tas/{taId}/time-off`, by start.
    TimeOff,
    /// `GET /tas/me/unmarked-sessions`, by start.
    UnmarkedSessions,
}

impl PagedList {
    /// Every list.
    pub const ALL: [Self; 10] = [
        Self::Courses,
        Self::Tas,
        Self::GroupSessionTemplates,
        Self::Bookings,
        Self::GroupSessions,
        Self::BundlePurchases,
        Self::Jobs,
        Self::AuditEvents,
        Self::TimeOff,
        Self::UnmarkedSessions,
    ];

    /// The name written in the list's cursors.
    const fn name(self) -> &'static str {
        match self {
            Self::Courses => "courses",
            Self::Tas => "tas",
            Self::GroupSessionTemplates => "templates",
            Self::Bookings => "bookings",
            Self::GroupSessions => "group-sessions",
            Self::BundlePurchases => "bundle-purchases",
            Self::Jobs => "jobs",
            Self::AuditEvents => "audit-events",
            Self::TimeOff => "time-off",
            Self::UnmarkedSessions => "unmarked-sessions",
        }
    }

    /// Whether the list is ordered by a text column (else by an instant).
    const fn by_text(self) -> bool {
        matches!(self, Self::Courses | Self::Tas | Self::GroupSessionTemplates)
    }
}

/// The opaque form of a cursor of `list`.
pub fn encode_cursor(list: PagedList, cursor: &Cursor) -> String {
    debug_assert_eq!(
        list.by_text(),
        matches!(cursor.key, CursorKey::Text(_)),
        "{list:?} issued a cursor of another kind"
    );
    let key = match &cursor.key {
        CursorKey::Text(text) => text.clone(),
        CursorKey::Instant(at) => at.to_rfc3339(),
    };
    URL_SAFE_NO_PAD.encode(format!("{}{SEPARATOR}{}{SEPARATOR}{key}", list.name(), cursor.id))
}

/// Reads back a cursor that `list` issued with [`encode_cursor`].
///
/// # Errors
/// When the text is not a cursor of `list`.
pub fn decode_cursor(list: PagedList, opaque: &str) -> Result<Cursor, InvalidValue> {
    let invalid = || InvalidValue::new("is not a cursor returned by this list");
    let bytes = URL_SAFE_NO_PAD.decode(opaque.trim()).map_err(|_| invalid())?;
    let raw = String::from_utf8(bytes).map_err(|_| invalid())?;
    let mut parts = raw.splitn(3, SEPARATOR);
    let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else { return Err(invalid()) };
    if name != list.name() {
        return Err(invalid());
    }
    let id = Uuid::parse_str(id).map_err(|_| invalid())?;
    if list.by_text() {
        // Names, codes and titles hold no control characters, and no database text a NUL.
        if key.contains('\0') {
            return Err(invalid());
        }
        Ok(Cursor::text(key, id))
    } else {
        let at = DateTime::parse_from_rfc3339(key).map_err(|_| invalid())?.with_timezone(&Utc);
        Ok(Cursor::instant(at, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(list: PagedList) -> Cursor {
        let id = Uuid::now_v7();
        if list.by_text() {
            Cursor::text("with \u{1f} separator and ünïcode", id)
        } else {
            Cursor::instant("2026-12-01T10:00:00.123456Z".parse().unwrap(), id)
        }
    }

    #[test]
    fn every_list_reads_back_its_own_cursors_and_no_other_lists() {
        for list in PagedList::ALL {
            let cursor = sample(list);
            assert_eq!(decode_cursor(list, &encode_cursor(list, &cursor)).unwrap(), cursor, "{list:?}");
            for other in PagedList::ALL.into_iter().filter(|o| *o != list) {
                assert!(decode_cursor(other, &encode_cursor(list, &cursor)).is_err(), "{list:?} read by {other:?}");
            }
        }
    }

    #[test]
    fn forged_and_foreign_texts_are_refused() {
        let id = Uuid::now_v7();
        let forge = |text: String| URL_SAFE_NO_PAD.encode(text);
        for (list, bad) in [
            (PagedList::Courses, String::new()),
            (PagedList::Courses, "!!!".to_owned()),
            (PagedList::Courses, "dGV4dA".to_owned()),
            (PagedList::Courses, forge(format!("courses{SEPARATOR}{id}{SEPARATOR}MATH\0-101"))),
            (PagedList::Courses, forge(format!("courses{SEPARATOR}not-a-uuid{SEPARATOR}MATH-101"))),
            (PagedList::Courses, forge(format!("t{SEPARATOR}{id}{SEPARATOR}MATH-101"))),
            (PagedList::Bookings, forge(format!("bookings{SEPARATOR}{id}{SEPARATOR}yesterday"))),
            (PagedList::Bookings, forge(format!("bookings{SEPARATOR}{id}{SEPARATOR}2026-12-01T10:00:00Z\0"))),
            (PagedList::Bookings, forge(format!("i{SEPARATOR}{id}{SEPARATOR}2026-12-01T10:00:00Z"))),
            (PagedList::Bookings, forge(format!("bookings{SEPARATOR}{id}"))),
        ] {
            assert!(decode_cursor(list, &bad).is_err(), "{list:?} read {bad:?}");
        }
    }
}
