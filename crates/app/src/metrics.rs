//! The process's metrics: a Prometheus recorder installed once per process (the `metrics`
//! facade has one global recorder; several applications in one test process share it), with
//! latency histogram buckets for requests, and the database pool's use for `/metrics`.

use std::sync::OnceLock;

use api_http::middleware::observe::DURATION;
use api_http::state::MetricsSource;
use domain::shared::{BusinessEvent, BusinessMetrics};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{DatabaseConnection, DatabaseConnectionType};

/// Request latency buckets, in seconds: 1 ms to 10 s.
const BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The recorder's handle, installing the recorder on first use.
pub fn handle() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new();
            let builder = match builder.set_buckets_for_metric(Matcher::Full(DURATION.to_owned()), &BUCKETS) {
                Ok(builder) => builder,
                Err(error) => {
                    tracing::warn!(error = %error, "latency buckets refused; latencies are summaries");
                    PrometheusBuilder::new()
                }
            };
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics shows only the scrape-time gauges");
            }
            handle
        })
        .clone()
}

/// Logins refused for their credentials (wrong password, unknown email or academy).
pub const LOGIN_FAILURES: &str = "engify_login_failures_total";
/// Logins refused because the email is locked.
pub const LOGIN_LOCKED: &str = "engify_login_locked_total";
/// Bookings and seats created, by kind (`individual`, `group_seat`).
pub const BOOKINGS_CREATED: &str = "engify_bookings_created_total";
/// Bookings cancelled and seats left, by kind (`booking`, `group_seat`).
pub const BOOKINGS_CANCELLED: &str = "engify_bookings_cancelled_total";

/// Bookings moved in place (reschedules and reassignments for time off).
pub const BOOKINGS_RESCHEDULED: &str = "engify_bookings_rescheduled_total";

/// The use cases' business events as Prometheus counters (on the process's recorder).
#[derive(Debug, Clone, Copy, Default)]
pub struct PrometheusBusinessMetrics;

impl BusinessMetrics for PrometheusBusinessMetrics {
    fn record(&self, event: BusinessEvent) {
        match event {
            BusinessEvent::LoginFailed => metrics::counter!(LOGIN_FAILURES).increment(1),
            BusinessEvent::LoginLocked => metrics::counter!(LOGIN_LOCKED).increment(1),
            BusinessEvent::BookingCreated => metrics::counter!(BOOKINGS_CREATED, "kind" => "individual").increment(1),
            BusinessEvent::SeatTaken => metrics::counter!(BOOKINGS_CREATED, "kind" => "group_seat").increment(1),
            BusinessEvent::BookingCancelled => {
                metrics::counter!(BOOKINGS_CANCELLED, "kind" => "booking").increment(1);
            }
            BusinessEvent::BookingRescheduled => metrics::counter!(BOOKINGS_RESCHEDULED).increment(1),
            BusinessEvent::SeatLeft => metrics::counter!(BOOKINGS_CANCELLED, "kind" => "group_seat").increment(1),
        }
    }
}

/// `/metrics`' view of this process.
pub struct AppMetrics {
    handle: PrometheusHandle,
    db: DatabaseConnection,
    max_connections: u32,
}

impl AppMetrics {
    /// Over the process's recorder and this database pool.
    pub fn new(db: DatabaseConnection, max_connections: u32) -> Self {
        Self { handle: handle(), db, max_connections }
    }
}

impl MetricsSource for AppMetrics {
    fn render(&self) -> String {
        self.handle.run_upkeep();
        self.handle.render()
    }

    fn pool(&self) -> (u32, u32, u32) {
        let (open, idle) = match &self.db.inner {
            DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => (0, 0),
        };
        (open, u32::try_from(idle).unwrap_or(u32::MAX), self.max_connections)
    }
}
