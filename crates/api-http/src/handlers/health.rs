//! Health endpoints (outside `/api/v1`, no authentication): liveness, readiness with a real
//! database round trip and its latency, and startup (the schema is migrated).

use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::HttpState;

/// The status of one dependency.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// `ok` or `down`.
    pub status: &'static str,
    /// How long the check took, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    /// Which implementation answered (`in-process` for the embedded stores).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend: Option<&'static str>,
    /// Emails waiting to be sent (mail queue only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<u64>,
    /// Emails given up on (mail queue only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dead: Option<u64>,
}

/// The checks of `/health/ready`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Checks {
    /// The database.
    pub database: Check,
    /// The cache and shared stores.
    pub cache: Check,
    /// The email outbox.
    pub mail_queue: Check,
}

/// `/health/ready`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// `ok` when every check is, else `unavailable`.
    pub status: &'static str,
    /// Each dependency.
    pub checks: Checks,
    /// The service's version.
    pub version: String,
    /// Seconds since the process started serving.
    pub uptime_seconds: u64,
}

/// The process is running.
#[utoipa::path(tag = "health", responses((status = 200, description = "Running")))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// The service can serve: the database answers (timed).
#[utoipa::path(tag = "health", responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
#[get("/health/ready")]
pub async fn ready(state: web::Data<HttpState>) -> HttpResponse {
    let started = Instant::now();
    let db = state.store.ping().await;
    // Microsecond precision: more digits would be noise.
    let latency = (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0;
    let database = Check {
        status: if db.is_ok() { "ok" } else { "down" },
        latency_ms: Some(latency),
        backend: None,
        pending: None,
        dead: None,
    };
    let queue = state.outbox.counts().await;
    let mail_queue = match &queue {
        Ok(c) => Check { status: "ok", latency_ms: None, backend: None, pending: Some(c.pending), dead: Some(c.dead) },
        Err(_) => Check { status: "down", latency_ms: None, backend: None, pending: None, dead: None },
    };
    let cache = Check { status: "ok", latency_ms: None, backend: Some("in-process"), pending: None, dead: None };
    let healthy = db.is_ok() && queue.is_ok();
    let body = Readiness {
        status: if healthy { "ok" } else { "unavailable" },
        checks: Checks { database, cache, mail_queue },
        version: state.config.version.clone(),
        uptime_seconds: state.started.elapsed().as_secs(),
    };
    HttpResponse::build(if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }).json(body)
}

/// Configuration is valid and every migration is applied.
#[utoipa::path(tag = "health", responses((status = 200, description = "Started"), (status = 503, description = "Starting")))]
#[get("/health/startup")]
pub async fn startup(state: web::Data<HttpState>) -> HttpResponse {
    match state.schema.up_to_date().await {
        Ok(true) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Ok(false) => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "migrations pending" })),
        Err(_) => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "database unavailable" })),
    }
}
