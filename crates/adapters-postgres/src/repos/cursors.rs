//! The cursor of a page, read as the key kind its list is ordered by. The domain builds every
//! cursor from a row of the same list (`Cursor::text` for lists by name or code,
//! `Cursor::instant` for lists by time), and the HTTP edge reads back only cursors of the list
//! they are sent to, so a cursor of the other kind is a caller's bug: it is reported as an
//! unexpected store error rather than silently restarting the list.

use chrono::{DateTime, Utc};
use domain::shared::{CursorKey, PageRequest};
use domain::store::StoreError;
use uuid::Uuid;

use super::ts;

/// The `(text key, id)` to start after, for a list ordered by a text column.
pub(crate) fn text_after(page: &PageRequest) -> Result<Option<(String, Uuid)>, StoreError> {
    match page.after().map(|c| (&c.key, c.id)) {
        None => Ok(None),
        Some((CursorKey::Text(key), id)) => Ok(Some((key.clone(), id))),
        Some((CursorKey::Instant(_), _)) => Err(wrong_kind("text", "an instant")),
    }
}

/// The `(instant key, id)` to start after, for a list ordered by an instant (at the
/// databases' precision, as the rows it came from).
pub(crate) fn instant_after(page: &PageRequest) -> Result<Option<(DateTime<Utc>, Uuid)>, StoreError> {
    match page.after().map(|c| (&c.key, c.id)) {
        None => Ok(None),
        Some((CursorKey::Instant(key), id)) => Ok(Some((ts(*key), id))),
        Some((CursorKey::Text(_), _)) => Err(wrong_kind("instant", "a text")),
    }
}

fn wrong_kind(list: &str, got: &str) -> StoreError {
    StoreError::Unexpected(anyhow::anyhow!("a list ordered by {list} got a cursor keyed by {got}"))
}
