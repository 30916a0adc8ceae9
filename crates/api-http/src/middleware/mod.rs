//! Middleware of the HTTP edge, outermost first: request id, observation (span, access log,
//! metrics), problem responses, security and cache headers, CORS, read-cache invalidation,
//! timeouts (body and request), rate limits, idempotency keys.

pub(crate) mod headers;
pub mod idempotency;
pub mod invalidation;
pub mod observe;
pub(crate) mod problems;
pub mod rate_limit;
pub mod request_id;
pub(crate) mod timeout;
