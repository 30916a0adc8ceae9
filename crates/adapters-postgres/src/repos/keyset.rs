//! Keyset pagination, written once for every list: a page is the rows after the cursor's row
//! in the list's order `(key, id)`, read one more than asked (see `Page::from_overfetch`).
//!
//! The cursor is read as the key kind its list is ordered by. The domain builds every cursor
//! from a row of the same list (`Cursor::text` for lists by name or code, `Cursor::instant` for
//! lists by time), and the HTTP edge reads back only cursors of the list they are sent to, so a
//! cursor of the other kind is a caller's bug: it is reported as an unexpected store error
//! rather than silently restarting the list.

use domain::shared::{CursorKey, PageRequest};
use domain::store::StoreError;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Value};
use uuid::Uuid;

use super::ts;

/// A page of a list ordered by a text column (name, code, title), A to Z.
pub(crate) fn by_text<E: EntityTrait>(
    query: Select<E>,
    key: E::Column,
    id: E::Column,
    page: &PageRequest,
) -> Result<Select<E>, StoreError> {
    let cursor = match page.after().map(|c| (&c.key, c.id)) {
        None => None,
        Some((CursorKey::Text(key), id)) => Some((Value::from(key.clone()), id)),
        Some((CursorKey::Instant(_), _)) => return Err(wrong_kind("text", "an instant")),
    };
    Ok(keyset(query, key, id, cursor, false, page))
}

/// A page of a list ordered by an instant, earliest first (bookings by start).
pub(crate) fn earliest_first<E: EntityTrait>(
    query: Select<E>,
    key: E::Column,
    id: E::Column,
    page: &PageRequest,
) -> Result<Select<E>, StoreError> {
    Ok(keyset(query, key, id, instant_cursor(page)?, false, page))
}

/// A page of a list ordered by an instant, newest first (purchases, jobs, audit events).
pub(crate) fn newest_first<E: EntityTrait>(
    query: Select<E>,
    key: E::Column,
    id: E::Column,
    page: &PageRequest,
) -> Result<Select<E>, StoreError> {
    Ok(keyset(query, key, id, instant_cursor(page)?, true, page))
}

/// The cursor's instant (at the databases' precision, as the rows it came from) and id.
fn instant_cursor(page: &PageRequest) -> Result<Option<(Value, Uuid)>, StoreError> {
    match page.after().map(|c| (&c.key, c.id)) {
        None => Ok(None),
        Some((CursorKey::Instant(key), id)) => Ok(Some((Value::from(ts(*key)), id))),
        Some((CursorKey::Text(_), _)) => Err(wrong_kind("instant", "a text")),
    }
}

/// `(key, id) > cursor` ascending, `(key, id) < cursor` descending; ordered by `key` then
/// `id`; one row more than the page.
fn keyset<E: EntityTrait>(
    mut query: Select<E>,
    key: E::Column,
    id: E::Column,
    cursor: Option<(Value, Uuid)>,
    descending: bool,
    page: &PageRequest,
) -> Select<E> {
    if let Some((cursor_key, cursor_id)) = cursor {
        let row = Expr::tuple([Expr::col(key), Expr::col(id)]);
        let mark = Expr::tuple([Expr::val(cursor_key), Expr::val(cursor_id)]);
        query = query.filter(if descending { row.lt(mark) } else { row.gt(mark) });
    }
    let query =
        if descending { query.order_by_desc(key).order_by_desc(id) } else { query.order_by_asc(key).order_by_asc(id) };
    query.limit(u64::try_from(page.fetch_limit()).unwrap_or(u64::MAX))
}

fn wrong_kind(list: &str, got: &str) -> StoreError {
    StoreError::Unexpected(anyhow::anyhow!("a list ordered by {list} got a cursor keyed by {got}"))
}
