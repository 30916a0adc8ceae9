//! What every handler can reach: the use-case services and the edge's configuration.

use std::sync::Arc;
use std::time::Instant;

use domain::accounts::AccountService;
use domain::availability::AvailabilityService;
use domain::booking::BookingService;
use domain::bundles::BundleService;
use domain::catalog::CatalogService;
use domain::group_sessions::GroupSessionService;
use domain::notifications::OutboxService;
use domain::store::Store;
use domain::tenancy::OrganizationService;

/// Settings of the HTTP edge.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Use the proxy-reported client address (`TRUST_PROXY`).
    pub trust_proxy: bool,
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
    /// Individual bookings, booking reads and cancellation.
    pub bookings: BookingService,
    /// Group-session templates, sessions, seats and waitlists.
    pub group_sessions: GroupSessionService,
    /// The email outbox (queue depth for readiness).
    pub outbox: OutboxService,
    /// The database (round trips for readiness, pending migrations for startup).
    pub store: Arc<dyn Store>,
    /// Whether the schema is up to date, asked by `/health/startup`.
    pub schema: Arc<dyn SchemaStatus>,
    /// Edge settings.
    pub config: HttpConfig,
    /// When the process started serving.
    pub started: Instant,
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
