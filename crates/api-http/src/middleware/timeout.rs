//! A bound on how long a request may take: past it the client gets 503 and the handler's
//! future is dropped (a transaction it held rolls back).

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::HeaderValue;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};
use domain::shared::ErrorCode;

use crate::middleware::request_id::{X_REQUEST_ID, current_request_id};
use crate::problem::ApiError;

/// How long a request may run.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The middleware.
///
/// # Errors
/// Those of the inner service, and the 503 of a request that took too long (rendered here, with
/// the request id, since the request itself went with the abandoned future).
pub async fn timeout(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
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
