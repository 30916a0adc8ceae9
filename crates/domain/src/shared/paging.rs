//! Keyset (cursor) pagination shared by every list use case.
//!
//! A list is read in a stable order ending in the row id; a [`Cursor`] holds the sort key and id
//! of the last row returned, and the next page starts strictly after it. Repositories return up
//! to [`PageRequest::fetch_limit`] rows (one more than asked) so that [`Page::from_overfetch`]
//! knows whether another page exists without a count query.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::validation::InvalidValue;

/// The leading sort key of a cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorKey {
    /// Lists ordered by a text column (course code, TA name, template title).
    Text(String),
    /// Lists ordered by an instant (bookings by start, purchases and events by creation).
    Instant(DateTime<Utc>),
}

/// Position after the last row of a page: its sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The sort key of the last row.
    pub key: CursorKey,
    /// The id of the last row (the tie-breaker of every order).
    pub id: Uuid,
}

impl Cursor {
    /// After a row ordered by text.
    pub fn text(key: impl Into<String>, id: impl Into<Uuid>) -> Self {
        Self { key: CursorKey::Text(key.into()), id: id.into() }
    }

    /// After a row ordered by an instant.
    pub fn instant(key: DateTime<Utc>, id: impl Into<Uuid>) -> Self {
        Self { key: CursorKey::Instant(key), id: id.into() }
    }

    /// The text key, when the list is ordered by text.
    pub fn text_key(&self) -> Option<&str> {
        match &self.key {
            CursorKey::Text(t) => Some(t),
            CursorKey::Instant(_) => None,
        }
    }

    /// The instant key, when the list is ordered by an instant.
    pub fn instant_key(&self) -> Option<DateTime<Utc>> {
        match self.key {
            CursorKey::Instant(t) => Some(t),
            CursorKey::Text(_) => None,
        }
    }
}

/// Which page to read: at most `limit` rows after `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    limit: u8,
    after: Option<Cursor>,
}

impl PageRequest {
    /// The page size when the client does not choose one.
    pub const DEFAULT_LIMIT: u8 = 20;
    /// The largest page size a client may ask for.
    pub const MAX_LIMIT: u8 = 100;

    /// A page of `limit` rows (default 20) after `after`.
    ///
    /// # Errors
    /// When `limit` is outside `1..=100`.
    pub fn new(limit: Option<u32>, after: Option<Cursor>) -> Result<Self, InvalidValue> {
        let limit = match limit {
            None => Self::DEFAULT_LIMIT,
            Some(l @ 1..=100) => l as u8,
            Some(_) => return Err(InvalidValue::new("must be between 1 and 100")),
        };
        Ok(Self { limit, after })
    }

    /// The first page with the default size.
    pub fn first() -> Self {
        Self { limit: Self::DEFAULT_LIMIT, after: None }
    }

    /// How many rows the client asked for.
    pub fn limit(&self) -> usize {
        usize::from(self.limit)
    }

    /// How many rows a repository reads: one more than asked, to detect a next page.
    pub fn fetch_limit(&self) -> usize {
        usize::from(self.limit) + 1
    }

    /// The position to start after, if not the first page.
    pub fn after(&self) -> Option<&Cursor> {
        self.after.as_ref()
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::first()
    }
}

/// One page of a list and the cursor of the next page, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows of this page, in the list's order.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from up to `fetch_limit` rows: the extra row, if present, only tells that
    /// a next page exists.
    pub fn from_overfetch(mut rows: Vec<T>, request: &PageRequest, cursor_of: impl Fn(&T) -> Cursor) -> Self {
        let has_more = rows.len() > request.limit();
        rows.truncate(request.limit());
        let next = if has_more { rows.last().map(cursor_of) } else { None };
        Self { items: rows, next }
    }

    /// Transforms every row, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_defaults_to_twenty_and_is_bounded() {
        assert_eq!(PageRequest::new(None, None).unwrap().limit(), 20);
        assert_eq!(PageRequest::new(Some(100), None).unwrap().fetch_limit(), 101);
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(Some(101), None).is_err());
    }

    #[test]
    fn overfetch_yields_next_cursor_only_when_more_rows_exist() {
        let req = PageRequest::new(Some(2), None).unwrap();
        let ids: Vec<Uuid> = (0..3).map(Uuid::from_u128).collect();
        let page = Page::from_overfetch(ids.clone(), &req, |id| Cursor::text("k", *id));
        assert_eq!(page.items, ids[..2]);
        assert_eq!(page.next, Some(Cursor::text("k", ids[1])));

        let last = Page::from_overfetch(ids[..2].to_vec(), &req, |id| Cursor::text("k", *id));
        assert_eq!(last.next, None);
    }

    #[test]
    fn cursor_exposes_its_key_kind() {
        let c = Cursor::text("MATH-1", Uuid::nil());
        assert_eq!(c.text_key(), Some("MATH-1"));
        assert_eq!(c.instant_key(), None);
    }
}
