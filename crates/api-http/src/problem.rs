//! RFC 9457 problem details: the one error type of the HTTP edge. Every error response —
//! use-case errors, refused requests, actix's own 404/405/413/415 — is
//! `application/problem+json` with `type`, `title`, `status`, `detail`, `code`, `requestId`
//! and, for `validation_failed`, the refused fields. A 500 never reveals internals: the cause
//! is logged with its whole chain, the client gets a generic detail. A 503 always says when to
//! retry (`Retry-After`); a 408 closes the connection.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use domain::shared::{ErrorCode, FieldError, UseCaseError, ValidationErrors};
use edge::EdgeCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::code::Code;
use crate::middleware::request_id::current_request_id;

/// The media type of every error.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The `Retry-After` of a 503 that does not set its own: a lost dependency (the database) is
/// not back in less, and the pool gives up on a connection after about as long.
pub const UNAVAILABLE_RETRY_AFTER_SECONDS: u64 = 5;

/// One refused field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// Path of the field in the request body or query (`admin.email`, `weekly[2].end`).
    pub field: String,
    /// Why it was refused.
    pub message: String,
}

/// An error response (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A relative URI naming the problem, e.g. `/problems/ta-unavailable`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for a human.
    pub detail: String,
    /// The stable machine-readable code, e.g. `ta_unavailable`.
    pub code: String,
    /// The request's id (also in `X-Request-Id`).
    pub request_id: String,
    /// The refused fields (only for `validation_failed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
}

/// An error on its way to becoming a problem+json response.
#[derive(Debug)]
pub struct ApiError {
    code: Code,
    detail: Option<String>,
    fields: Option<Vec<FieldError>>,
    retry_after: Option<u64>,
    allow: Option<String>,
    cause: Option<anyhow::Error>,
}

impl ApiError {
    /// An error with the code's default detail.
    pub fn new(code: impl Into<Code>) -> Self {
        Self { code: code.into(), detail: None, fields: None, retry_after: None, allow: None, cause: None }
    }

    /// The same error with a detail for the client.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// `validation_failed` with the refused fields.
    pub fn validation(errors: &ValidationErrors) -> Self {
        let mut e = Self::new(ErrorCode::ValidationFailed).detail("The request has invalid fields.");
        e.fields = Some(errors.fields().to_vec());
        e
    }

    /// The same error with a `Retry-After` header (seconds).
    #[must_use]
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// A 405 naming the methods the path allows (its `Allow` header).
    pub fn method_not_allowed(allow: &[String]) -> Self {
        let mut e = Self::new(EdgeCode::MethodNotAllowed);
        e.allow = Some(allow.join(", "));
        e
    }

    /// An unexpected failure: logged in full, reported as `internal_error` (or
    /// `service_unavailable` when a dependency is down) without details.
    pub fn unexpected(code: ErrorCode, cause: anyhow::Error) -> Self {
        let mut e = Self::new(code);
        e.cause = Some(cause);
        e
    }

    /// The error code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The response body.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: self.code.type_uri(),
            title: self.code.title().to_owned(),
            status: self.code.status().as_u16(),
            detail: self.detail.clone().unwrap_or_else(|| default_detail(self.code, self.allow.as_deref())),
            code: self.code.as_str().to_owned(),
            request_id: current_request_id(),
            errors: self.fields.as_ref().map(|fields| {
                fields.iter().map(|f| ProblemField { field: f.field.clone(), message: f.message.to_string() }).collect()
            }),
        }
    }
}

fn default_detail(code: Code, allow: Option<&str>) -> String {
    match (code, allow) {
        (_, Some(allow)) => format!("This path does not accept this method; allowed: {allow}."),
        (Code::Domain(ErrorCode::InternalError), _) => "An unexpected error occurred; it has been logged.".to_owned(),
        (Code::Domain(ErrorCode::ServiceUnavailable), _) => {
            "A dependency is unavailable; try again shortly.".to_owned()
        }
        (other, None) => format!("{}.", other.title()),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(cause) = &self.cause {
            write!(f, ": {cause:#}")?;
        }
        Ok(())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(cause) = &self.cause {
            tracing::error!(code = %self.code, error = ?cause, "request failed: {cause:#}");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        let retry_after = self
            .retry_after
            .or_else(|| (self.code == ErrorCode::ServiceUnavailable).then_some(UNAVAILABLE_RETRY_AFTER_SECONDS));
        if let Some(seconds) = retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if self.code == EdgeCode::RequestTimeout {
            // The rest of the body may still be on its way: the connection cannot be reused.
            response.force_close();
        }
        if let Some(allow) = &self.allow {
            response.insert_header((header::ALLOW, allow.clone()));
        }
        response.body(serde_json::to_vec(&self.problem()).unwrap_or_default())
    }
}

/// Any use-case error becomes the problem of its code, a validation failure with its refused
/// fields; unexpected errors keep their cause for the log.
pub fn from_use_case<E: UseCaseError>(error: E) -> ApiError {
    if let Some(fields) = error.field_errors() {
        return ApiError::validation(fields);
    }
    let code = error.code();
    match code {
        ErrorCode::InternalError | ErrorCode::ServiceUnavailable => {
            ApiError::unexpected(code, anyhow::Error::new(error))
        }
        _ => ApiError::new(code).detail(format!("{error}.")),
    }
}

/// `?` on a use case's result in a handler.
pub trait UseCaseResultExt<T> {
    /// Converts the use-case error into an [`ApiError`].
    fn api(self) -> Result<T, ApiError>;
}

impl<T, E: UseCaseError> UseCaseResultExt<T> for Result<T, E> {
    fn api(self) -> Result<T, ApiError> {
        self.map_err(from_use_case)
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        Self::validation(&errors)
    }
}

/// Errors that may say how long the client must wait (`account_locked`): the wait becomes
/// the `Retry-After` header.
pub trait Locked {
    /// Seconds until the lock ends, if this is a lock.
    fn locked_for(&self) -> Option<u64>;
}

macro_rules! locked_errors {
    ($($error:ty),*) => {$(
        impl Locked for $error {
            fn locked_for(&self) -> Option<u64> {
                match self {
                    Self::AccountLocked(wait) => Some(wait.seconds),
                    _ => None,
                }
            }
        }
    )*};
}

locked_errors!(
    domain::accounts::LoginError,
    domain::accounts::ResendVerificationError,
    domain::accounts::PasswordResetRequestError
);

/// `?` on the result of a use case that can lock, keeping the wait.
pub trait LockedResultExt<T> {
    /// Converts the error, with `Retry-After` for a lock.
    fn api_locked(self) -> Result<T, ApiError>;
}

impl<T, E: UseCaseError + Locked> LockedResultExt<T> for Result<T, E> {
    fn api_locked(self) -> Result<T, ApiError> {
        self.map_err(|e| {
            let wait = e.locked_for();
            let error = from_use_case(e);
            match wait {
                Some(seconds) => error.retry_after(seconds),
                None => error,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use domain::booking::BookIndividualError;

    use super::*;

    fn header(response: &HttpResponse, name: header::HeaderName) -> Option<&str> {
        response.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[test]
    fn every_503_says_when_to_retry_and_a_408_closes_the_connection() {
        let unavailable = ApiError::new(ErrorCode::ServiceUnavailable).error_response();
        assert_eq!(header(&unavailable, header::RETRY_AFTER), Some("5"));
        let own = ApiError::new(ErrorCode::ServiceUnavailable).retry_after(1).error_response();
        assert_eq!(header(&own, header::RETRY_AFTER), Some("1"));
        let other = ApiError::new(ErrorCode::InternalError).error_response();
        assert_eq!(header(&other, header::RETRY_AFTER), None);
        let late = ApiError::new(EdgeCode::RequestTimeout).error_response();
        assert_eq!(late.status(), StatusCode::REQUEST_TIMEOUT);
        assert!(!late.head().keep_alive(), "408 closes the connection");
    }

    #[test]
    fn a_405_is_its_own_problem_with_allow() {
        let error = ApiError::method_not_allowed(&["GET".to_owned(), "POST".to_owned()]);
        let problem = error.problem();
        assert_eq!((problem.status, problem.code.as_str()), (405, "method_not_allowed"));
        assert_eq!(problem.kind, "/problems/method-not-allowed");
        let response = error.error_response();
        assert_eq!(header(&response, header::ALLOW), Some("GET, POST"));
        assert_eq!(header(&response, header::RETRY_AFTER), None);
    }

    #[test]
    fn a_use_case_validation_failure_keeps_its_fields() {
        let fields = ValidationErrors::single("startsAt", domain::shared::InvalidValue::new("is not on the grid"));
        let problem = from_use_case(BookIndividualError::ValidationFailed(fields)).problem();
        assert_eq!((problem.status, problem.code.as_str()), (400, "validation_failed"));
        let listed = problem.errors.expect("fields listed");
        assert_eq!((listed[0].field.as_str(), listed[0].message.as_str()), ("startsAt", "is not on the grid"));
        assert!(from_use_case(BookIndividualError::TaUnavailable).problem().errors.is_none());
    }
}
