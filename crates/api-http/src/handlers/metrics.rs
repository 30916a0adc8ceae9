//! `GET /metrics` (outside `/api/v1`, no authentication): Prometheus text exposition — the
//! email outbox's depth (read from the database at scrape time: every instance reports the same
//! shared queue), this instance's database pool, and what the process recorded (requests by
//! method, route and status with their latency, rate-limit refusals, login failures and locks,
//! bookings created and cancelled; see `middleware::observe`).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, get, web};
use std::fmt::Write as _;

use crate::state::HttpState;

/// The Prometheus text format's media type.
pub const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Metrics in the Prometheus text format.
#[utoipa::path(tag = "health", responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<HttpState>) -> HttpResponse {
    let mut body = String::new();
    match state.outbox.counts().await {
        Ok(counts) => {
            gauge(
                &mut body,
                "engify_outbox_pending",
                "Emails waiting to be sent (pending or retrying).",
                counts.pending,
            );
            gauge(&mut body, "engify_outbox_dead", "Emails given up on, waiting for an admin.", counts.dead);
            gauge(&mut body, "engify_outbox_up", "Whether the outbox could be read (1) or not (0).", 1);
        }
        Err(error) => {
            tracing::warn!(error = %error, "metrics: the outbox could not be read");
            gauge(&mut body, "engify_outbox_up", "Whether the outbox could be read (1) or not (0).", 0);
        }
    }
    let (open, idle, max) = state.metrics.pool();
    let _ = writeln!(
        body,
        "# HELP engify_db_pool_connections Database connections of this instance, by state.\n\
         # TYPE engify_db_pool_connections gauge\n\
         engify_db_pool_connections{{state=\"in_use\"}} {}\n\
         engify_db_pool_connections{{state=\"idle\"}} {idle}",
        open.saturating_sub(idle)
    );
    gauge(&mut body, "engify_db_pool_max", "The database pool's size limit.", u64::from(max));
    body.push_str(&state.metrics.render());
    HttpResponse::Ok().insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROMETHEUS_TEXT))).body(body)
}

fn gauge(out: &mut String, name: &str, help: &str, value: u64) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
}
