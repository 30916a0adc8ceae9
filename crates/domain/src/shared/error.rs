//! The error vocabulary shared by every use case: the business error codes of the public
//! contract (`api.md`) and `use_case_error!`, which declares one error enum per use case whose
//! variants are exactly the codes that use case can return. Field-level refusals are in
//! [`super::validation`].

use std::fmt;

use super::validation::ValidationErrors;
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
    /// The request conflicts with the current state (409).
    Conflict,
    /// A business rule refused a well-formed request (422).
    Unprocessable,
    /// The account is temporarily locked (423).
    Locked,
    /// A bug or an unexpected failure (500).
    Internal,
    /// A dependency is unavailable; retrying later may succeed (503).
    Unavailable,
}

macro_rules! error_codes {
    ($($variant:ident = $code:literal, $title:literal, $category:ident;)*) => {
        /// Every business error code of the public contract (`api.md`), with its title and
        /// category. The transport adds its own (the HTTP edge's: `edge::EdgeCode`).
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
    ValidationFailed = "validation_failed", "Validation failed", BadRequest;
    Unauthenticated = "unauthenticated", "Authentication required", Unauthenticated;
    InvalidCredentials = "invalid_credentials", "Invalid credentials", Unauthenticated;
    InvalidRefreshToken = "invalid_refresh_token", "Invalid refresh token", Unauthenticated;
    RefreshTokenReused = "refresh_token_reused", "Refresh token reused", Unauthenticated;
    InvalidToken = "invalid_token", "Invalid or expired token", Unauthenticated;
    Forbidden = "forbidden", "Forbidden", Forbidden;
    NotFound = "not_found", "Not found", NotFound;
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
    RescheduleLimitReached = "reschedule_limit_reached", "Reschedule limit reached", Conflict;
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
    RescheduleWindowPassed = "reschedule_window_passed", "Reschedule window passed", Unprocessable;
    InvalidRecurrence = "invalid_recurrence", "Invalid recurrence", Unprocessable;
    BookingNotStarted = "booking_not_started", "Booking not started", Unprocessable;
    AttendanceLocked = "attendance_locked", "Attendance locked", Unprocessable;
    AccountLocked = "account_locked", "Account locked", Locked;
    InternalError = "internal_error", "Internal error", Internal;
    ServiceUnavailable = "service_unavailable", "Service unavailable", Unavailable;
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Implemented by every use-case error enum: the code a transport reports, and whether the
/// whole use case may be run again because the store reported a transient conflict.
pub trait UseCaseError: std::error::Error + Send + Sync + 'static {
    /// The contract code of this error.
    fn code(&self) -> ErrorCode;
    /// Whether running the use case again may succeed (serialization failure, deadlock).
    fn is_transient(&self) -> bool;
    /// The refused fields of a `validation_failed`, for the transport to list.
    fn field_errors(&self) -> Option<&ValidationErrors>;
}

/// One arm of [`UseCaseError::field_errors`] per variant of a `use_case_error!` enum: only
/// `ValidationFailed(ValidationErrors)` has fields. (An `ident` fragment can be matched
/// literally by a second macro, which is how a variant is recognised by its name.)
macro_rules! field_errors_of {
    ($error:ident, ValidationFailed) => {
        if let Self::ValidationFailed(errors) = $error {
            return Some(errors);
        }
    };
    ($error:ident, $other:ident) => {};
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

            fn field_errors(&self) -> Option<&$crate::shared::validation::ValidationErrors> {
                $($crate::shared::error::field_errors_of!(self, $variant);)*
                None
            }
        }

        impl From<$crate::store::StoreError> for $name {
            fn from(e: $crate::store::StoreError) -> Self {
                Self::Unexpected(e.into())
            }
        }
    };
}
pub(crate) use {field_errors_of, use_case_error};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::validation::InvalidValue;

    use_case_error! {
        enum SampleError { NotFound, ValidationFailed(ValidationErrors), TaUnavailable }
    }

    #[test]
    fn a_code_shows_as_what_clients_match_on() {
        assert_eq!(ErrorCode::TaUnavailable.to_string(), "ta_unavailable");
        assert_eq!(format!("{}", ErrorCode::ValidationFailed), "validation_failed");
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
        assert_eq!(ErrorCode::ValidationFailed.category(), ErrorCategory::BadRequest);
        assert_eq!(ErrorCode::NotFound.category(), ErrorCategory::NotFound);
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
    fn a_validation_failure_keeps_its_fields_and_no_other_error_has_any() {
        let v = ValidationErrors::single("x", InvalidValue::new("bad"));
        assert_eq!(SampleError::ValidationFailed(v.clone()).field_errors(), Some(&v));
        assert_eq!(SampleError::NotFound.field_errors(), None);
        assert_eq!(SampleError::TaUnavailable.field_errors(), None);
        assert_eq!(SampleError::Unexpected(anyhow::anyhow!("x")).field_errors(), None);
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
}
