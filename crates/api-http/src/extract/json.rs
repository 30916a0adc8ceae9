//! The JSON body extractor of every endpoint that takes a body: `Content-Type` must be JSON
//! (else 415 `unsupported_media_type`), the body at most 64 KiB (else 413
//! `payload_too_large`) and there in time (else 408 `request_timeout`), parsable JSON of the
//! right types (else 400 `malformed_request`), without unknown or missing fields and passing the
//! DTO's garde rules (else 400 `validation_failed` naming each field). Unknown fields are
//! refused so that clients cannot set fields they do not own.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web::BytesMut};
use domain::shared::{FieldError, InvalidValue, ValidationErrors};
use edge::EdgeCode;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::dto::objects::Object;
use crate::middleware::timeout::is_late_body;
use crate::problem::ApiError;

/// The largest body accepted, in bytes.
pub const MAX_BODY: usize = 64 * 1024;

/// A JSON request body, parsed and shape-checked.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Reads a body of at most [`MAX_BODY`] bytes (413 past it; 408 when it does not arrive within
/// the body timeout, see [`crate::middleware::timeout`]).
pub(crate) async fn read_limited(payload: &mut Payload, declared: Option<usize>) -> Result<BytesMut, ApiError> {
    let too_large =
        || ApiError::new(EdgeCode::PayloadTooLarge).detail(format!("The body is larger than {MAX_BODY} bytes."));
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            if is_late_body(&e) {
                ApiError::new(EdgeCode::RequestTimeout).detail("The body did not arrive in time; send it at once.")
            } else {
                ApiError::new(EdgeCode::MalformedRequest).detail(format!("The body could not be read: {e}."))
            }
        })?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Classifies a deserialization failure: unknown and missing fields are validation failures
/// (the JSON is fine, the shape is not), anything else is a malformed request.
fn parse_error(err: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = err.path().to_string();
    let inner = err.inner();
    let message = inner.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    if inner.is_data() && (message.starts_with("unknown field") || message.starts_with("missing field")) {
        let (field, why) = if let Some(rest) = message.strip_prefix("missing field `") {
            let name = rest.split('`').next().unwrap_or_default();
            let field = if path == "." || path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
            (field, "is required")
        } else {
            (path, "is not a known field")
        };
        return ApiError::validation(&fields(field, why));
    }
    let detail = if inner.is_data() && path != "." {
        format!("The body is not valid for this operation at `{path}`: {message}.")
    } else {
        format!("The body is not valid JSON: {message}.")
    };
    ApiError::new(EdgeCode::MalformedRequest).detail(detail)
}

fn fields(field: String, why: &'static str) -> ValidationErrors {
    let mut v = domain::shared::Validator::default();
    v.refuse(field, InvalidValue::new(why));
    v.finish().err().unwrap_or_else(|| ValidationErrors::single("body", InvalidValue::new(why)))
}

/// A garde path (Rust field names, `refresh_token` or `admin.password`) as the body names it
/// (every body is `camelCase`: `refreshToken`).
fn camel_case(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        match c {
            '_' if out.chars().last().is_some_and(char::is_alphanumeric) => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// garde's report as field errors, named as in the body.
pub fn garde_errors(report: &garde::Report) -> ValidationErrors {
    let mut v = domain::shared::Validator::default();
    for (path, error) in report.iter() {
        let field = camel_case(&path.to_string());
        v.refuse(
            if field.is_empty() { "body".to_owned() } else { field },
            InvalidValue::owned(error.message().to_owned()),
        );
    }
    v.finish().err().unwrap_or_else(|| ValidationErrors::single("body", InvalidValue::new("is invalid")))
}

impl<T> FromRequest for JsonBody<T>
where
    T: DeserializeOwned + garde::Validate + 'static,
    T::Context: Default,
{
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::new(EdgeCode::UnsupportedMediaType).detail("Send the body as application/json."));
            }
            let body = read_limited(&mut payload, declared).await?;
            let mut deserializer = serde_json::Deserializer::from_slice(&body);
            // `Object`: a JSON object only (a derived struct would also read an array of its fields).
            let Object(value): Object<T> =
                serde_path_to_error::deserialize(&mut deserializer).map_err(|e| parse_error(&e))?;
            deserializer.end().map_err(|e| {
                ApiError::new(EdgeCode::MalformedRequest).detail(format!("The body is not valid JSON: {e}."))
            })?;
            value
                .validate_with(&T::Context::default())
                .map_err(|report| ApiError::validation(&garde_errors(&report)))?;
            Ok(Self(value))
        })
    }
}

/// A JSON body whose every field is optional, so that the body itself may be left out: a
/// request with no `Content-Type` and no content reads as `T::default()` (e.g. `POST
/// /bookings/{id}/cancel` without a reason). Anything sent is checked like [`JsonBody`].
#[derive(Debug)]
pub struct OptionalJsonBody<T>(pub T);

impl<T> FromRequest for OptionalJsonBody<T>
where
    T: DeserializeOwned + garde::Validate + Default + 'static,
    T::Context: Default,
{
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let declared_empty =
            headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_none_or(|v| v.trim() == "0");
        let chunked = headers.contains_key(header::TRANSFER_ENCODING);
        if !headers.contains_key(header::CONTENT_TYPE) && declared_empty && !chunked {
            return Box::pin(async { Ok(Self(T::default())) });
        }
        let inner = JsonBody::<T>::from_request(req, payload);
        Box::pin(async move { inner.await.map(|JsonBody(value)| Self(value)) })
    }
}

/// Turns collected domain field errors into the field error type, for DTO conversions.
pub fn field_error(field: &str, error: InvalidValue) -> FieldError {
    FieldError { field: field.to_owned(), message: error.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garde_paths_are_named_as_in_the_body() {
        assert_eq!(camel_case("refresh_token"), "refreshToken");
        assert_eq!(camel_case("admin.password"), "admin.password");
        assert_eq!(camel_case("overrides[0].intervals[1].start"), "overrides[0].intervals[1].start");
        assert_eq!(camel_case("bundle_purchase_id"), "bundlePurchaseId");
        assert_eq!(camel_case(""), "");
    }
}
