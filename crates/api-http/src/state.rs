//! What every handler can reach: the use-case services, the edge's shared stores (rate
//! limits, idempotency keys, read cache) and its configuration.

use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::accounts::AccountService;
use domain::attendance::AttendanceService;
use domain::audit::AuditService;
use domain::availability::AvailabilityService;
use domain::booking::BookingService;
use domain::bundles::BundleService;
use domain::catalog::CatalogService;
use domain::group_sessions::GroupSessionService;
use domain::notifications::OutboxService;
use domain::reports::ReportService;
use domain::series::SeriesService;
use domain::store::Store;
use domain::tenancy::OrganizationService;
use domain::time_off::TimeOffService;
use edge::{Cache, IdempotencyStore, RateLimiter, RateQuota};

use crate::middleware::idempotency::IdempotencySecret;

/// Settings of the HTTP edge.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// How many proxies in front append to `X-Forwarded-For` (`TRUSTED_PROXY_HOPS`); 0: the
    /// client IP is the peer address.
    pub trusted_proxy_hops: usize,
    /// How long a request body may take to arrive (`REQUEST_BODY_TIMEOUT_SECONDS`): past it,
    /// 408 `request_timeout`.
    pub body_timeout: Duration,
    /// The service is published over HTTPS (`PUBLIC_BASE_URL` starts with `https://`): send HSTS.
    pub https: bool,
    /// Origins allowed to call the API from a browser (`CORS_ALLOWED_ORIGINS`).
    pub cors_origins: Vec<String>,
    /// The service's version, reported by `/health/ready`.
    pub version: String,
}

/// The services behind the API, shared by every worker thread.
#[derive(Clone)]
pub struct HttpState {
    /// Accounts, sessions, tokens.
    pub accounts: AccountService,
    /// The caller's organization.
    pub organizations: OrganizationService,
    /// Courses, TAs, products.
    pub catalog: CatalogService,
    /// TA availability and slot search.
    pub availability: AvailabilityService,
    /// Bundle purchases and their ledgers.
    pub bundles: BundleService,
    /// Individual bookings, booking reads, reschedules and cancellation.
    pub bookings: BookingService,
    /// Group-session templates, sessions, seats and waitlists.
    pub group_sessions: GroupSessionService,
    /// Recurring series of individual bookings.
    pub series: SeriesService,
    /// Attendance, its settlement, and the sessions still to mark.
    pub attendance: AttendanceService,
    /// TA time off and the reassignment of the sessions it touches.
    pub time_off: TimeOffService,
    /// The audit trail, listed for admins.
    pub audit: AuditService,
    /// Reports over sessions and TAs, for admins.
    pub reports: ReportService,
    /// The email outbox (queue depth for readiness).
    pub outbox: OutboxService,
    /// The database (round trips for readiness, pending migrations for startup).
    pub store: Arc<dyn Store>,
    /// Whether the schema is up to date, asked by `/health/startup`.
    pub schema: Arc<dyn SchemaStatus>,
    /// Rate limits, idempotency keys and the read cache.
    pub edge: Edge,
    /// The process's recorded metrics and the database pool's use, for `/metrics`.
    pub metrics: Arc<dyn MetricsSource>,
    /// Edge settings.
    pub config: HttpConfig,
    /// When the process started serving.
    pub started: Instant,
    /// Set when the process is shutting down: `/health/ready` answers 503 so that load
    /// balancers stop sending requests while the ones already sent are still served.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
}

/// Whether every migration is applied (implemented by the composition root, which knows the
/// migrator).
#[async_trait::async_trait]
pub trait SchemaStatus: Send + Sync {
    /// `Ok(true)` when no migration is pending.
    ///
    /// # Errors
    /// When the database cannot be asked.
    async fn up_to_date(&self) -> Result<bool, anyhow::Error>;
}

/// The edge's shared short-lived state, in Redis or in process (the composition root decides).
#[derive(Clone)]
pub struct Edge {
    /// Counts requests per user or client IP.
    pub limiter: Arc<dyn RateLimiter>,
    /// The limits it applies.
    pub limits: Limits,
    /// Where keyed requests run and their outcomes are recorded (the database).
    pub idempotency: Arc<dyn IdempotencyStore>,
    /// What keyed requests' scopes, fingerprints and recorded responses are derived under.
    pub idempotency_secret: IdempotencySecret,
    /// Holds serialized catalog reads.
    pub cache: Arc<dyn Cache>,
    /// How long a cached read lives at most.
    pub cache_ttl: Duration,
    /// Where that state lives, for `/health/ready`.
    pub health: Arc<dyn SharedStateHealth>,
}

/// The rate limits of `api.md`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Per user (per client IP when anonymous) on every other route of `/api/v1`.
    pub default: RateQuota,
    /// Per client IP on `/api/v1/auth/*` and `POST /api/v1/organizations`.
    pub auth: RateQuota,
}

impl Limits {
    /// `default` and `auth` requests per minute.
    pub fn per_minute(default: u32, auth: u32) -> Self {
        Self { default: RateQuota::per_minute("default", default), auth: RateQuota::per_minute("auth", auth) }
    }
}

/// Where the edge's shared state lives and whether it answers.
#[async_trait::async_trait]
pub trait SharedStateHealth: Send + Sync {
    /// `redis` or `in-process`.
    fn backend(&self) -> &'static str;

    /// One round trip, timed.
    ///
    /// # Errors
    /// When the store does not answer.
    async fn ping(&self) -> Result<Duration, anyhow::Error>;
}

/// The in-process stores: always there.
#[derive(Debug, Clone, Copy, Default)]
pub struct InProcess;

#[async_trait::async_trait]
impl SharedStateHealth for InProcess {
    fn backend(&self) -> &'static str {
        "in-process"
    }

    async fn ping(&self) -> Result<Duration, anyhow::Error> {
        Ok(Duration::ZERO)
    }
}

/// What `/metrics` reports besides the outbox: the metrics recorded in this process, and the
/// database pool (implemented by the composition root, which owns both).
pub trait MetricsSource: Send + Sync {
    /// The recorded metrics in the Prometheus text format.
    fn render(&self) -> String;

    /// The database pool's connections: `(open, idle, max)`.
    fn pool(&self) -> (u32, u32, u32);
}
