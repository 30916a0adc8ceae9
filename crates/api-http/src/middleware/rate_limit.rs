//! Rate limits of `api.md` on `/api/v1`: per client IP on `/auth/*` and organization sign-up
//! (the `auth` policy), per user elsewhere (per client IP when anonymous; the `default`
//! policy). One atomic check per request in the shared limiter; every limited response carries
//! the IETF `RateLimit-Policy` / `RateLimit` fields, and a refused one is 429 `rate_limited`
//! with `Retry-After`.
//!
//! The user comes from the access token's signature alone (no revocation lookup): a forged
//! token cannot borrow another user's budget, and a revoked one is refused by the handler. If
//! the limiter fails (its store is down and has no fallback), the request goes through
//! unlimited: the limits protect capacity, and refusing every request would be the outage
//! they exist to prevent.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};
use edge::EdgeCode;
use edge::{RateDecision, RateQuota};

use crate::extract::context::client_ip;
use crate::extract::token_subject;
use crate::middleware::observe::RATE_LIMITED;
use crate::problem::ApiError;
use crate::state::HttpState;

/// `RateLimit-Policy`.
pub static RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
/// `RateLimit`.
pub static RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// Whether the request falls under the `auth` policy.
fn is_auth_route(method: &Method, path: &str) -> bool {
    path.starts_with("/api/v1/auth/") || (method == Method::POST && path == "/api/v1/organizations")
}

/// The `RateLimit-Policy` value: `"default";q=600;w=60`.
pub fn policy_header(quota: RateQuota) -> String {
    format!("\"{}\";q={};w={}", quota.name, quota.limit, quota.window.as_secs())
}

/// The `RateLimit` value: `"default";r=12;t=3`.
pub fn limit_header(quota: RateQuota, decision: &RateDecision) -> String {
    format!("\"{}\";r={};t={}", quota.name, decision.remaining, decision.reset_seconds())
}

fn insert(headers: &mut header::HeaderMap, name: &HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name.clone(), value);
    }
}

/// The middleware.
///
/// # Errors
/// Those of the inner service.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<HttpState>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    if !req.path().starts_with("/api/v1/") {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let ip = client_ip(req.request()).map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    let (quota, key) = if is_auth_route(req.method(), req.path()) {
        (state.edge.limits.auth, format!("auth:ip:{ip}"))
    } else {
        let user = token_subject(req.request(), &state);
        let key = user.map_or_else(|| format!("default:ip:{ip}"), |user| format!("default:user:{user}"));
        (state.edge.limits.default, key)
    };
    let decision = match state.edge.limiter.check(&key, quota).await {
        Ok(decision) => decision,
        Err(error) => {
            tracing::warn!(error = %error, "rate limiter unavailable: request let through unlimited");
            return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
        }
    };
    let mut response = if decision.allowed {
        next.call(req).await?.map_into_boxed_body()
    } else {
        metrics::counter!(RATE_LIMITED, "policy" => quota.name).increment(1);
        let seconds = decision.reset_seconds();
        let error = ApiError::new(EdgeCode::RateLimited)
            .detail(format!("Too many requests; retry in {seconds} s."))
            .retry_after(seconds);
        debug_assert_eq!(error.status_code(), StatusCode::TOO_MANY_REQUESTS);
        req.into_response(error.error_response())
    };
    let headers = response.headers_mut();
    insert(headers, &RATELIMIT_POLICY, &policy_header(quota));
    insert(headers, &RATELIMIT, &limit_header(quota, &decision));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn auth_routes_are_the_auth_paths_and_organization_sign_up() {
        assert!(is_auth_route(&Method::POST, "/api/v1/auth/login"));
        assert!(is_auth_route(&Method::POST, "/api/v1/organizations"));
        assert!(!is_auth_route(&Method::GET, "/api/v1/organization"));
        assert!(!is_auth_route(&Method::GET, "/api/v1/organizations"));
        assert!(!is_auth_route(&Method::POST, "/api/v1/bookings"));
    }

    #[test]
    fn header_fields_follow_the_ietf_draft() {
        let quota = RateQuota::per_minute("default", 600);
        assert_eq!(policy_header(quota), "\"default\";q=600;w=60");
        let decision = RateDecision { allowed: true, remaining: 7, reset_after: Duration::from_millis(2_100) };
        assert_eq!(limit_header(quota, &decision), "\"default\";r=7;t=3");
    }
}
