//! Middleware of the HTTP edge, outermost first: request id, problem responses, security
//! headers, CORS, timeout.

pub(crate) mod headers;
pub(crate) mod problems;
pub mod request_id;
pub(crate) mod timeout;
