//! Typed settings from the environment (and `.env`), exactly the variables and defaults of
//! `operations.md`, validated once before anything binds: an invalid value stops the process
//! with one line naming the variable. Secrets never appear in `Debug` output.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;

use adapters_redis::redis::ClientDesign;
use domain::shared::Secret;

/// A refused variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// The variable.
    pub variable: &'static str,
    /// Why its value is refused.
    pub message: String,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration: {}: {}", self.variable, self.message)
    }
}

impl std::error::Error for SettingsError {}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object a line.
    Json,
    /// Readable lines for a terminal.
    Pretty,
}

/// Everything the service is configured with.
#[derive(Clone)]
pub struct Settings {
    /// Listen address (`APP_HOST`).
    pub host: IpAddr,
    /// Listen port (`APP_PORT`; 0 picks a free one).
    pub port: u16,
    /// `postgres://…` or `sqlite://…` (`DATABASE_URL`).
    pub database_url: String,
    /// Pool size (`DATABASE_MAX_CONNECTIONS`).
    pub database_max_connections: u32,
    /// Redis for the cache, rate limits, the lockout and revocations' instant copy
    /// (`REDIS_URL`); `None`: in-process stores.
    pub redis_url: Option<String>,
    /// How the app talks to Redis (`REDIS_CLIENT`: `tracked`, the default, or `plain`, the
    /// simplest design, kept to measure the default against).
    pub redis_client: ClientDesign,
    /// Prefix of every Redis key (`REDIS_KEY_PREFIX`), so that deployments can share a Redis.
    pub redis_key_prefix: String,
    /// Bound on every Redis call (`REDIS_TIMEOUT_MS`).
    pub redis_timeout_ms: u64,
    /// How long a cached catalog read lives at most (`CACHE_TTL_SECONDS`).
    pub cache_ttl_seconds: u32,
    /// Requests per minute per user, or per IP when anonymous (`RATE_LIMIT_PER_MINUTE`).
    pub rate_limit_per_minute: u32,
    /// Requests per minute per IP on `/auth/*` and organization sign-up
    /// (`AUTH_RATE_LIMIT_PER_MINUTE`).
    pub auth_rate_limit_per_minute: u32,
    /// Where the embedded mode keeps its files: SQLite database, JWT secret, email files.
    pub data_dir: PathBuf,
    /// The JWT signing key (`JWT_SECRET`); `None` in embedded mode, which keeps one in `data_dir`.
    pub jwt_secret: Option<Secret>,
    /// Access-token lifetime (`ACCESS_TOKEN_TTL_SECONDS`).
    pub access_token_ttl_seconds: u32,
    /// Refresh-token lifetime (`REFRESH_TOKEN_TTL_DAYS`).
    pub refresh_token_ttl_days: u32,
    /// Consecutive failed logins before a lock (`LOGIN_MAX_FAILURES`).
    pub login_max_failures: u32,
    /// Length of a lock (`LOGIN_LOCKOUT_MINUTES`).
    pub login_lockout_minutes: u32,
    /// How many proxies in front append to `X-Forwarded-For` (`TRUSTED_PROXY_HOPS`): the
    /// client IP is the entry that many places from the right; 0: the peer address.
    pub trusted_proxy_hops: u32,
    /// How long a request's body may take to arrive, from its head
    /// (`REQUEST_BODY_TIMEOUT_SECONDS`); past it the client gets 408.
    pub request_body_timeout_seconds: u32,
    /// Browser origins allowed to call the API (`CORS_ALLOWED_ORIGINS`).
    pub cors_allowed_origins: Vec<String>,
    /// Base of links in emails (`PUBLIC_BASE_URL`).
    pub public_base_url: String,
    /// Sender of emails (`MAIL_FROM`).
    pub mail_from: String,
    /// The SMTP server (`SMTP_URL`); `None`: the file mailer writes `.eml` files under
    /// `data_dir/outbox`.
    pub smtp_url: Option<String>,
    /// Bound on one SMTP delivery, connection included (`SMTP_TIMEOUT_SECONDS`).
    pub smtp_timeout_seconds: u32,
    /// Wait before the first retry of a failed email; doubles on each attempt up to an hour
    /// (`MAIL_RETRY_BASE_SECONDS`).
    pub mail_retry_base_seconds: u32,
    /// Run the outbox worker in `serve` (`WORKER_ENABLED`).
    pub worker_enabled: bool,
    /// Emails sent at a time (`WORKER_CONCURRENCY`).
    pub worker_concurrency: u32,
    /// Attempts before an email is dead (`MAIL_MAX_ATTEMPTS`).
    pub mail_max_attempts: u32,
    /// Log format (`LOG_FORMAT`; default: pretty on a terminal, else JSON).
    pub log_format: Option<LogFormat>,
    /// Where traces are exported over OTLP/HTTP (`OTEL_EXPORTER_OTLP_ENDPOINT`, the collector's
    /// base URL); `None`: no export.
    pub otlp_endpoint: Option<String>,
    /// Drain time on shutdown (`SHUTDOWN_GRACE_SECONDS`).
    pub shutdown_grace_seconds: u64,
    /// On a shutdown signal, how long to keep serving while `/health/ready` answers 503, before
    /// the listener closes (`SHUTDOWN_DRAIN_SECONDS`): time for a load balancer to notice. 0
    /// where the platform does it (a Kubernetes `preStop`).
    pub shutdown_drain_seconds: u32,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database_url", &redact_url(&self.database_url))
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("public_base_url", &self.public_base_url)
            .finish_non_exhaustive()
    }
}

/// A URL with its password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match url[scheme + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// The embedded default database.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/engify.db?mode=rwc";

struct Vars<'a>(&'a HashMap<String, String>);

impl Vars<'_> {
    fn raw(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    fn parse<T>(&self, name: &'static str, default: T, range: std::ops::RangeInclusive<T>) -> Result<T, SettingsError>
    where
        T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
    {
        let Some(raw) = self.raw(name) else { return Ok(default) };
        let refuse = || SettingsError {
            variable: name,
            message: format!("`{raw}` is not a whole number between {} and {}", range.start(), range.end()),
        };
        let value: T = raw.parse().map_err(|_| refuse())?;
        if range.contains(&value) { Ok(value) } else { Err(refuse()) }
    }

    fn flag(&self, name: &'static str, default: bool) -> Result<bool, SettingsError> {
        match self.raw(name).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(default),
            Some("true" | "1" | "yes") => Ok(true),
            Some("false" | "0" | "no") => Ok(false),
            Some(other) => Err(SettingsError { variable: name, message: format!("`{other}` is not true or false") }),
        }
    }
}

fn is_http_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

impl Settings {
    /// Reads and checks every variable; unset ones take their defaults.
    ///
    /// # Errors
    /// The first refused variable.
    pub fn from_env(vars: &HashMap<String, String>) -> Result<Self, SettingsError> {
        let v = Vars(vars);
        let err = |variable, message: String| SettingsError { variable, message };
        // Ignoring it would silently change how the clients behind a proxy are told apart.
        if vars.contains_key("TRUST_PROXY") {
            let hint = "is no longer read: remove it and set TRUSTED_PROXY_HOPS, the number of proxies in front \
                        that append to X-Forwarded-For (1 for TRUST_PROXY=true behind one proxy)";
            return Err(err("TRUST_PROXY", hint.to_owned()));
        }
        let host = v.raw("APP_HOST").unwrap_or("127.0.0.1");
        let host: IpAddr = host.parse().map_err(|_| err("APP_HOST", format!("`{host}` is not an IP address")))?;
        let database_url = v.raw("DATABASE_URL").unwrap_or(DEFAULT_DATABASE_URL).to_owned();
        let postgres = database_url.starts_with("postgres://") || database_url.starts_with("postgresql://");
        if !postgres && !database_url.starts_with("sqlite:") {
            return Err(err("DATABASE_URL", "must start with postgres:// or sqlite:".to_owned()));
        }
        let redis_url = v.raw("REDIS_URL").map(str::to_owned);
        if let Some(url) = &redis_url
            && !url.starts_with("redis://")
        {
            return Err(err("REDIS_URL", format!("`{}` must start with redis://", redact_url(url))));
        }
        let redis_key_prefix = v.raw("REDIS_KEY_PREFIX").unwrap_or("engify:").to_owned();
        if redis_key_prefix.len() > 64 || redis_key_prefix.chars().any(|c| c.is_whitespace() || "{}".contains(c)) {
            return Err(err("REDIS_KEY_PREFIX", "must be at most 64 characters, without spaces or braces".to_owned()));
        }
        let redis_client = match v.raw("REDIS_CLIENT").unwrap_or("tracked") {
            "tracked" => ClientDesign::Tracked,
            "plain" => ClientDesign::Plain,
            other => return Err(err("REDIS_CLIENT", format!("`{other}` must be `tracked` or `plain`"))),
        };
        let jwt_secret = v.raw("JWT_SECRET").map(Secret::new);
        match &jwt_secret {
            Some(s) if s.expose().len() < 32 => return Err(err("JWT_SECRET", "must be at least 32 bytes".to_owned())),
            None if postgres => {
                return Err(err(
                    "JWT_SECRET",
                    "is required with a PostgreSQL DATABASE_URL (at least 32 bytes)".to_owned(),
                ));
            }
            _ => {}
        }
        let public_base_url =
            v.raw("PUBLIC_BASE_URL").unwrap_or("http://127.0.0.1:8080").trim_end_matches('/').to_owned();
        if !is_http_url(&public_base_url) {
            return Err(err("PUBLIC_BASE_URL", format!("`{public_base_url}` is not an http(s) URL")));
        }
        let cors_allowed_origins: Vec<String> = v
            .raw("CORS_ALLOWED_ORIGINS")
            .map(|list| {
                list.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect()
            })
            .unwrap_or_default();
        if let Some(bad) = cors_allowed_origins.iter().find(|o| !is_http_url(o) || o.matches('/').count() > 2) {
            return Err(err("CORS_ALLOWED_ORIGINS", format!("`{bad}` is not an origin like https://app.example.com")));
        }
        let mail_from = v.raw("MAIL_FROM").unwrap_or("Engify <no-reply@localhost>").to_owned();
        if !mail_from.contains('@') {
            return Err(err(
                "MAIL_FROM",
                format!("`{mail_from}` is not an address like Engify <no-reply@example.com>"),
            ));
        }
        let otlp_endpoint = v.raw("OTEL_EXPORTER_OTLP_ENDPOINT").map(|e| e.trim_end_matches('/').to_owned());
        if let Some(endpoint) = &otlp_endpoint
            && !is_http_url(endpoint)
        {
            return Err(err("OTEL_EXPORTER_OTLP_ENDPOINT", format!("`{endpoint}` is not an http(s) URL")));
        }
        let smtp_url = v.raw("SMTP_URL").map(str::to_owned);
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(err("SMTP_URL", format!("`{}` must start with smtp:// or smtps://", redact_url(url))));
        }
        let log_format = match v.raw("LOG_FORMAT").map(str::to_ascii_lowercase).as_deref() {
            None => None,
            Some("json") => Some(LogFormat::Json),
            Some("pretty") => Some(LogFormat::Pretty),
            Some(other) => return Err(err("LOG_FORMAT", format!("`{other}` is not json or pretty"))),
        };
        Ok(Self {
            host,
            port: v.parse("APP_PORT", 8080, 0..=65_535)?,
            database_url,
            database_max_connections: v.parse("DATABASE_MAX_CONNECTIONS", 20, 1..=1_000)?,
            redis_url,
            redis_client,
            redis_key_prefix,
            redis_timeout_ms: v.parse("REDIS_TIMEOUT_MS", 500, 10..=60_000)?,
            cache_ttl_seconds: v.parse("CACHE_TTL_SECONDS", 60, 1..=86_400)?,
            rate_limit_per_minute: v.parse("RATE_LIMIT_PER_MINUTE", 600, 1..=1_000_000)?,
            auth_rate_limit_per_minute: v.parse("AUTH_RATE_LIMIT_PER_MINUTE", 20, 1..=1_000_000)?,
            data_dir: PathBuf::from("data"),
            jwt_secret,
            access_token_ttl_seconds: v.parse("ACCESS_TOKEN_TTL_SECONDS", 900, 60..=86_400)?,
            refresh_token_ttl_days: v.parse("REFRESH_TOKEN_TTL_DAYS", 30, 1..=365)?,
            login_max_failures: v.parse("LOGIN_MAX_FAILURES", 5, 1..=100)?,
            login_lockout_minutes: v.parse("LOGIN_LOCKOUT_MINUTES", 15, 1..=1_440)?,
            trusted_proxy_hops: v.parse("TRUSTED_PROXY_HOPS", 0, 0..=10)?,
            request_body_timeout_seconds: v.parse("REQUEST_BODY_TIMEOUT_SECONDS", 10, 1..=30)?,
            cors_allowed_origins,
            public_base_url,
            mail_from,
            smtp_url,
            smtp_timeout_seconds: v.parse("SMTP_TIMEOUT_SECONDS", 10, 1..=300)?,
            mail_retry_base_seconds: v.parse("MAIL_RETRY_BASE_SECONDS", 30, 1..=3_600)?,
            worker_enabled: v.flag("WORKER_ENABLED", true)?,
            worker_concurrency: v.parse("WORKER_CONCURRENCY", 4, 1..=64)?,
            mail_max_attempts: v.parse("MAIL_MAX_ATTEMPTS", 8, 1..=100)?,
            log_format,
            otlp_endpoint,
            shutdown_grace_seconds: v.parse("SHUTDOWN_GRACE_SECONDS", 30, 0..=3_600)?,
            shutdown_drain_seconds: v.parse("SHUTDOWN_DRAIN_SECONDS", 0, 0..=600)?,
        })
    }

    /// Whether the database is PostgreSQL (else the embedded SQLite).
    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn no_configuration_is_the_embedded_default() {
        let s = Settings::from_env(&HashMap::new()).unwrap();
        assert_eq!((s.host.to_string(), s.port), ("127.0.0.1".to_owned(), 8080));
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert!(s.jwt_secret.is_none() && !s.is_postgres());
        assert_eq!((s.access_token_ttl_seconds, s.refresh_token_ttl_days), (900, 30));
        assert_eq!((s.login_max_failures, s.login_lockout_minutes), (5, 15));
        assert_eq!((s.worker_enabled, s.worker_concurrency, s.mail_max_attempts), (true, 4, 8));
        assert_eq!(s.public_base_url, "http://127.0.0.1:8080");
        assert_eq!((s.shutdown_grace_seconds, s.shutdown_drain_seconds), (30, 0));
        assert!(s.trusted_proxy_hops == 0 && s.cors_allowed_origins.is_empty());
        assert_eq!(s.request_body_timeout_seconds, 10);
        assert_eq!((s.redis_url.as_deref(), s.redis_key_prefix.as_str(), s.redis_timeout_ms), (None, "engify:", 500));
        assert_eq!((s.rate_limit_per_minute, s.auth_rate_limit_per_minute, s.cache_ttl_seconds), (600, 20, 60));
        assert_eq!((s.smtp_url.as_deref(), s.smtp_timeout_seconds, s.mail_retry_base_seconds), (None, 10, 30));
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        for (name, value) in [
            ("APP_PORT", "80800"),
            ("APP_HOST", "localhost:1"),
            ("DATABASE_URL", "mysql://x"),
            ("DATABASE_MAX_CONNECTIONS", "0"),
            ("JWT_SECRET", "short"),
            ("ACCESS_TOKEN_TTL_SECONDS", "ten"),
            ("TRUST_PROXY", "true"),
            ("TRUST_PROXY", "false"),
            ("TRUST_PROXY", ""),
            ("TRUSTED_PROXY_HOPS", "true"),
            ("TRUSTED_PROXY_HOPS", "11"),
            ("REQUEST_BODY_TIMEOUT_SECONDS", "0"),
            ("REQUEST_BODY_TIMEOUT_SECONDS", "31"),
            ("CORS_ALLOWED_ORIGINS", "https://a.example.com/path"),
            ("PUBLIC_BASE_URL", "ftp://x"),
            ("MAIL_FROM", "nobody"),
            ("WORKER_CONCURRENCY", "1000"),
            ("LOG_FORMAT", "xml"),
            ("REDIS_URL", "http://cache:6379"),
            ("REDIS_KEY_PREFIX", "has space"),
            ("REDIS_KEY_PREFIX", "{tag}"),
            ("REDIS_TIMEOUT_MS", "0"),
            ("RATE_LIMIT_PER_MINUTE", "0"),
            ("AUTH_RATE_LIMIT_PER_MINUTE", "-1"),
            ("CACHE_TTL_SECONDS", "forever"),
            ("SMTP_URL", "http://mail:25"),
            ("SMTP_TIMEOUT_SECONDS", "0"),
            ("MAIL_RETRY_BASE_SECONDS", "7200"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"),
        ] {
            let error = Settings::from_env(&vars(&[(name, value)])).unwrap_err();
            assert_eq!(error.variable, name, "{error}");
            assert!(error.to_string().starts_with(&format!("invalid configuration: {name}:")));
        }
    }

    #[test]
    fn postgres_needs_a_jwt_secret() {
        let error = Settings::from_env(&vars(&[("DATABASE_URL", "postgres://u@h/db")])).unwrap_err();
        assert_eq!(error.variable, "JWT_SECRET");
        let ok = Settings::from_env(&vars(&[("DATABASE_URL", "postgres://u@h/db"), ("JWT_SECRET", &"k".repeat(32))]))
            .unwrap();
        assert!(ok.is_postgres());
    }

    #[test]
    fn secrets_and_passwords_stay_out_of_debug_output() {
        let s = Settings::from_env(&vars(&[
            ("DATABASE_URL", "postgres://engify:hunter2hunter2@db:5432/engify"),
            ("JWT_SECRET", "this-is-a-very-secret-signing-key-1234"),
            ("REDIS_URL", "redis://default:hunter2hunter2@cache:6379/0"),
            ("SMTP_URL", "smtps://mailer:hunter2hunter2@mail.example.com:465"),
        ]))
        .unwrap();
        let debug = format!("{s:?}");
        assert!(!debug.contains("hunter2") && !debug.contains("very-secret"), "{debug}");
        assert!(debug.contains("redis://default:***@cache:6379/0"));
        assert!(debug.contains("smtps://mailer:***@mail.example.com:465"));
        assert!(debug.contains("postgres://engify:***@db:5432/engify"));
    }

    #[test]
    fn lists_and_flags_parse() {
        let s = Settings::from_env(&vars(&[
            ("CORS_ALLOWED_ORIGINS", "https://a.example.com, http://localhost:3000/"),
            ("TRUSTED_PROXY_HOPS", "2"),
            ("WORKER_ENABLED", "0"),
            ("LOG_FORMAT", "JSON"),
        ]))
        .unwrap();
        assert_eq!(s.cors_allowed_origins, vec!["https://a.example.com", "http://localhost:3000"]);
        assert!(s.trusted_proxy_hops == 2 && !s.worker_enabled);
        assert_eq!(s.log_format, Some(LogFormat::Json));
    }
}
