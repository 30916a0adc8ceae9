//! Collections: the `?limit=&cursor=` of every paged list and the `{data, nextCursor}` /
//! `{data}` envelopes. Each list reads and issues its own cursors (see [`super::cursor`]).

use domain::shared::{InvalidValue, Page, PageRequest, ValidationErrors, Validator};
use serde::Serialize;
use utoipa::ToSchema;

use super::cursor::{PagedList, decode_cursor, encode_cursor};

/// The page of `list` a client asked for with `?limit=` (1..=100, default 20) and `?cursor=`
/// (one that `list` issued).
///
/// # Errors
/// `validation_failed` naming `limit` or `cursor`.
pub fn page_request(
    list: PagedList,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<PageRequest, ValidationErrors> {
    let mut v = Validator::default();
    let after = v.optional("cursor", cursor.filter(|c| !c.is_empty()).map(|c| decode_cursor(list, c))).flatten();
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
    /// The envelope of a page of `list`, each row mapped to its DTO.
    pub fn from_page<S>(list: PagedList, page: &Page<S>, map: impl Fn(&S) -> T) -> Self {
        Self {
            data: page.items.iter().map(map).collect(),
            next_cursor: page.next.as_ref().map(|c| encode_cursor(list, c)),
        }
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

/// The page of a query of `list`, its refusals added after the filters'.
pub(crate) fn with_page<T>(
    list: PagedList,
    mut v: Validator,
    filter: Option<T>,
    limit: Option<u32>,
    cursor: Option<&str>,
) -> Result<(T, PageRequest), ValidationErrors> {
    match (filter, page_request(list, limit, cursor)) {
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
    use domain::shared::Cursor;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn limits_and_cursors_are_checked() {
        let list = PagedList::Courses;
        assert_eq!(page_request(list, None, None).unwrap().limit(), 20);
        assert_eq!(page_request(list, Some(100), Some("")).unwrap().limit(), 100);
        let errors = page_request(list, Some(0), Some("nope")).unwrap_err();
        let fields: Vec<&str> = errors.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["cursor", "limit"]);
        let cursor = encode_cursor(list, &Cursor::text("a", Uuid::now_v7()));
        assert!(page_request(list, Some(5), Some(&cursor)).unwrap().after().is_some());
        let foreign = page_request(PagedList::Tas, Some(5), Some(&cursor)).unwrap_err();
        assert_eq!(foreign.fields()[0].field, "cursor");
    }
}
