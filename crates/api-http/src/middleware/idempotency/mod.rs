//! `Idempotency-Key` on every `POST` of `/api/v1` (`api.md`): the first request with a key runs;
//! a retry with the same key and body gets the first response again, byte for byte, with
//! `Idempotent-Replayed: true`; the same key with another body is 422
//! `idempotency_key_reused`; a retry while the first still runs is 409
//! `idempotency_key_in_progress`. A key is scoped to the user (the client IP on public
//! endpoints), the method and the path, and kept 24 hours.
//!
//! A keyed request runs inside a *unit* the database holds for its scope (see
//! `edge::IdempotencyStore`): everything it reads and writes goes through the unit's
//! transaction, and its response is recorded in that transaction before it commits. So the
//! change and the recorded answer commit together: a retry after a crash at any point gets the
//! committed outcome, or runs a request that never happened — never a second execution, never
//! a contradicting error. Responses that say nothing was done are not recorded, so that a
//! retry runs for real: 401 (no valid session: the retry may carry a fresh token) and 429
//! (their writes, such as a failed login's audit event, still commit). A 5xx rolls the unit
//! back (nothing of the request is kept) and is not recorded either, as `api.md` says.
//!
//! Keys live in the database, never only in Redis: the guarantee holds through any Redis
//! outage and across every instance, with or without Redis. When the database cannot be
//! reached, a request with a key is refused with 503 (`Retry-After`).

mod sealing;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage as _, HttpResponse, ResponseError, web};
use chrono::{TimeDelta, Utc};
use domain::shared::{ErrorCode, InvalidValue, ValidationErrors};
use edge::EdgeCode;
use edge::{IdempotencyKey, Opening, RecordedOutcome, StoredResponse};

pub use sealing::{IdempotencySecret, ScopeParts, Unsealable};

use crate::extract::context::client_ip;
use crate::extract::json::read_limited;
use crate::extract::token_subject;
use crate::problem::ApiError;
use crate::state::HttpState;

/// The request header.
pub static IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Marks a replayed response.
pub static IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// How long a key and its response are kept.
pub const RETENTION: TimeDelta = TimeDelta::hours(24);

/// The response headers kept and replayed with the body.
const REPLAYED_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::RETRY_AFTER];

async fn pass(req: ServiceRequest, next: Next<impl MessageBody + 'static>) -> Result<ServiceResponse<BoxBody>, Error> {
    next.call(req).await.map(ServiceResponse::map_into_boxed_body)
}

fn refuse(req: ServiceRequest, error: &ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(error.error_response())
}

fn unavailable(detail: &'static str) -> ApiError {
    ApiError::new(ErrorCode::ServiceUnavailable).detail(detail).retry_after(1)
}

/// The middleware.
///
/// # Errors
/// Those of the inner service.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if req.method() != Method::POST || !req.path().starts_with("/api/v1/") {
        return pass(req, next).await;
    }
    let Some(raw) = req.headers().get(&IDEMPOTENCY_KEY).cloned() else { return pass(req, next).await };
    let Some(state) = req.app_data::<web::Data<HttpState>>().cloned() else { return pass(req, next).await };
    let Some(key) = raw.to_str().ok().and_then(|raw| IdempotencyKey::parse(raw).ok()) else {
        let refused = InvalidValue::new("must be 1 to 255 printable ASCII characters");
        return Ok(refuse(req, &ApiError::validation(&ValidationErrors::single("Idempotency-Key", refused))));
    };
    let mut payload = req.take_payload();
    let body = match read_limited(&mut payload, None).await {
        Ok(body) => body.freeze(),
        Err(error) => return Ok(refuse(req, &error)),
    };
    req.set_payload(Payload::from(body.clone()));
    let secret = state.edge.idempotency_secret.clone();
    let content_type = req.headers().get(header::CONTENT_TYPE).map_or(&b""[..], HeaderValue::as_bytes);
    let fingerprint = secret.fingerprint(content_type, &body);
    let (who, method, path) = (who(&state, &req), req.method().to_string(), req.path().to_owned());
    let parts = ScopeParts { who: &who, method: &method, path: &path, key: key.as_str() };
    let scope = secret.scope(&parts);
    let now = Utc::now();
    let unit = match state.edge.idempotency.open(&scope, now).await {
        Ok(Opening::Fresh(unit)) => unit,
        Ok(Opening::Done(outcome)) if outcome.fingerprint != fingerprint => {
            let error = ApiError::new(EdgeCode::IdempotencyKeyReused)
                .detail("This Idempotency-Key was used with another request body.");
            return Ok(refuse(req, &error));
        }
        Ok(Opening::Done(outcome)) => {
            return Ok(match secret.open(&parts, outcome.status, &outcome.sealed) {
                Ok(stored) => req.into_response(replay(&stored)),
                Err(error) => {
                    tracing::error!(error = %error, "a recorded idempotent response does not open");
                    refuse(req, &ApiError::new(ErrorCode::InternalError))
                }
            });
        }
        Ok(Opening::InProgress) => {
            let error = ApiError::new(EdgeCode::IdempotencyKeyInProgress)
                .detail("A request with this Idempotency-Key is still running; retry shortly.")
                .retry_after(1);
            return Ok(refuse(req, &error));
        }
        Err(error) => {
            tracing::warn!(error = %error, "idempotency keys unreadable: keyed request refused");
            return Ok(refuse(req, &unavailable("Idempotency keys cannot be checked right now; retry shortly.")));
        }
    };

    let mut result = None;
    {
        let slot = &mut result;
        unit.run(Box::pin(async move { *slot = Some(next.call(req).await) })).await;
    }
    // Every way out below but `finish` drops the unit: its transaction rolls back.
    let response = match result {
        Some(Ok(response)) => response.map_into_boxed_body(),
        Some(Err(error)) => return Err(error),
        None => return Err(ApiError::new(ErrorCode::InternalError).into()),
    };
    let (request, response) = response.into_parts();
    let status = response.status();
    let (head, body) = response.into_parts();
    let Ok(bytes) = body::to_bytes(body).await else {
        return Ok(ServiceResponse::new(request, ApiError::new(ErrorCode::InternalError).error_response()));
    };
    if status.is_server_error() {
        return Ok(ServiceResponse::new(request, head.set_body(bytes).map_into_boxed_body()));
    }
    let outcome = records(status).then(|| RecordedOutcome {
        fingerprint,
        status: status.as_u16(),
        sealed: secret.seal(&parts, &stored(status, head.headers(), &bytes)),
        created_at: now,
        expires_at: now + RETENTION,
    });
    if let Err(error) = unit.finish(outcome).await {
        tracing::warn!(error = %error, "a keyed request's transaction did not commit");
        let error = unavailable("The request could not be completed; nothing was changed. Retry with the same key.");
        return Ok(ServiceResponse::new(request, error.error_response()));
    }
    Ok(ServiceResponse::new(request, head.set_body(bytes).map_into_boxed_body()))
}

/// Whether a committed response is recorded for replay: all but "nothing was done" answers.
fn records(status: StatusCode) -> bool {
    !(status.is_server_error() || status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS)
}

/// Who sent it: the user of a validly signed token, else the client IP.
fn who(state: &HttpState, req: &ServiceRequest) -> String {
    match token_subject(req.request(), state) {
        Some(user) => format!("user:{user}"),
        None => format!("ip:{}", client_ip(req.request()).map(|ip| ip.to_string()).unwrap_or_default()),
    }
}

fn stored(status: StatusCode, headers: &header::HeaderMap, body: &Bytes) -> StoredResponse {
    let headers = REPLAYED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect();
    StoredResponse { status: status.as_u16(), headers, body: body.to_vec() }
}

fn replay(stored: &StoredResponse) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    for (name, value) in &stored.headers {
        response.insert_header((name.as_str(), value.as_str()));
    }
    response.insert_header((IDEMPOTENT_REPLAYED.clone(), HeaderValue::from_static("true")));
    response.body(Bytes::from(stored.body.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_that_did_nothing_are_not_recorded() {
        for status in [StatusCode::OK, StatusCode::CREATED, StatusCode::CONFLICT, StatusCode::UNPROCESSABLE_ENTITY] {
            assert!(records(status), "{status}");
        }
        for status in [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
        ] {
            assert!(!records(status), "{status}");
        }
    }

    #[test]
    fn a_replay_carries_the_stored_status_headers_and_bytes_and_the_marker() {
        let stored = StoredResponse {
            status: 201,
            headers: vec![("content-type".into(), "application/json".into()), ("location".into(), "/x/1".into())],
            body: b"{\"id\":1}".to_vec(),
        };
        let response = replay(&stored);
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers().get("location").unwrap(), "/x/1");
        assert_eq!(response.headers().get("idempotent-replayed").unwrap(), "true");
    }
}
