//! Observing every request (outermost but the request id): a `tracing` span per request that
//! continues the caller's W3C `traceparent` and carries the request id (and, once known, the
//! user id) to every log line and child span; one access-log line per request (method, route
//! pattern, status, latency); and the request metrics (count and latency by method, route
//! pattern and status). Business counters (bookings, logins, seats) are the use cases' own,
//! through the domain's `BusinessMetrics` port.
//!
//! Every label value comes from a closed set, so that no client can add series, whatever it
//! sends (and whether or not it is refused): routes are their patterns
//! (`/api/v1/bookings/{id}`), never raw paths, and `unmatched` when none matches; methods are
//! the seven the API knows, any other `OTHER`; statuses are the registered codes, any other
//! its class (`5xx`). The method in span names follows the same rule; the access log keeps the
//! method as sent.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use opentelemetry::propagation::Extractor;
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::middleware::request_id::RequestId;

/// The request counter.
pub const REQUESTS: &str = "http_requests_total";
/// The request latency histogram, in seconds.
pub const DURATION: &str = "http_request_duration_seconds";
/// Requests refused by a rate limit, by policy (counted where they are refused, in
/// `middleware::rate_limit`).
pub const RATE_LIMITED: &str = "engify_rate_limited_total";

/// The methods metrics and span names show by name.
const KNOWN_METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The method as metrics show it: one of the seven the API knows, else `OTHER`.
pub fn method_label(method: &Method) -> &'static str {
    KNOWN_METHODS.into_iter().find(|known| *known == method.as_str()).unwrap_or("OTHER")
}

/// The status as metrics show it: the code when it is a registered one, else its class.
pub fn status_label(status: StatusCode) -> String {
    if status.canonical_reason().is_some() {
        status.as_u16().to_string()
    } else {
        format!("{}xx", status.as_u16() / 100)
    }
}

/// Reads W3C trace context from request headers.
struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(actix_web::http::header::HeaderName::as_str).collect()
    }
}

/// The middleware.
///
/// # Errors
/// Those of the inner service.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default();
    let parent = opentelemetry::global::get_text_map_propagator(|p| p.extract(&Headers(req.headers())));
    // The route table knows the pattern before routing; the span is named for it at once (an
    // exported span cannot be renamed once its context exists).
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let method_label = method_label(&method);
    let span = tracing::info_span!(
        "request",
        otel.name = %format!("{method_label} {route}"),
        otel.kind = "server",
        http.request.method = method_label,
        http.route = %route,
        http.response.status_code = tracing::field::Empty,
        request_id = %request_id,
        user_id = tracing::field::Empty,
    );
    let _ = span.set_parent(parent);
    let result = next.call(req).instrument(span.clone()).await;
    let response = match result {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => return Err(error),
    };
    let status = response.status();
    let latency = started.elapsed();
    span.record("http.response.status_code", status.as_u16());
    let latency_ms = (latency.as_secs_f64() * 1_000_000.0).round() / 1000.0;
    tracing::info!(
        target: "access",
        parent: &span,
        method = %method,
        route = %route,
        status = status.as_u16(),
        latency_ms,
        "request"
    );
    let labels = [("method", method_label.to_owned()), ("route", route.clone()), ("status", status_label(status))];
    metrics::counter!(REQUESTS, &labels).increment(1);
    metrics::histogram!(DURATION, &labels).record(latency.as_secs_f64());
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_closed_sets() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "OTHER");
        assert_eq!(method_label(&Method::from_bytes(b"get").unwrap()), "OTHER", "methods are case-sensitive");
        assert_eq!(method_label(&Method::CONNECT), "OTHER");
        assert_eq!(status_label(StatusCode::TOO_MANY_REQUESTS), "429");
        assert_eq!(status_label(StatusCode::from_u16(599).unwrap()), "5xx");
        assert_eq!(status_label(StatusCode::from_u16(299).unwrap()), "2xx");
    }
}
