//! Extractors: the JSON body, the authenticated actor, the request context.

pub mod auth;
pub mod context;
pub mod json;

pub use auth::{Authenticated, bearer_token, token_organization, token_subject};
pub use context::Context;
pub use json::{JsonBody, OptionalJsonBody};
