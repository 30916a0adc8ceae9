//! The bearer-token extractor: `Authorization: Bearer <access token>` → the domain's
//! [`Actor`], through `AccountService::authenticate` (signature, claims, revocation). Missing or
//! refused tokens are 401 `unauthenticated`; role checks stay in the domain's use cases.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, dev::Payload, web};
use domain::accounts::{AuthenticateError, VerifiedToken};
use domain::shared::{Actor, ErrorCode, OrganizationId, UserId};

use super::context::request_context;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// The request's access token as verified (signature and claims), once worked out (see
/// [`verified_token`]); `None` inside when the request has none or it fails a check.
#[derive(Debug, Clone)]
struct Verified(Option<VerifiedToken>);

/// The request's access token, its signature and claims checked (no revocation lookup):
/// worked out once per request and kept in its extensions, for the edge and then the
/// [`Authenticated`] extractor.
fn verified_token(req: &HttpRequest, state: &HttpState) -> Option<VerifiedToken> {
    if let Some(Verified(token)) = req.extensions().get::<Verified>() {
        return token.clone();
    }
    let token = bearer_token(req).and_then(|token| state.accounts.verify_access_token(&token));
    req.extensions_mut().insert(Verified(token.clone()));
    token
}

/// The user of the request's access token, checked by signature and claims only (no
/// revocation lookup): what the edge keys rate limits and idempotency scopes by, before the
/// handler authenticates in full.
pub fn token_subject(req: &HttpRequest, state: &HttpState) -> Option<UserId> {
    verified_token(req, state).map(|token| token.user_id())
}

/// The organization of the request's access token, checked by signature and claims only: what
/// the edge invalidates cached reads of after a write.
pub fn token_organization(req: &HttpRequest, state: &HttpState) -> Option<OrganizationId> {
    verified_token(req, state).map(|token| token.claims().organization_id)
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Actor);

/// The bearer token of the request, if it carries one.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim().to_owned())
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<HttpState>>().cloned();
        let token = state.as_ref().and_then(|state| verified_token(req, state));
        let sent = token.is_some() || bearer_token(req).is_some();
        let context = request_context(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
            let Some(token) = token else {
                if sent {
                    // Refused as `authenticate` refuses a token that fails a check.
                    return Err::<Self, _>(AuthenticateError::Unauthenticated).api();
                }
                let hint = "Send an access token: Authorization: Bearer <token>.";
                return Err(ApiError::new(ErrorCode::Unauthenticated).detail(hint));
            };
            let actor = state.accounts.authenticate_verified(&token, context).await.api()?;
            // The request's span (and so every later log line of the request) names the user.
            tracing::Span::current().record("user_id", tracing::field::display(actor.user_id));
            Ok(Self(actor))
        })
    }
}
