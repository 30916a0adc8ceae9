//! The error vocabulary shared by every use case: the error codes of the public contract
//! (`api.md`), field-level validation errors, and `use_case_error!`, which declares one error
//! enum per use case whose variants are exactly the codes that use case can return.

use std::borrow::Cow;
use std::fmt;

use crate::store::StoreError;

/// The kind of failure an [`ErrorCode`] belongs to. Transports map it to their own status
/// (the HTTP edge maps `Conflict` to 409, `Unprocessable` to 422, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCategory {
    /// The request could not be understood or failed validation (400).
    BadRequest,
    /// No valid credentials (401).
    Unauthenticated,
    /// The caller may not do this (403).
    Forbidden,
    /// The resource does not exist for the caller (404).
    NotFound,
    /// The client did not send its request in time (408).
    RequestTimeout,
    /// The request conflicts with the current state (409).
    Conflict,
    /// The body is larger than allowed (413).
    PayloadTooLarge,
    /// The body has a media type the operation does not accept (415).
    UnsupportedMediaType,
    /// A business rule refused a well-formed request (422).
    Unprocessable,
    /// The account is temporarily locked (423).
    Locked,
    /// The caller sent too many requests (429).
    TooManyRequests,
    /// A bug or an unexpected failure (500).
    Internal,
    /// A dependency is unavailable; retrying later may succeed (503).
    Unavailable,
}

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $title:literal, $category:ident;)*) => {
        /// Every error code of the public contract (`api.md`), with its title and category.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(
                #[doc = concat!("`", $code, "`: ", $title, ".")]
                $variant,
            )*
        }

        impl ErrorCode {
            /// Every code, in the order of the contract's table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The snake_case code clients match on, e.g. `ta_unavailable`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// A short human-readable summary, e.g. `TA unavailable`.
            pub const fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title,)* }
            }

            /// The kind of failure, which transports map to a status.
            pub const fn category(self) -> ErrorCategory {
                match self { $(ErrorCode::$variant => ErrorCategory::$category,)* }
            }
        }
    };
}

error_codes! {
    MalformedRequest = "malformed_request", "Malformed request", BadRequest;
    ValidationFailed = "validation_failed", "Validation failed", BadRequest;
    Unauthenticated = "unauthenticated", "Authentication required", Unauthenticated;
    InvalidCredentials = "invalid_credentials", "Invalid credentials", Unauthenticated;
    InvalidRefreshToken = "invalid_refresh_token", "Invalid refresh token", Unauthenticated;
    RefreshTokenReused = "refresh_token_reused", "Refresh token reused", Unauthenticated;
    InvalidToken = "invalid_token", "Invalid or expired token", Unauthenticated;
    Forbidden = "forbidden", "Forbidden", Forbidden;
    NotFound = "not_found", "Not found", NotFound;
    RequestTimeout = "request_timeout", "Request timeout", RequestTimeout;
    TaUnavailable = "ta_unavailable", "TA unavailable", Conflict;
    StudentUnavailable = "student_unavailable", "Student unavailable", Conflict;
    NoTaAvailable = "no_ta_available", "No TA available", Conflict;
    SessionFull = "session_full", "Session full", Conflict;
    AlreadyJoined = "already_joined", "Already joined", Conflict;
    AlreadyWaitlisted = "already_waitlisted", "Already waitlisted", Conflict;
    BundleExhausted = "bundle_exhausted", "Bundle exhausted", Conflict;
    BundleAlreadyActive = "bundle_already_active", "Bundle already active", Conflict;
    AlreadyCancelled = "already_cancelled", "Already cancelled", Conflict;
    EmailTaken = "email_taken", "Email taken", Conflict;
    SlugTaken = "slug_taken", "Slug taken", Conflict;
    CourseCodeTaken = "course_code_taken", "Course code taken", Conflict;
    SessionPriceExists = "session_price_exists", "Session price exists", Conflict;
    JobNotRetryable = "job_not_retryable", "Job not retryable", Conflict;
    IdempotencyKeyInProgress = "idempotency_key_in_progress", "Idempotency key in progress", Conflict;
    PayloadTooLarge = "payload_too_large", "Payload too large", PayloadTooLarge;
    UnsupportedMediaType = "unsupported_media_type", "Unsupported media type", UnsupportedMediaType;
    TaNotAssignedToCourse = "ta_not_assigned_to_course", "TA not assigned to course", Unprocessable;
    BundleCourseMismatch = "bundle_course_mismatch", "Bundle course mismatch", Unprocessable;
    BundleExpired = "bundle_expired", "Bundle expired", Unprocessable;
    NoSessionPrice = "no_session_price", "No session price", Unprocessable;
    NotAGroupSession = "not_a_group_session", "Not a group session", Unprocessable;
    BookingInPast = "booking_in_past", "Booking in past", Unprocessable;
    BookingTooSoon = "booking_too_soon", "Booking too soon", Unprocessable;
    BookingTooFarAhead = "booking_too_far_ahead", "Booking too far ahead", Unprocessable;
    OutsideTaAvailability = "outside_ta_availability", "Outside TA availability", Unprocessable;
    NotWaitlistable = "not_waitlistable", "Not waitlistable", Unprocessable;
    IdempotencyKeyReused = "idempotency_key_reused", "Idempotency key reused", Unprocessable;
    AccountLocked = "account_locked", "Account locked", Locked;
    RateLimited = "rate_limited", "Rate limited", TooManyRequests;
    InternalError = "internal_error", "Internal error", Internal;
    ServiceUnavailable = "service_unavailable", "Service unavailable", Unavailable;
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a single value was refused, without the name of the field it came from
/// (value objects do not know where they were read from; [`Validator`] adds the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub Cow<'static, str>);

impl InvalidValue {
    /// A refusal with a fixed message.
    pub const fn new(message: &'static str) -> Self {
        Self(Cow::Borrowed(message))
    }

    /// A refusal with a computed message.
    pub fn owned(message: String) -> Self {
        Self(Cow::Owned(message))
    }
}

/// One refused field: its path in the request (`admin.email`, `weekly[2].end`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field in the request, in the request's own (camelCase) names.
    pub field: String,
    /// Why the value was refused, for a human.
    pub message: Cow<'static, str>,
}

/// A non-empty list of refused fields: the payload of `validation_failed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    /// One refused field.
    pub fn single(field: impl Into<String>, error: InvalidValue) -> Self {
        Self(vec![FieldError { field: field.into(), message: error.0 }])
    }

    /// The refused fields, in the order they were checked.
    pub fn fields(&self) -> &[FieldError] {
        &self.0
    }

    /// Whether `field` is among the refused fields.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Collects the field errors of a whole request, so that a client learns every problem at once.
///
/// ```
/// use domain::shared::error::Validator;
/// use domain::tenancy::Slug;
///
/// let mut v = Validator::default();
/// let slug = v.field("slug", Slug::parse("No Spaces Allowed"));
/// assert!(slug.is_none());
/// let errors = v.into_errors();
/// assert_eq!(errors.fields()[0].field, "slug");
/// ```
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// Records the refusal of `field`, if any, and passes an accepted value through.
    pub fn field<T>(&mut self, field: impl Into<String>, result: Result<T, InvalidValue>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.errors.push(FieldError { field: field.into(), message: e.0 });
                None
            }
        }
    }

    /// Like [`Validator::field`] for an optional input: `None` stays `Some(None)`.
    pub fn optional<T>(
        &mut self,
        field: impl Into<String>,
        result: Option<Result<T, InvalidValue>>,
    ) -> Option<Option<T>> {
        match result {
            None => Some(None),
            Some(r) => self.field(field, r).map(Some),
        }
    }

    /// Records a refusal found by a check that is not a parse (e.g. a cross-field rule).
    pub fn refuse(&mut self, field: impl Into<String>, error: InvalidValue) {
        self.errors.push(FieldError { field: field.into(), message: error.0 });
    }

    /// Merges errors collected for a nested object, prefixing their paths with `prefix.`.
    pub fn nested(&mut self, prefix: &str, errors: ValidationErrors) {
        self.errors.extend(
            errors.0.into_iter().map(|e| FieldError { field: format!("{prefix}.{}", e.field), message: e.message }),
        );
    }

    /// Whether nothing has been refused so far.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(())` when nothing was refused, else every refusal.
    ///
    /// # Errors
    /// The collected field errors, when there is at least one.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() { Ok(()) } else { Err(ValidationErrors(self.errors)) }
    }

    /// The collected errors. Call it only after a [`Validator::field`] returned `None`: the list
    /// is then non-empty.
    pub fn into_errors(self) -> ValidationErrors {
        debug_assert!(!self.errors.is_empty(), "into_errors called without a refusal");
        ValidationErrors(self.errors)
    }
}

/// Implemented by every use-case error enum: the code a transport reports, and whether the
/// whole use case may be run again because the store reported a transient conflict.
pub trait UseCaseError: std::error::Error + Send + Sync + 'static {
    /// The contract code of this error.
    fn code(&self) -> ErrorCode;
    /// Whether running the use case again may succeed (serialization failure, deadlock).
    fn is_transient(&self) -> bool;
}

/// Classifies an unexpected error: an unreachable store is `service_unavailable` (503),
/// anything else `internal_error` (500).
pub fn unexpected_code(error: &anyhow::Error) -> ErrorCode {
    match error.downcast_ref::<StoreError>() {
        Some(StoreError::Unavailable(_)) => ErrorCode::ServiceUnavailable,
        _ => ErrorCode::InternalError,
    }
}

/// Whether an unexpected error is a transient store conflict worth retrying the use case for.
pub fn unexpected_is_transient(error: &anyhow::Error) -> bool {
    matches!(error.downcast_ref::<StoreError>(), Some(StoreError::Transient(_)))
}

/// Declares the error enum of one use case. Each listed variant is named after an
/// [`ErrorCode`] variant (and may carry data); `Unexpected(anyhow::Error)` is always added, as
/// are `From<StoreError>`, [`UseCaseError`], and a `CODES` list for API documentation.
macro_rules! use_case_error {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($variant:ident $(($payload:ty))?),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, thiserror::Error)]
        $vis enum $name {
            $(
                #[doc = concat!("See [`ErrorCode::", stringify!($variant), "`](crate::shared::error::ErrorCode::", stringify!($variant), ").")]
                #[error("{}", $crate::shared::error::ErrorCode::$variant.title())]
                $variant $(($payload))?,
            )*
            /// A failure outside the business rules (store down, bug): `internal_error` or
            /// `service_unavailable`.
            #[error(transparent)]
            Unexpected(#[from] anyhow::Error),
        }

        #[allow(dead_code, reason = "only read by the transports' documentation")]
        impl $name {
            /// Every code this use case can return, for documentation.
            pub const CODES: &'static [$crate::shared::error::ErrorCode] = &[
                $($crate::shared::error::ErrorCode::$variant,)*
                $crate::shared::error::ErrorCode::InternalError,
                $crate::shared::error::ErrorCode::ServiceUnavailable,
            ];
        }

        impl $crate::shared::error::UseCaseError for $name {
            fn code(&self) -> $crate::shared::error::ErrorCode {
                match self {
                    $(Self::$variant { .. } => $crate::shared::error::ErrorCode::$variant,)*
                    Self::Unexpected(e) => $crate::shared::error::unexpected_code(e),
                }
            }

            fn is_transient(&self) -> bool {
                #[allow(unreachable_patterns, reason = "enums without business variants have only `Unexpected`")]
                match self {
                    Self::Unexpected(e) => $crate::shared::error::unexpected_is_transient(e),
                    _ => false,
                }
            }
        }

        impl From<$crate::store::StoreError> for $name {
            fn from(e: $crate::store::StoreError) -> Self {
                Self::Unexpected(e.into())
            }
        }
    };
}
pub(crate) use use_case_error;

#[cfg(test)]
mod tests {
    use super::*;

    use_case_error! {
        enum SampleError { NotFound, ValidationFailed(ValidationErrors), TaUnavailable }
    }

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert!(code.as_str().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }

    #[test]
    fn categories_follow_the_contract_table() {
        assert_eq!(ErrorCode::TaUnavailable.category(), ErrorCategory::Conflict);
        assert_eq!(ErrorCode::BookingTooSoon.category(), ErrorCategory::Unprocessable);
        assert_eq!(ErrorCode::AccountLocked.category(), ErrorCategory::Locked);
        assert_eq!(ErrorCode::InvalidToken.category(), ErrorCategory::Unauthenticated);
        assert_eq!(ErrorCode::IdempotencyKeyReused.category(), ErrorCategory::Unprocessable);
        assert_eq!(ErrorCode::ValidationFailed.category(), ErrorCategory::BadRequest);
        assert_eq!(ErrorCode::RequestTimeout.category(), ErrorCategory::RequestTimeout);
    }

    #[test]
    fn use_case_error_maps_variants_to_codes() {
        assert_eq!(SampleError::NotFound.code(), ErrorCode::NotFound);
        let v = ValidationErrors::single("x", InvalidValue::new("bad"));
        assert_eq!(SampleError::ValidationFailed(v).code(), ErrorCode::ValidationFailed);
        assert_eq!(SampleError::TaUnavailable.to_string(), "TA unavailable");
        assert!(SampleError::CODES.contains(&ErrorCode::TaUnavailable));
        assert!(SampleError::CODES.contains(&ErrorCode::InternalError));
    }

    #[test]
    fn store_errors_classify_as_unavailable_or_transient() {
        let down: SampleError = StoreError::Unavailable(anyhow::anyhow!("refused")).into();
        assert_eq!(down.code(), ErrorCode::ServiceUnavailable);
        assert!(!down.is_transient());
        let retry: SampleError = StoreError::Transient(anyhow::anyhow!("40001")).into();
        assert_eq!(retry.code(), ErrorCode::InternalError);
        assert!(retry.is_transient());
    }

    #[test]
    fn validator_collects_every_refusal_with_its_path() {
        let mut v = Validator::default();
        assert_eq!(v.field("a", Ok::<_, InvalidValue>(1)), Some(1));
        assert_eq!(v.field::<u8>("b", Err(InvalidValue::new("too long"))), None);
        assert_eq!(v.optional::<u8>("c", None), Some(None));
        v.nested("admin", ValidationErrors::single("email", InvalidValue::new("not an email")));
        let errors = v.finish().unwrap_err();
        assert_eq!(errors.fields().len(), 2);
        assert!(errors.has("b"));
        assert!(errors.has("admin.email"));
        assert_eq!(errors.to_string(), "b: too long; admin.email: not an email");
    }
}
