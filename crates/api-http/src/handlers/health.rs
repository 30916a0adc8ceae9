//! Health endpoints (outside `/api/v1`, no authentication): liveness, readiness with real
//! database and shared-state (Redis) round trips and their latencies, and startup (the schema
//! is migrated).
//!
//! Each check waits at most [`CHECK_TIMEOUT`] for its dependency, and readiness runs its checks
//! at once: a database that stops answering makes `/health/ready` answer 503 with the check
//! `down` after about a second, within any probe's timeout, rather than after the connection
//! pool's own wait (5 s) for each check in turn.

use std::future::Future;
use std::time::{Duration, Instant};

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
    /// Which implementation answered (`redis`, or `in-process` for the embedded stores).
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
    /// The shared state: read cache, rate limits, idempotency keys, session revocation.
    pub cache: Check,
    /// The email outbox.
    pub mail_queue: Check,
}

/// `/health/ready`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// `ok` when every check is; `degraded` (still 200) when only the shared state is down —
    /// the service keeps answering without it; `unavailable` (503) when the database or the
    /// mail queue is; `draining` (503) once the process is shutting down.
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

/// The longest one check waits for its dependency before reporting it `down`.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(1);

/// `check`, given up on after [`CHECK_TIMEOUT`].
async fn bounded<T, E>(check: impl Future<Output = Result<T, E>>) -> Result<T, ()> {
    tokio::time::timeout(CHECK_TIMEOUT, check).await.map_err(|_| ())?.map_err(|_| ())
}

/// Milliseconds with microsecond precision: more digits would be noise.
fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// The service can serve: the database answers (timed), and how the shared state (Redis) and
/// the mail queue are doing.
#[utoipa::path(tag = "health", responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
#[get("/health/ready")]
pub async fn ready(state: web::Data<HttpState>) -> HttpResponse {
    let started = Instant::now();
    let shared = &state.edge.health;
    let timed_db = async {
        let db = bounded(state.store.ping()).await;
        (db, started.elapsed())
    };
    let ((db, db_latency), queue, shared_ping) =
        tokio::join!(timed_db, bounded(state.outbox.counts()), bounded(shared.ping()));
    let latency = millis(db_latency);
    let database = Check {
        status: if db.is_ok() { "ok" } else { "down" },
        latency_ms: Some(latency),
        backend: None,
        pending: None,
        dead: None,
    };
    let mail_queue = match &queue {
        Ok(c) => Check { status: "ok", latency_ms: None, backend: None, pending: Some(c.pending), dead: Some(c.dead) },
        Err(_) => Check { status: "down", latency_ms: None, backend: None, pending: None, dead: None },
    };
    let cache = match shared_ping {
        Ok(latency) => Check {
            status: "ok",
            latency_ms: Some(millis(latency)),
            backend: Some(shared.backend()),
            pending: None,
            dead: None,
        },
        Err(_) => {
            Check { status: "down", latency_ms: None, backend: Some(shared.backend()), pending: None, dead: None }
        }
    };
    let healthy = db.is_ok() && queue.is_ok();
    let draining = state.draining.load(std::sync::atomic::Ordering::Relaxed);
    // Without Redis the service still answers (see docs/redis.md): ready, but degraded.
    let status = match (healthy, cache.status) {
        _ if draining => "draining",
        (false, _) => "unavailable",
        (true, "ok") => "ok",
        (true, _) => "degraded",
    };
    let body = Readiness {
        status,
        checks: Checks { database, cache, mail_queue },
        version: state.config.version.clone(),
        uptime_seconds: state.started.elapsed().as_secs(),
    };
    let ready = healthy && !draining;
    HttpResponse::build(if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }).json(body)
}

/// Configuration is valid and every migration is applied.
#[utoipa::path(tag = "health", responses((status = 200, description = "Started"), (status = 503, description = "Starting")))]
#[get("/health/startup")]
pub async fn startup(state: web::Data<HttpState>) -> HttpResponse {
    match bounded(state.schema.up_to_date()).await {
        Ok(true) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Ok(false) => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "migrations pending" })),
        Err(_) => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "database unavailable" })),
    }
}
