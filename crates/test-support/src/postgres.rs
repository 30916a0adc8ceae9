//! A fresh PostgreSQL database per test, cloned from a migrated template.
//!
//! The template is named after the migrations' fingerprint, so it is built once per schema
//! version and reused by every test process until the schema changes; building it and cloning
//! from it are serialized across processes with an advisory lock. Each test's database is
//! dropped (`WITH (FORCE)`) when its [`TestDatabase`] is dropped.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};
use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::ContainerAsync;
use testcontainers_modules::testcontainers::runners::AsyncRunner;
use tokio::sync::OnceCell;

use crate::{Backend, TestDatabase, services};

/// Serializes template builds and clones across test processes.
const LOCK_KEY: i64 = 0x656e_6769_6679;

/// The server URL tests connect to (its maintenance database), or why there is none.
async fn server_url() -> Result<String, String> {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        return Ok(url);
    }
    static CONTAINER: OnceCell<Result<(ContainerAsync<Postgres>, String), String>> = OnceCell::const_new();
    let started = CONTAINER
        .get_or_init(|| async {
            let container =
                Postgres::default().start().await.map_err(|e| format!("TEST_DATABASE_URL unset, no Docker: {e}"))?;
            let port = container.get_host_port_ipv4(5432).await.map_err(|e| e.to_string())?;
            Ok((container, format!("postgres://postgres:postgres@127.0.0.1:{port}/postgres")))
        })
        .await;
    started.as_ref().map(|(_, url)| url.clone()).map_err(Clone::clone)
}

/// `postgres://…/postgres` with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let server = base.rsplit_once('/').map_or(base, |(s, _)| s);
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

/// The `host:port` a `postgres://` URL connects to (port 5432 when it names none).
pub fn host_port(url: &str) -> Option<String> {
    crate::service_url::host_port(url, &["postgres://", "postgresql://"], 5432)
}

/// `url` with its `host:port` replaced by `addr` (credentials, database and query kept), e.g.
/// to reach the database through a [`crate::proxy::TcpProxy`].
pub fn with_addr(url: &str, addr: std::net::SocketAddr) -> Option<String> {
    crate::service_url::with_addr(url, addr)
}

async fn admin(url: &str) -> Result<DatabaseConnection, String> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.max_connections(1).sqlx_logging(false);
    Database::connect(options).await.map_err(|e| format!("cannot connect to {url}: {e}"))
}

async fn exec(db: &DatabaseConnection, sql: &str) -> Result<(), String> {
    db.execute_unprepared(sql).await.map(|_| ()).map_err(|e| format!("{sql}: {e}"))
}

async fn database_exists(db: &DatabaseConnection, name: &str) -> Result<bool, String> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT 1 FROM pg_database WHERE datname = $1",
        [name.into()],
    );
    db.query_one_raw(stmt).await.map(|row| row.is_some()).map_err(|e| e.to_string())
}

/// Creates the migrated template if this schema version has none yet. Caller holds the lock.
async fn ensure_template(server: &DatabaseConnection, url: &str, template: &str) -> Result<(), String> {
    if database_exists(server, template).await? {
        return Ok(());
    }
    let building = format!("{template}_building");
    exec(server, &format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).await?;
    exec(server, &format!("CREATE DATABASE {building}")).await?;
    let db = admin(&with_database(url, &building)).await?;
    Migrator::up(&db, None).await.map_err(|e| format!("migrating the template: {e}"))?;
    db.close().await.map_err(|e| e.to_string())?;
    // Renamed only once complete: a crash mid-build never leaves a half-migrated template.
    exec(server, &format!("ALTER DATABASE {building} RENAME TO {template}")).await
}

async fn create(url: &str) -> Result<String, String> {
    let server = admin(url).await?;
    let template = format!("engify_tpl_{}", migrations::fingerprint());
    let name = format!("engify_test_{}", uuid::Uuid::now_v7().simple());
    exec(&server, &format!("SELECT pg_advisory_lock({LOCK_KEY})")).await?;
    let result = async {
        ensure_template(&server, url, &template).await?;
        exec(&server, &format!("CREATE DATABASE {name} TEMPLATE {template}")).await
    }
    .await;
    exec(&server, &format!("SELECT pg_advisory_unlock({LOCK_KEY})")).await?;
    server.close().await.map_err(|e| e.to_string())?;
    result.map(|()| name)
}

struct Dropper {
    server_url: String,
    name: String,
}

impl Drop for Dropper {
    fn drop(&mut self) {
        let (url, name) = (self.server_url.clone(), self.name.clone());
        // Drop runs outside any async context: use a runtime of its own on another thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let server = admin(&url).await.ok()?;
                exec(&server, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok()?;
                server.close().await.ok()
            })
        })
        .join();
        let _ = dropped;
    }
}

/// The one integer `sql` selects from the database at `url`, over a connection of its own.
///
/// # Panics
/// When the database cannot be reached or the query selects no integer.
pub async fn count(url: &str, sql: &str) -> i64 {
    let db = admin(url).await.unwrap_or_else(|e| panic!("{e}"));
    let statement = Statement::from_string(db.get_database_backend(), sql);
    let row = db.query_one_raw(statement).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let row = row.unwrap_or_else(|| panic!("{sql}: no row"));
    row.try_get_by_index::<i64>(0).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// A new migrated PostgreSQL database, or `None` (after a line naming the test that skips its
/// PostgreSQL part) when no server is available and services are not required.
///
/// # Panics
/// When services are required (`ENGIFY_REQUIRE_SERVICES=1`) and no server is available, or
/// when the server is there but the database cannot be created.
pub async fn database() -> Option<TestDatabase> {
    let url = match server_url().await {
        Ok(url) => url,
        Err(why) => {
            services::missing("PostgreSQL", &why);
            return None;
        }
    };
    let name = create(&url).await.unwrap_or_else(|e| panic!("cannot create a PostgreSQL test database: {e}"));
    let db_url = with_database(&url, &name);
    Some(TestDatabase { url: db_url, backend: Backend::Postgres, _guard: Box::new(Dropper { server_url: url, name }) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://u@h/postgres?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    }

    #[test]
    fn addresses_are_read_and_swapped_in_urls() {
        assert_eq!(host_port("postgres://u:p@10.0.0.1:6543/db").as_deref(), Some("10.0.0.1:6543"));
        assert_eq!(host_port("postgresql://db/x").as_deref(), Some("db:5432"));
        assert_eq!(host_port("redis://x"), None);
        let addr: std::net::SocketAddr = "127.0.0.1:40000".parse().unwrap();
        assert_eq!(
            with_addr("postgres://u:p@db:5432/x?sslmode=disable", addr).as_deref(),
            Some("postgres://u:p@127.0.0.1:40000/x?sslmode=disable")
        );
        assert_eq!(with_addr("postgres://db/x", addr).as_deref(), Some("postgres://127.0.0.1:40000/x"));
    }
}
