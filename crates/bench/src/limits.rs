//! The limits each scenario is compared with, measured in the same run on the same machine:
//! the trivial HTTP handler (the floor of an actix request over loopback), pgbench running the
//! booking transaction's SQL, and Argon2 verifications with the app's own hasher.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::{Context as _, bail};
use domain::accounts::{Password, PasswordHasher as _};

/// The trivial handler's body: about the size of a course.
const FLOOR_BODY: &str = r#"{"id":"01a232b2-e071-720f-beec-974d36a9d184","code":"BENCH-1","title":"Bench","description":"","active":true,"createdAt":"2026-12-01T00:00:00Z"}"#;

/// `bench floor`: a trivial actix server with the app's worker count, printing its address.
///
/// # Errors
/// When it cannot bind.
pub async fn serve_floor() -> anyhow::Result<()> {
    let server = HttpServer::new(|| {
        App::new().route(
            "/",
            web::get().to(|| async { HttpResponse::Ok().content_type("application/json").body(FLOOR_BODY) }),
        )
    })
    .bind(("127.0.0.1", 0))?;
    #[allow(clippy::print_stdout, reason = "the parent reads the address from stdout")]
    {
        println!("listening {}", server.addrs()[0]);
    }
    server.run().await?;
    Ok(())
}

/// What pgbench measured.
pub struct PgBench {
    pub tps: f64,
    pub latency_ms: f64,
}

/// Runs the booking transaction's SQL (`booking.sql`) with pgbench at `clients`.
///
/// # Errors
/// When pgbench fails or prints no throughput.
pub fn pgbench(url: &str, clients: usize, seconds: u64, vars: &[(&str, &str)], dir: &Path) -> anyhow::Result<PgBench> {
    let script = dir.join("booking.sql");
    std::fs::write(&script, include_str!("booking.sql"))?;
    let status =
        Command::new("psql").args([url, "-q", "-c", "CREATE SEQUENCE IF NOT EXISTS engify_bench_slot"]).status()?;
    if !status.success() {
        bail!("psql could not create the sequence");
    }
    let mut command = Command::new("pgbench");
    command.args(["-n", "-M", "prepared", "-c", &clients.to_string(), "-j", "2", "-T", &seconds.to_string(), "-f"]);
    command.arg(&script);
    for (name, value) in vars {
        command.arg("-D").arg(format!("{name}={value}"));
    }
    let output = command.arg(url).output().context("running pgbench")?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!("pgbench failed: {}{}", text, String::from_utf8_lossy(&output.stderr));
    }
    let number = |prefix: &str| {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.trim_start_matches(prefix).split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
    };
    Ok(PgBench {
        tps: number("tps = ").context("pgbench printed no tps")?,
        latency_ms: number("latency average = ").unwrap_or(f64::NAN),
    })
}

/// Argon2 verifications per second with the app's hasher on every core, for `duration`.
///
/// # Errors
/// When the hasher cannot be built.
pub async fn argon2_ceiling(duration: Duration) -> anyhow::Result<f64> {
    let hasher = Arc::new(adapters_security::Argon2Hasher::new()?);
    let password = Password::parse(crate::seed::PASSWORD).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let hash = hasher.hash(&password).await?;
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let workers: Vec<_> = (0..cores * 2)
        .map(|_| {
            let (hasher, hash, done, password) = (hasher.clone(), hash.clone(), done.clone(), password.clone());
            tokio::spawn(async move {
                while started.elapsed() < duration {
                    let _ = hasher.verify(&password, Some(hash.clone())).await;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await?;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}
