//! Catalog reads through the shared read cache: the serialized response of a read, per
//! organization, role, path and query, under the catalog namespace's current generation (see
//! `edge::Cache`). Every catalog write advances the generation after it commits, so a
//! read after a write — on any instance — never sees the old value. `Cache-Status` (RFC 9211)
//! says whether the response came from the cache.
//!
//! A cache that fails is skipped: the read goes to the database.

use std::future::Future;
use std::time::Duration;

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use domain::shared::{Actor, ErrorCode};
use edge::{CacheLookup, CacheNamespace};
use serde::Serialize;

use crate::problem::ApiError;
use crate::state::HttpState;

/// The RFC 9211 response header.
pub static CACHE_STATUS: HeaderName = HeaderName::from_static("cache-status");

fn respond(body: Vec<u8>, status: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static("application/json")))
        .insert_header((CACHE_STATUS.clone(), HeaderValue::from_static(status)))
        .body(body)
}

/// 200 with the value `read` returns, or with the cached bytes of an earlier identical read
/// of the organization's catalog.
///
/// # Errors
/// Those of `read` (never cached), and a 500 if the value cannot be serialized.
pub async fn cached<T, F, Fut>(
    state: &HttpState,
    actor: &Actor,
    req: &HttpRequest,
    read: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let ttl = state.edge.cache_ttl;
    let namespace = CacheNamespace::catalog(actor.organization_id);
    cached_in(state, namespace, actor, req, || async move { read().await.map(|value| (value, ttl)) }).await
}

/// 200 with the value `read` returns, kept in `namespace` for as long as `read` says (at most
/// the configured time-to-live; zero keeps nothing), or with the cached bytes of an earlier
/// identical read.
///
/// # Errors
/// Those of `read` (never cached), and a 500 if the value cannot be serialized.
pub async fn cached_in<T, F, Fut>(
    state: &HttpState,
    namespace: CacheNamespace,
    actor: &Actor,
    req: &HttpRequest,
    read: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(T, Duration), ApiError>>,
{
    let key = format!("{}:{}?{}", actor.role, req.path(), req.query_string());
    let stored = key.clone();
    cached_under(state, namespace, &key, || async move { read().await.map(|(value, ttl)| (value, ttl, stored)) }).await
}

/// 200 with the cached bytes under `key` in `namespace`, or with the value `read` returns,
/// kept under the key `read` names for as long as it says (at most the configured
/// time-to-live). The two keys differ when the key depends on what the read learns: a slot
/// search is keyed by its query put on the organization's grid, which the read reads.
///
/// # Errors
/// Those of `read` (never cached), and a 500 if the value cannot be serialized.
pub async fn cached_under<T, F, Fut>(
    state: &HttpState,
    namespace: CacheNamespace,
    key: &str,
    read: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(T, Duration, String), ApiError>>,
{
    let cache = &state.edge.cache;
    // The generation is learned before the read: whatever a write changes after this point
    // advances it, and the value is then dropped rather than stored.
    let generation = match cache.get(namespace, key).await {
        Ok(CacheLookup::Hit(body)) => return Ok(respond(body, "engify; hit")),
        Ok(CacheLookup::Miss(generation)) => Some(generation),
        Err(error) => {
            tracing::debug!(error = %error, "read cache unavailable: reading the database");
            None
        }
    };
    let (value, keep_for, key) = read().await?;
    let body = serde_json::to_vec(&value)
        .map_err(|e| ApiError::unexpected(ErrorCode::InternalError, anyhow::Error::new(e).context("serializing")))?;
    let ttl = keep_for.min(state.edge.cache_ttl);
    if let Some(generation) = generation
        && !ttl.is_zero()
        && let Err(error) = cache.put(namespace, &key, generation, body.clone(), ttl).await
    {
        tracing::debug!(error = %error, "read cache unavailable: value not kept");
    }
    Ok(respond(body, "engify; fwd=miss; stored"))
}
