//! The composition root: builds every adapter and service from the settings, by hand, and
//! serves them over HTTP. Tests build it on port 0 and stop it with their own shutdown future.

use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use actix_web::HttpServer;
use actix_web::dev::Server;
use adapters_postgres::{DbConfig, SeaStore, SqlIdempotencyStore};
use adapters_security::{Argon2Hasher, JwtSigner, RandomTokens};
use adapters_smtp::{FileMailer, Mailbox, SmtpConfig, SmtpMailer};
use anyhow::Context as _;
use api_http::middleware::idempotency::IdempotencySecret;
use chrono::TimeDelta;
use domain::accounts::{AccountService, AuthConfig, LockoutPolicy, SecurityPorts};
use domain::availability::AvailabilityService;
use domain::booking::BookingService;
use domain::bundles::BundleService;
use domain::catalog::CatalogService;
use domain::core::Core;
use domain::group_sessions::GroupSessionService;
use domain::notifications::{Mailer, OutboxService, RetryPolicy};
use domain::shared::{Clock, SystemClock, UuidV7Generator};
use domain::store::Store;
use domain::tenancy::OrganizationService;
use sea_orm::DatabaseConnection;

use crate::housekeeping::Housekeeping;
use crate::migrate::MigrationStatus;
use crate::revocation_sync::RevocationSync;
use crate::settings::Settings;
use crate::settlement_jobs::{self, SettlementJobs};
use crate::shared_stores::SharedStores;
use crate::worker::{IDLE_POLL, Worker, WorkerConfig};
use crate::{embedded, migrate, shared_stores};

/// The issuer and audience of Engify's access tokens.
pub const TOKEN_ISSUER: &str = "engify";
/// See [`TOKEN_ISSUER`].
pub const TOKEN_AUDIENCE: &str = "engify-api";

/// The services, built once.
pub struct Services {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The store over it.
    pub store: Arc<dyn Store>,
    /// Accounts.
    pub accounts: AccountService,
    /// The email outbox.
    pub outbox: OutboxService,
    /// The ports every service shares.
    pub core: Core,
    /// Rate limits, the read cache, the login throttle and session revocation.
    pub shared: SharedStores,
    /// Keyed requests' units and outcomes.
    pub idempotency: Arc<SqlIdempotencyStore>,
    /// The secret keyed requests' digests and sealed responses derive from.
    pub idempotency_secret: IdempotencySecret,
    /// The clock.
    pub clock: Arc<dyn Clock>,
}

/// Connects, migrates and wires every service.
///
/// # Errors
/// When the database cannot be reached or migrated, or a key cannot be loaded.
pub async fn services(settings: &Settings) -> anyhow::Result<Services> {
    embedded::prepare(settings)?;
    migrate::up(&settings.database_url).await?;
    let mut config = DbConfig::new(&settings.database_url);
    config.max_connections = settings.database_max_connections;
    let db = adapters_postgres::connect(&config).await.context("connecting to the database")?;
    let sea_store = Arc::new(SeaStore::new(db.clone()));
    let store: Arc<dyn Store> = sea_store.clone();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let shared = shared_stores::build(settings, &clock, &sea_store)?;
    let core = Core::new(store.clone(), clock.clone(), Arc::new(UuidV7Generator))
        .with_metrics(Arc::new(crate::metrics::PrometheusBusinessMetrics));

    let secret = embedded::jwt_secret(settings)?;
    let security = SecurityPorts {
        hasher: Arc::new(Argon2Hasher::new().context("preparing the password hasher")?),
        signer: Arc::new(JwtSigner::new(secret.expose().as_bytes(), TOKEN_ISSUER, TOKEN_AUDIENCE)?),
        secrets: Arc::new(RandomTokens),
        revocations: shared.revocations.clone(),
        throttle: shared.throttle.clone(),
    };
    let auth = AuthConfig {
        access_ttl: TimeDelta::seconds(i64::from(settings.access_token_ttl_seconds)),
        refresh_ttl: TimeDelta::days(i64::from(settings.refresh_token_ttl_days)),
        lockout: LockoutPolicy {
            max_consecutive: settings.login_max_failures,
            duration: TimeDelta::minutes(i64::from(settings.login_lockout_minutes)),
            ..LockoutPolicy::default()
        },
    };
    let accounts = AccountService::new(core.clone(), security, auth);
    let idempotency_secret = IdempotencySecret::derive(secret.expose().as_bytes());

    let mailer = mailer(settings)?;
    let policy = RetryPolicy {
        max_attempts: settings.mail_max_attempts,
        base: TimeDelta::seconds(i64::from(settings.mail_retry_base_seconds)),
        ..RetryPolicy::default()
    };
    let outbox = OutboxService::new(store.clone(), mailer, clock.clone(), policy);
    let idempotency = Arc::new(SqlIdempotencyStore::new(db.clone()));
    Ok(Services { db, store, accounts, outbox, core, shared, idempotency, idempotency_secret, clock })
}

/// The mailer the settings ask for: SMTP with `SMTP_URL`, else `.eml` files under
/// `data/outbox`. Neither connects here: a mail server that is down delays emails, it does not
/// stop the service.
fn mailer(settings: &Settings) -> anyhow::Result<Arc<dyn Mailer>> {
    let from: Mailbox = settings.mail_from.parse().with_context(|| format!("MAIL_FROM `{}`", settings.mail_from))?;
    let Some(url) = &settings.smtp_url else {
        return Ok(Arc::new(FileMailer::new(settings.data_dir.join("outbox"), from, settings.public_base_url.clone())));
    };
    let mut config = SmtpConfig::new(url.clone(), from, settings.public_base_url.clone());
    config.timeout = Duration::from_secs(u64::from(settings.smtp_timeout_seconds));
    let mailer = SmtpMailer::new(config).map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?;
    Ok(Arc::new(mailer))
}

/// The email worker's settings, polling every `poll` when idle.
fn worker_config(settings: &Settings, poll: Duration) -> WorkerConfig {
    WorkerConfig {
        concurrency: settings.worker_concurrency,
        send_timeout: Duration::from_secs(u64::from(settings.smtp_timeout_seconds)),
        poll,
    }
}

/// The settlement jobs (bundle expiry, attendance digests), run every `every`.
fn settlement_jobs_for(services: &Services, every: Duration) -> SettlementJobs {
    SettlementJobs::spawn(
        BundleService::new(services.core.clone()),
        domain::attendance::AttendanceService::new(services.core.clone()),
        every,
    )
}

/// A built, bound, not yet running service.
pub struct Application {
    port: u16,
    server: Server,
    worker: Option<Worker>,
    _housekeeping: Option<Housekeeping>,
    _settlement: Option<SettlementJobs>,
    _revocation_sync: Option<RevocationSync>,
    db: DatabaseConnection,
    draining: Arc<AtomicBool>,
    drain: Duration,
}

impl Application {
    /// Builds everything and binds the listener (`APP_PORT=0` picks a free port).
    ///
    /// # Errors
    /// When the services cannot be built or the address cannot be bound.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with(settings, IDLE_POLL).await
    }

    /// [`Application::build`] with another idle poll for the email worker (tests poll faster).
    ///
    /// # Errors
    /// As [`Application::build`].
    pub async fn build_with(settings: Settings, worker_poll: Duration) -> anyhow::Result<Self> {
        let draining = Arc::new(AtomicBool::new(false));
        let services = services(&settings).await?;
        let revocation_sync = match &services.shared.revocation_copy {
            Some(copy) => Some(
                RevocationSync::start(services.accounts.clone(), copy.clone(), services.clock.clone())
                    .await
                    .context("loading recently revoked sessions")?,
            ),
            None => None,
        };
        let state = api_http::state::HttpState {
            accounts: services.accounts.clone(),
            organizations: OrganizationService::new(services.store.clone()),
            catalog: CatalogService::new(services.core.clone()),
            availability: AvailabilityService::new(services.core.clone()),
            bundles: BundleService::new(services.core.clone()),
            bookings: BookingService::new(services.core.clone()),
            group_sessions: GroupSessionService::new(services.core.clone()),
            series: domain::series::SeriesService::new(services.core.clone()),
            attendance: domain::attendance::AttendanceService::new(services.core.clone()),
            time_off: domain::time_off::TimeOffService::new(services.core.clone()),
            audit: domain::audit::AuditService::new(services.store.clone()),
            reports: domain::reports::ReportService::new(services.core.clone()),
            outbox: services.outbox.clone(),
            store: services.store.clone(),
            schema: Arc::new(MigrationStatus { db: services.db.clone() }),
            metrics: Arc::new(crate::metrics::AppMetrics::new(services.db.clone(), settings.database_max_connections)),
            edge: api_http::state::Edge {
                limiter: services.shared.limiter.clone(),
                limits: api_http::state::Limits::per_minute(
                    settings.rate_limit_per_minute,
                    settings.auth_rate_limit_per_minute,
                ),
                idempotency: services.idempotency.clone(),
                idempotency_secret: services.idempotency_secret.clone(),
                cache: services.shared.cache.clone(),
                cache_ttl: Duration::from_secs(u64::from(settings.cache_ttl_seconds)),
                health: services.shared.health.clone(),
            },
            config: api_http::state::HttpConfig {
                trusted_proxy_hops: settings.trusted_proxy_hops as usize,
                body_timeout: Duration::from_secs(u64::from(settings.request_body_timeout_seconds)),
                https: settings.public_base_url.starts_with("https://"),
                cors_origins: settings.cors_allowed_origins.clone(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
            started: Instant::now(),
            draining: draining.clone(),
        };
        let listener = TcpListener::bind((settings.host, settings.port))
            .with_context(|| format!("binding {}:{}", settings.host, settings.port))?;
        let port = listener.local_addr()?.port();
        let shared = api_http::Shared::new()?;
        let server = HttpServer::new(move || api_http::app(state.clone(), shared.clone()))
            .listen(listener)?
            .shutdown_timeout(settings.shutdown_grace_seconds)
            .disable_signals()
            .run();
        let worker = settings.worker_enabled.then(|| {
            Worker::spawn(services.outbox.clone(), services.accounts.clone(), worker_config(&settings, worker_poll))
        });
        let housekeeping =
            settings.worker_enabled.then(|| Housekeeping::spawn(services.idempotency.clone(), services.clock.clone()));
        // A worker polling faster than in production (tests) runs the settlement jobs faster too,
        // though not so often that their queries crowd the tests' own out of a small pool.
        let settlement_every = if worker_poll < IDLE_POLL { worker_poll * 20 } else { settlement_jobs::EVERY };
        let settlement = settings.worker_enabled.then(|| settlement_jobs_for(&services, settlement_every));
        tracing::info!(
            address = %format!("{}:{port}", settings.host),
            database = %crate::settings::redact_url(&settings.database_url),
            shared_state = %settings.redis_url.as_deref().map_or_else(|| "in-process".to_owned(), crate::settings::redact_url),
            "serving"
        );
        let drain = Duration::from_secs(u64::from(settings.shutdown_drain_seconds));
        Ok(Self {
            port,
            server,
            worker,
            _housekeeping: housekeeping,
            _settlement: settlement,
            _revocation_sync: revocation_sync,
            db: services.db,
            draining,
            drain,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until `shutdown` completes, then stops accepting, lets in-flight requests finish
    /// (up to the grace period), lets the worker finish the emails in hand, closes the pool.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let server = tokio::spawn(self.server);
        tokio::pin!(shutdown);
        let mut server = server;
        tokio::select! {
            () = &mut shutdown => {
                // Readiness fails first, and requests keep being served for the drain time, so
                // that a load balancer stops sending before the listener closes.
                self.draining.store(true, Ordering::Relaxed);
                if !self.drain.is_zero() {
                    tracing::info!(seconds = self.drain.as_secs(), "shutting down: not ready, still serving");
                    tokio::select! {
                        () = tokio::time::sleep(self.drain) => {}
                        result = &mut server => { result??; }
                    }
                }
                tracing::info!("shutting down: draining requests");
                handle.stop(true).await;
                server.await??;
            }
            result = &mut server => result??,
        }
        if let Some(worker) = self.worker {
            worker.stop().await;
        }
        self.db.close().await?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Completes on SIGTERM or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// `app worker`: the email worker alone, until a signal.
///
/// # Errors
/// When the services cannot be built.
pub async fn run_worker(settings: Settings) -> anyhow::Result<()> {
    let services = services(&settings).await?;
    let worker = Worker::spawn(services.outbox.clone(), services.accounts.clone(), worker_config(&settings, IDLE_POLL));
    let housekeeping = Housekeeping::spawn(services.idempotency.clone(), services.clock.clone());
    let settlement = settlement_jobs_for(&services, settlement_jobs::EVERY);
    tracing::info!("worker running");
    shutdown_signal().await;
    drop(settlement);
    drop(housekeeping);
    worker.stop().await;
    services.db.close().await?;
    Ok(())
}
