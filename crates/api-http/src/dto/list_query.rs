//! `?limit=&cursor=` of the paged catalog lists (`GET /courses`, `GET /tas`).

use serde::Deserialize;
use utoipa::IntoParams;

use super::cursor::PagedList;
use super::paging::page_request;
use domain::shared::{PageRequest, ValidationErrors};

/// The page to return.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Rows per page, 1..=100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The domain's page request for `list`.
    ///
    /// # Errors
    /// `limit` out of range, or a cursor `list` did not issue.
    pub fn page(&self, list: PagedList) -> Result<PageRequest, ValidationErrors> {
        page_request(list, self.limit, self.cursor.as_deref())
    }
}
