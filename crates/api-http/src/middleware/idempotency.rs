//! `Idempotency-Key` on every `POST` of `/api/v1` (`api.md`): the first request with a key runs;
//! a retry with the same key and body gets the first response again, byte for byte, with
//! `Idempotent-Replayed: true`; the same key with another body is 422
//! `idempotency_key_reused`; a retry while the first still runs is 409
//! `idempotency_key_in_progress`. A key is scoped to the user (the client IP on public
//! endpoints), the method and the path, and kept 24 hours.
//!
//! Exactly once across instances: the shared store's claim is atomic, so of many concurrent
//! retries one runs and the others wait for its response. Responses that say nothing was done
//! are not kept, so that a retry runs for real: 5xx (as `api.md` says), 401 (no valid session:
//! the retry may carry a fresh token) and 429. A request abandoned midway (timeout, client gone,
//! crash) releases its claim, or its lease runs out.
//!
//! When the store cannot be reached, a request *with* a key is refused with 503 (fail closed:
//! running it without the guarantee could charge a bundle twice); requests without one are
//! unaffected.

use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage as _, HttpResponse, ResponseError, web};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::edge::{Claim, IdempotencyKey, IdempotencyStore, LeaseToken, StoredResponse};
use domain::shared::{ErrorCode, InvalidValue, ValidationErrors};
use sha2::{Digest, Sha256};

use crate::extract::context::client_ip;
use crate::extract::json::read_limited;
use crate::extract::token_subject;
use crate::middleware::timeout::REQUEST_TIMEOUT;
use crate::problem::ApiError;
use crate::state::HttpState;

/// The request header.
pub static IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Marks a replayed response.
pub static IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// How long a key and its response are kept.
pub const RETENTION: Duration = Duration::from_secs(24 * 60 * 60);
/// How long a claim holds without an answer: past the request timeout, its holder is gone.
pub const LEASE: Duration = Duration::from_secs(REQUEST_TIMEOUT.as_secs() + 30);

/// The response headers kept and replayed with the body.
const REPLAYED_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::RETRY_AFTER];

async fn pass(req: ServiceRequest, next: Next<impl MessageBody + 'static>) -> Result<ServiceResponse<BoxBody>, Error> {
    next.call(req).await.map(ServiceResponse::map_into_boxed_body)
}

fn refuse(req: ServiceRequest, error: &ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(error.error_response())
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
    let fingerprint = fingerprint(&req, &body);
    req.set_payload(Payload::from(body));
    let scope = scope(&state, &req, &key);
    let store = state.edge.idempotency.clone();
    let token = match store.claim(&scope, &fingerprint, LEASE).await {
        Ok(Claim::Acquired(token)) => token,
        Ok(Claim::Replay(stored)) => return Ok(req.into_response(replay(&stored))),
        Ok(Claim::InProgress) => {
            let error = ApiError::new(ErrorCode::IdempotencyKeyInProgress)
                .detail("A request with this Idempotency-Key is still running; retry shortly.")
                .retry_after(1);
            return Ok(refuse(req, &error));
        }
        Ok(Claim::Mismatch) => {
            let error = ApiError::new(ErrorCode::IdempotencyKeyReused)
                .detail("This Idempotency-Key was used with another request body.");
            return Ok(refuse(req, &error));
        }
        Err(error) => {
            tracing::warn!(error = %error, "idempotency store unavailable: keyed request refused");
            let error = ApiError::new(ErrorCode::ServiceUnavailable)
                .detail("Idempotency keys cannot be checked right now; retry shortly.")
                .retry_after(1);
            return Ok(refuse(req, &error));
        }
    };

    let mut claim = HeldClaim { store, scope, token: Some(token) };
    // (The request cannot be kept aside for an error response: routing needs it unshared.)
    let response = match next.call(req).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => {
            claim.release().await;
            return Err(error);
        }
    };
    let (request, response) = response.into_parts();
    let status = response.status();
    let (head, body) = response.into_parts();
    let Ok(bytes) = body::to_bytes(body).await else {
        claim.release().await;
        let error = ApiError::new(ErrorCode::InternalError);
        return Ok(ServiceResponse::new(request, error.error_response()));
    };
    if keeps(status) {
        claim.complete(stored(status, head.headers(), &bytes)).await;
    } else {
        claim.release().await;
    }
    Ok(ServiceResponse::new(request, head.set_body(bytes).map_into_boxed_body()))
}

/// Whether a response is kept for replay: everything but "nothing was done" answers.
fn keeps(status: StatusCode) -> bool {
    !(status.is_server_error() || status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS)
}

fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefixed, so that no two different lists hash alike.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

/// What "the same request" means: the same media type and body bytes.
fn fingerprint(req: &ServiceRequest, body: &[u8]) -> String {
    let content_type = req.headers().get(header::CONTENT_TYPE).map_or(&b""[..], HeaderValue::as_bytes);
    digest(&[content_type, body])
}

/// Who sent it (the user of a validly signed token, else the client IP), the method, the path
/// and the key, hashed: store keys stay short and hold no personal data.
fn scope(state: &HttpState, req: &ServiceRequest, key: &IdempotencyKey) -> String {
    let who = match token_subject(req.request(), state) {
        Some(user) => format!("user:{user}"),
        None => format!("ip:{}", client_ip(req.request()).map(|ip| ip.to_string()).unwrap_or_default()),
    };
    digest(&[who.as_bytes(), req.method().as_str().as_bytes(), req.path().as_bytes(), key.as_str().as_bytes()])
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

/// A claim this request holds: completed or released explicitly, and released in the
/// background if the request is dropped first (a timeout, a client that went away).
struct HeldClaim {
    store: Arc<dyn IdempotencyStore>,
    scope: String,
    token: Option<LeaseToken>,
}

impl HeldClaim {
    async fn complete(&mut self, response: StoredResponse) {
        let Some(token) = self.token.take() else { return };
        if let Err(error) = self.store.complete(&self.scope, &token, &response, RETENTION).await {
            // The claim stays until its lease ends: retries meanwhile get 409, then run again.
            tracing::warn!(error = %error, "idempotency store unavailable: response not kept");
        }
    }

    async fn release(&mut self) {
        let Some(token) = self.token.take() else { return };
        if let Err(error) = self.store.release(&self.scope, &token).await {
            tracing::warn!(error = %error, "idempotency store unavailable: claim held until its lease ends");
        }
    }
}

impl Drop for HeldClaim {
    fn drop(&mut self) {
        let Some(token) = self.token.take() else { return };
        let (store, scope) = (self.store.clone(), std::mem::take(&mut self.scope));
        // Outside a runtime (a process shutting down) the lease ends the claim instead.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        runtime.spawn(async move {
            if let Err(error) = store.release(&scope, &token).await {
                tracing::warn!(error = %error, "idempotency store unavailable: claim held until its lease ends");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_that_did_nothing_are_not_kept() {
        for status in [StatusCode::OK, StatusCode::CREATED, StatusCode::CONFLICT, StatusCode::UNPROCESSABLE_ENTITY] {
            assert!(keeps(status), "{status}");
        }
        for status in [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::SERVICE_UNAVAILABLE,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
        ] {
            assert!(!keeps(status), "{status}");
        }
    }

    #[test]
    fn digests_are_length_prefixed() {
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
        assert_eq!(digest(&[b"x"]), digest(&[b"x"]));
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
