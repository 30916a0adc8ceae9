//! [`Code`]: every code the API answers with — a use case's business code
//! (`domain::shared::ErrorCode`) or the edge's own (`edge::EdgeCode`) — with the HTTP status
//! and `type` URI each is answered with.

use std::fmt;

use actix_web::http::StatusCode;
use domain::shared::{ErrorCategory, ErrorCode};
use edge::EdgeCode;

/// A code of the public contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// Returned by a use case.
    Domain(ErrorCode),
    /// Returned by the edge around a use case.
    Edge(EdgeCode),
}

impl Code {
    /// Every code, the domain's then the edge's.
    pub fn all() -> impl Iterator<Item = Self> {
        ErrorCode::ALL.iter().copied().map(Self::Domain).chain(EdgeCode::ALL.iter().copied().map(Self::Edge))
    }

    /// The snake_case code clients match on.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Domain(code) => code.as_str(),
            Self::Edge(code) => code.as_str(),
        }
    }

    /// A short human-readable summary.
    pub const fn title(self) -> &'static str {
        match self {
            Self::Domain(code) => code.title(),
            Self::Edge(code) => code.title(),
        }
    }

    /// The HTTP status: a business code's category's, or the edge code's own.
    pub fn status(self) -> StatusCode {
        match self {
            Self::Domain(code) => match code.category() {
                ErrorCategory::BadRequest => StatusCode::BAD_REQUEST,
                ErrorCategory::Unauthenticated => StatusCode::UNAUTHORIZED,
                ErrorCategory::Forbidden => StatusCode::FORBIDDEN,
                ErrorCategory::NotFound => StatusCode::NOT_FOUND,
                ErrorCategory::Conflict => StatusCode::CONFLICT,
                ErrorCategory::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCategory::Locked => StatusCode::LOCKED,
                ErrorCategory::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCategory::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            },
            Self::Edge(code) => StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST),
        }
    }

    /// The `type` URI: `/problems/` and the code with dashes.
    pub fn type_uri(self) -> String {
        format!("/problems/{}", self.as_str().replace('_', "-"))
    }
}

impl From<ErrorCode> for Code {
    fn from(code: ErrorCode) -> Self {
        Self::Domain(code)
    }
}

impl From<EdgeCode> for Code {
    fn from(code: EdgeCode) -> Self {
        Self::Edge(code)
    }
}

impl PartialEq<ErrorCode> for Code {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == Self::Domain(*other)
    }
}

impl PartialEq<EdgeCode> for Code {
    fn eq(&self, other: &EdgeCode) -> bool {
        *self == Self::Edge(*other)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_statuses_follow_the_contract() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::all() {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!(code.status().is_client_error() || code.status().is_server_error(), "{code}");
        }
        assert_eq!(Code::from(ErrorCode::TaUnavailable).status(), StatusCode::CONFLICT);
        assert_eq!(Code::from(ErrorCode::AccountLocked).status(), StatusCode::LOCKED);
        assert_eq!(Code::from(EdgeCode::MethodNotAllowed).status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(Code::from(EdgeCode::RateLimited).status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(Code::from(EdgeCode::IdempotencyKeyReused).type_uri(), "/problems/idempotency-key-reused");
    }
}
