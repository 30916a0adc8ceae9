//! Bounds on how long a request may take.
//!
//! - The body must have arrived within the body timeout (`REQUEST_BODY_TIMEOUT_SECONDS`, 10 s)
//!   of the request's head, stalled or dribbled alike: past it, reading the body fails and the
//!   reader ([`crate::extract::json::read_limited`]) answers 408 `request_timeout`, closing the
//!   connection. A slow client cannot hold a worker's request (and the transaction it may
//!   open) for the whole request timeout. The head itself is bounded by actix's
//!   `client_request_timeout` (5 s), before any of this runs.
//! - The whole request must be answered within [`REQUEST_TIMEOUT`]: past it the client gets 503
//!   and the handler's future is dropped (a transaction it held rolls back).

use std::io;
use std::pin::Pin;
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::{InternalError, PayloadError};
use actix_web::http::header::HeaderValue;
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use actix_web::{Error, ResponseError};
use domain::shared::ErrorCode;
use futures_util::{Stream, StreamExt};
use tokio::time::Instant;

use crate::middleware::request_id::{X_REQUEST_ID, current_request_id};
use crate::problem::ApiError;
use crate::state::HttpState;

/// How long a request may run.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a body may take to arrive when the state does not say (`REQUEST_BODY_TIMEOUT_SECONDS`).
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// The message of the error a late body ends with; [`is_late_body`] recognizes it.
const LATE_BODY: &str = "the request body did not arrive in time";

/// Whether a body read failed because the body did not arrive within the body timeout.
pub(crate) fn is_late_body(error: &PayloadError) -> bool {
    matches!(error, PayloadError::Io(e) if e.kind() == io::ErrorKind::TimedOut && e.to_string() == LATE_BODY)
}

/// `payload`, ending with a timed-out read error if it is not over by `deadline`.
fn within(payload: Payload, deadline: Instant) -> Payload {
    let stream = futures_util::stream::unfold(Some(payload), move |payload| async move {
        let mut payload = payload?;
        match tokio::time::timeout_at(deadline, payload.next()).await {
            Ok(Some(chunk)) => Some((chunk, Some(payload))),
            Ok(None) => None,
            Err(_) => Some((Err(PayloadError::Io(io::Error::new(io::ErrorKind::TimedOut, LATE_BODY))), None)),
        }
    });
    let boxed: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(stream);
    Payload::from(boxed)
}

/// The middleware.
///
/// # Errors
/// Those of the inner service, and the 503 of a request that took too long (rendered here, with
/// the request id, since the request itself went with the abandoned future).
pub async fn timeout(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // A request without a body (most reads) has nothing to wait for.
    match req.take_payload() {
        Payload::None => {}
        payload => {
            let limit = req.app_data::<web::Data<HttpState>>().map_or(BODY_TIMEOUT, |s| s.config.body_timeout);
            req.set_payload(within(payload, Instant::now() + limit));
        }
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.call(req)).await {
        Ok(result) => result.map(ServiceResponse::map_into_boxed_body),
        Err(_) => {
            let error =
                ApiError::new(ErrorCode::ServiceUnavailable).detail("The request took too long and was abandoned.");
            let mut response = error.error_response();
            if let Ok(id) = HeaderValue::from_str(&current_request_id()) {
                response.headers_mut().insert(X_REQUEST_ID, id);
            }
            Err(InternalError::from_response("request timeout", response).into())
        }
    }
}
