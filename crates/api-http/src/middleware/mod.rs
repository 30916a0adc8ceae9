//! Middleware of the HTTP edge, outermost first: request id, problem responses, security
//! headers, CORS, timeout, rate limits, idempotency keys.

pub(crate) mod headers;
pub mod idempotency;
pub(crate) mod problems;
pub mod rate_limit;
pub mod request_id;
pub(crate) mod timeout;
