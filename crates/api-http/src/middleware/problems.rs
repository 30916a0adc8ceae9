//! Turns every error response that is not already problem+json (actix's own 404, 405, 413,
//! a panic's 500, a refused path parameter…) into one, so that clients see one error format.
//! Outside `/api/`, a JSON error body is the endpoint's own and kept: the health checks answer
//! 503 with the state of each dependency.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};
use domain::shared::ErrorCode;
use edge::EdgeCode;

use crate::code::Code;
use crate::problem::{ApiError, PROBLEM_JSON};

/// The code of a status that reached the client without a problem body.
fn code_of(status: StatusCode) -> Code {
    match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound.into(),
        StatusCode::METHOD_NOT_ALLOWED => EdgeCode::MethodNotAllowed.into(),
        StatusCode::PAYLOAD_TOO_LARGE => EdgeCode::PayloadTooLarge.into(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => EdgeCode::UnsupportedMediaType.into(),
        StatusCode::UNAUTHORIZED => ErrorCode::Unauthenticated.into(),
        StatusCode::FORBIDDEN => ErrorCode::Forbidden.into(),
        StatusCode::TOO_MANY_REQUESTS => EdgeCode::RateLimited.into(),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT => ErrorCode::ServiceUnavailable.into(),
        s if s.is_client_error() => EdgeCode::MalformedRequest.into(),
        _ => ErrorCode::InternalError.into(),
    }
}

/// The middleware.
///
/// # Errors
/// Never: inner errors become problem responses.
pub async fn problem_responses(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let response = next.call(req).await?.map_into_boxed_body();
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let is_problem = content_type.starts_with(PROBLEM_JSON);
    let own_json = content_type.starts_with("application/json") && !response.request().path().starts_with("/api/");
    if status.as_u16() < 400 || is_problem || own_json {
        return Ok(response);
    }
    let mut error = ApiError::new(code_of(status));
    if status == StatusCode::METHOD_NOT_ALLOWED {
        let allow = response.headers().get(header::ALLOW).and_then(|v| v.to_str().ok()).unwrap_or_default();
        error = ApiError::method_not_allowed(&[allow.to_owned()]);
    }
    let (request, _) = response.into_parts();
    Ok(ServiceResponse::new(request, error.error_response()))
}
