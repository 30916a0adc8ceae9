//! The bearer-token extractor: `Authorization: Bearer <access token>` → the domain's
//! [`Actor`], through `AccountService::authenticate` (signature, claims, revocation). Missing or
//! refused tokens are 401 `unauthenticated`; role checks stay in the domain's use cases.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, dev::Payload, web};
use domain::shared::{Actor, ErrorCode, UserId};

use super::context::request_context;
use crate::problem::{ApiError, UseCaseResultExt};
use crate::state::HttpState;

/// The user a request's access token was signed for, once worked out (see [`token_subject`]).
#[derive(Debug, Clone, Copy)]
struct Subject(Option<UserId>);

/// The user of the request's access token, checked by signature and claims only (no
/// revocation lookup): what the edge keys rate limits and idempotency scopes by, before the
/// handler authenticates in full. Worked out once per request and kept in its extensions.
pub fn token_subject(req: &HttpRequest, state: &HttpState) -> Option<UserId> {
    if let Some(Subject(user)) = req.extensions().get::<Subject>() {
        return *user;
    }
    let user = bearer_token(req).and_then(|token| state.accounts.token_subject(&token));
    req.extensions_mut().insert(Subject(user));
    user
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
        let token = bearer_token(req);
        let context = request_context(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
            let token = token.ok_or_else(|| {
                ApiError::new(ErrorCode::Unauthenticated).detail("Send an access token: Authorization: Bearer <token>.")
            })?;
            let actor = state.accounts.authenticate(&token, context).await.api()?;
            // The request's span (and so every later log line of the request) names the user.
            tracing::Span::current().record("user_id", tracing::field::display(actor.user_id));
            Ok(Self(actor))
        })
    }
}
