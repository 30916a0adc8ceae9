//! `bench` (run by `just bench`): starts the release `app` against the machine's PostgreSQL and
//! Redis with the email worker on, seeds an academy through the API, drives each scenario of
//! operations.md over loopback with a closed-loop load generator, measures the limits in the
//! same run (a trivial actix handler, pgbench with the booking transaction's SQL, Argon2 with
//! the app's hasher), and prints one table: throughput, p50, p99, errors, and each scenario's
//! ratio to its limit. See docs/performance.md.
#![allow(clippy::print_stdout, clippy::cast_precision_loss, reason = "a report on stdout; ratios of counts")]

mod child;
mod fairness;
mod limits;
mod load;
mod page_cost;
mod seed;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use serde_json::json;

/// The app's allocator, so that the floor (served from this binary) and the load generator
/// run on the same allocator as the app they are compared with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use child::Served;
use load::{MakeRequest, Outcome, run};
use seed::{Api, Seeded, berlin};

#[derive(Parser)]
#[command(about = "Engify's load benchmark")]
struct Cli {
    /// `floor`: serve the trivial handler (used by the benchmark itself).
    mode: Option<String>,
    /// PostgreSQL server (a database is created for the run and dropped after).
    #[arg(long, env = "BENCH_DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    database_url: String,
    /// Redis.
    #[arg(long, env = "BENCH_REDIS_URL", default_value = "redis://127.0.0.1:6379")]
    redis_url: String,
    /// Clients in flight.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Run the app with its in-process stores instead of Redis (to see what Redis costs).
    #[arg(long)]
    no_redis: bool,
    /// Run only these scenarios (e.g. `--only read` to profile one): read, search, fairness,
    /// booking, series, join, login. All by default.
    #[arg(long, value_delimiter = ',')]
    only: Vec<Scenario>,
}

/// A scenario of the benchmark, for `--only`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Scenario {
    /// The cached catalog read, with the HTTP floor.
    Read,
    /// The slot search.
    Search,
    /// Other users' latency while one student runs the widest slot searches in parallel.
    Fairness,
    /// Individual bookings, at peak and at half of it, with pgbench.
    Booking,
    /// Recurring series of 52 sessions, alone and under load.
    Series,
    /// Group joins.
    Join,
    /// Logins, with the Argon2 ceiling.
    Login,
}

/// How many alternating slices the floor and the cached read are measured in.
const SLICES: u32 = 4;

struct Row {
    name: &'static str,
    outcome: Outcome,
    limit: Option<(&'static str, f64)>,
}

fn print(rows: &[Row]) {
    println!("\n| scenario | req/s | p50 ms | p99 ms | errors | limit | limit/s | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
    for row in rows {
        let o = &row.outcome;
        let (limit, per_second, ratio) = match row.limit {
            Some((name, value)) => (name, format!("{value:.0}"), format!("{:.0}%", 100.0 * o.throughput() / value)),
            None => ("—", "—".to_owned(), "—".to_owned()),
        };
        println!(
            "| {} | {:.0} | {:.2} | {:.2} | {} | {limit} | {per_second} | {ratio} |",
            row.name,
            o.throughput(),
            o.millis(0.5),
            o.millis(0.99),
            if o.error_count() == 0 { "0".to_owned() } else { format!("{:?}", o.errors) },
        );
    }
}

/// Waits until the app's email worker has nothing left to send (what the previous step queued),
/// so that each measurement starts on a quiet machine; gives up after a minute.
async fn settle(http: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        let ready: serde_json::Value = http.get(format!("{base}/health/ready")).send().await?.json().await?;
        if ready["checks"]["mailQueue"]["pending"].as_u64() == Some(0) {
            tokio::time::sleep(Duration::from_millis(500)).await;
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!("warning: the mail queue did not drain within a minute");
    Ok(())
}

/// A new HTTP client: each scenario opens its own connections, all at its start, so that the
/// server's workers get them in turn (actix hands connections out round-robin and never moves
/// one; connections left over from seeding could load one worker more than the other).
fn client(concurrency: usize) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder().pool_max_idle_per_host(concurrency * 2).build()?)
}

fn maker(f: impl Fn(&reqwest::Client, u64) -> reqwest::RequestBuilder + Send + Sync + 'static) -> MakeRequest {
    Arc::new(f)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if cli.mode.as_deref() == Some("floor") {
        return limits::serve_floor().await;
    }
    let (c, secs) = (cli.concurrency, Duration::from_secs(cli.seconds));
    let here = std::env::current_exe()?;
    let bin_dir = here.parent().context("no directory")?;
    let run_id = uuid::Uuid::now_v7().simple().to_string();
    let dir = std::env::temp_dir().join(format!("engify-bench-{run_id}"));
    let database = format!("engify_bench_{run_id}");
    let admin_url = cli.database_url.clone();
    let db_url = match admin_url.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{database}"),
        None => anyhow::bail!("BENCH_DATABASE_URL has no database name"),
    };
    std::process::Command::new("psql")
        .args([&admin_url, "-q", "-c", &format!("CREATE DATABASE {database}")])
        .status()?;
    let mut env = vec![
        ("DATABASE_URL", db_url.clone()),
        ("JWT_SECRET", "a-benchmark-signing-key-of-32-bytes-or-more".to_owned()),
        ("REDIS_URL", cli.redis_url.clone()),
        ("REDIS_KEY_PREFIX", format!("engify-bench:{run_id}:")),
        ("APP_PORT", "0".to_owned()),
        ("LOG_FORMAT", "json".to_owned()),
        ("RUST_LOG", "warn,app=info".to_owned()),
        ("RATE_LIMIT_PER_MINUTE", "1000000".to_owned()),
        ("AUTH_RATE_LIMIT_PER_MINUTE", "1000000".to_owned()),
        ("DATABASE_MAX_CONNECTIONS", "20".to_owned()),
    ];
    if cli.no_redis {
        env.retain(|(name, _)| !name.starts_with("REDIS_"));
    }
    let app = Served::start(&bin_dir.join("app"), &["serve"], dir.join("app"), &env, child::app_address)?;
    let api = Api { base: app.address.clone(), http: client(c)? };
    println!("seeding {} …", app.address);
    let seeded: Arc<Seeded> = Arc::new(seed::seed(&api, &app.dir, 100 + seed::BOOKING_TAS, 60).await?);
    let base = app.address.clone();
    let mut rows = Vec::new();

    let wanted = |scenario| cli.only.is_empty() || cli.only.contains(&scenario);
    let mut limits_line = Vec::new();

    // The HTTP floor and the cached catalog read, in alternating slices, so that both see the
    // same machine (on a shared host its speed drifts over a run). With Redis, the read is
    // measured twice in the same slices: on the app above (the tracked Redis client, the kept
    // design) and on a second instance of it with `REDIS_CLIENT=plain` (one shared connection,
    // no client-side tracking: the simplest correct design), so that the two are compared on
    // the same data, machine and minute.
    if wanted(Scenario::Read) {
        let http = client(c)?;
        settle(&http, &base).await?;
        let floor = Served::start(&here, &["floor"], dir.join("floor"), &[], child::floor_address)?;
        let plain = if cli.no_redis {
            None
        } else {
            let mut plain_env = env.clone();
            plain_env.push(("REDIS_CLIENT", "plain".to_owned()));
            plain_env.push(("WORKER_ENABLED", "false".to_owned()));
            Some(Served::start(&bin_dir.join("app"), &["serve"], dir.join("plain"), &plain_env, child::app_address)?)
        };
        let floor_url = format!("{}/", floor.address);
        let trivial_request = maker(move |h, _| h.get(&floor_url));
        let read_at = |address: String| {
            let s = seeded.clone();
            maker(move |h, _| h.get(format!("{address}/api/v1/courses")).bearer_auth(&s.students[0].token))
        };
        let read = read_at(base.clone());
        let plain_read = plain.as_ref().map(|p| read_at(p.address.clone()));
        let (mut trivial, mut outcome, mut plain_outcome) = (Outcome::empty(), Outcome::empty(), Outcome::empty());
        for _ in 0..SLICES {
            trivial.absorb(run(&http, c, secs / SLICES, None, &[200], &trivial_request).await);
            outcome.absorb(run(&http, c, secs / SLICES, None, &[200], &read).await);
            if let Some(plain_read) = &plain_read {
                plain_outcome.absorb(run(&http, c, secs / SLICES, None, &[200], plain_read).await);
            }
        }
        floor.stop();
        limits_line.push(format!(
            "trivial handler {:.0} req/s (p99 {:.2} ms)",
            trivial.throughput(),
            trivial.millis(0.99)
        ));
        let limit = Some(("trivial handler", trivial.throughput()));
        match plain {
            Some(plain) => {
                plain.stop();
                rows.push(Row { name: "catalog read (cached, tracked Redis client)", outcome, limit });
                rows.push(Row { name: "catalog read (cached, plain Redis client)", outcome: plain_outcome, limit });
            }
            None => rows.push(Row { name: "catalog read (cached)", outcome, limit }),
        }
    }

    // Slot search: a month of the 5-TA course with 500 bookings, its first page of 20, asked by
    // 16 students (one student's identical searches at once would be refused past 2 computing:
    // the fairness scenario is that case).
    if wanted(Scenario::Search) {
        let http = client(c)?;
        settle(&http, &base).await?;
        let (s, b) = (seeded.clone(), base.clone());
        let window = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let url = format!(
            "{b}/api/v1/courses/{}/slots?from={}&to={}&durationMinutes=60",
            s.search_course,
            window(berlin(1, 0)),
            window(berlin(32, 0))
        );
        let search =
            maker(move |h, i| h.get(&url).bearer_auth(&s.students[usize::try_from(i % 16).unwrap_or(0)].token));
        let outcome = run(&http, c, secs, None, &[200], &search).await;
        rows.push(Row { name: "slot search (month, 5 TAs, 500 bookings, page of 20)", outcome, limit: None });
    }

    // Other users alone, then while one student runs the widest searches in parallel.
    let mut fair = None;
    if wanted(Scenario::Fairness) {
        let http = client(c)?;
        settle(&http, &base).await?;
        fair = Some(fairness::fairness(&http, &seeded, &base, secs).await?);
    }

    // Individual bookings on distinct slots: booking i is TA i % 10's half-hour slot i / 10
    // (08:00–20:00 from day 11), by student 100 + i % 10 (who books only with that TA).
    if wanted(Scenario::Booking) {
        let http = client(c)?;
        let booking = |offset: u64| {
            let (s, b) = (seeded.clone(), base.clone());
            maker(move |h, i| {
                let i = i + offset;
                let tas = seed::BOOKING_TAS as u64;
                let slot = i / tas;
                let k = usize::try_from(i % tas).unwrap_or(0);
                let at = berlin(11 + slot / 24, 8 + u32::try_from(slot % 24 / 2).unwrap_or(0))
                    + chrono::Duration::minutes(30 * i64::try_from(slot % 2).unwrap_or(0));
                let body = json!({"courseId": s.course, "taId": s.tas[k].id, "startsAt": at.to_rfc3339(), "durationMinutes": 30});
                h.post(format!("{b}/api/v1/bookings/individual")).bearer_auth(&s.students[100 + k].token).json(&body)
            })
        };
        settle(&http, &base).await?;
        let bookings = run(&http, c, secs, None, &[201], &booking(0)).await;
        let peak = bookings.throughput();
        let pg = limits::pgbench(
            &db_url,
            c,
            cli.seconds,
            &[
                ("org", &seeded.organization),
                ("course", &seeded.course),
                ("ta", &seeded.spare_ta.id),
                ("student", &seeded.students[100].id),
            ],
            &dir,
        )?;
        settle(&http, &base).await?;
        let half = run(&http, c, secs, Some(peak / 2.0), &[201], &booking(bookings.requests + 10)).await;
        limits_line.push(format!("pgbench booking SQL {:.0} tps (mean {:.2} ms)", pg.tps, pg.latency_ms));
        let limit = Some(("pgbench, same SQL", pg.tps));
        rows.push(Row { name: "individual booking (distinct slots)", outcome: bookings, limit });
        rows.push(Row { name: "  … at half of that throughput", outcome: half, limit });
    }

    // Series of 52 daily quarter-hours (`POST /booking-series`), far beyond the bookings
    // above: series i is TA i % 10's quarter-hour (i / 10) % 48 of 08:00–20:00 on 52 days from
    // day 120 + 53 * block (block (i / 10) / 48; the horizon raised to 730 days for it), by
    // student 100 + i % 10, so that no two series share a slot. Alone (one client) for its
    // latency, then at the booking scenario's concurrency.
    if wanted(Scenario::Series) {
        let http = client(c)?;
        let settings = json!({"settings": {"maxAdvanceDays": 730}});
        let patched = http
            .patch(format!("{base}/api/v1/organization"))
            .bearer_auth(&seeded.admin.token)
            .json(&settings)
            .send()
            .await?;
        anyhow::ensure!(patched.status().is_success(), "raising the horizon: {}", patched.status());
        let series = |offset: u64| {
            let (s, b) = (seeded.clone(), base.clone());
            maker(move |h, i| {
                let i = i + offset;
                let tas = seed::BOOKING_TAS as u64;
                let k = usize::try_from(i % tas).unwrap_or(0);
                let (slot, block) = ((i / tas) % 48, (i / tas) / 48);
                let at = berlin(120 + 53 * block, 8) + chrono::Duration::minutes(15 * i64::try_from(slot).unwrap_or(0));
                let body = json!({"courseId": s.course, "taId": s.tas[k].id, "startsAt": at.to_rfc3339(),
                    "durationMinutes": 15, "recurrence": "FREQ=DAILY;COUNT=52"});
                h.post(format!("{b}/api/v1/booking-series")).bearer_auth(&s.students[100 + k].token).json(&body)
            })
        };
        settle(&http, &base).await?;
        let alone = run(&http, 1, secs, None, &[201], &series(0)).await;
        settle(&http, &base).await?;
        let loaded = run(&http, c, secs, None, &[201], &series(alone.requests + 10)).await;
        rows.push(Row { name: "series of 52 sessions, one client", outcome: alone, limit: None });
        rows.push(Row { name: "series of 52 sessions", outcome: loaded, limit: None });
    }

    // Group joins: join i is student i / 60 into session i % 60.
    if wanted(Scenario::Join) {
        let http = client(c)?;
        let (s, b) = (seeded.clone(), base.clone());
        let join = maker(move |h, i| {
            let g = usize::try_from(i % 60).unwrap_or(0);
            let student = usize::try_from(i / 60).unwrap_or(0) % 100;
            h.post(format!("{b}/api/v1/group-sessions/{}/join", s.group_sessions[g]))
                .bearer_auth(&s.students[student].token)
        });
        settle(&http, &base).await?;
        let joins_secs = secs.min(Duration::from_secs(5));
        let outcome = run(&http, c, joins_secs, None, &[200, 201], &join).await;
        rows.push(Row { name: "group join", outcome, limit: None });
    }

    // Logins, against the Argon2 ceiling (measured with the app stopped).
    let mut logins = None;
    if wanted(Scenario::Login) {
        let http = client(c)?;
        let (s, b) = (seeded.clone(), base.clone());
        let login = maker(move |h, i| {
            let student = &s.students[usize::try_from(i % 100).unwrap_or(0)];
            let body = json!({"organizationSlug": seed::SLUG, "email": student.email, "password": seed::PASSWORD});
            h.post(format!("{b}/api/v1/auth/login")).json(&body)
        });
        settle(&http, &base).await?;
        logins = Some(run(&http, c, secs, None, &[200], &login).await);
    }
    app.stop();
    if let Some(outcome) = logins {
        let argon = limits::argon2_ceiling(secs).await?;
        limits_line.push(format!("Argon2 {argon:.0} verifications/s"));
        rows.push(Row { name: "login", outcome, limit: Some(("Argon2 verifications", argon)) });
    }

    println!("\nconcurrency {c}, {} s per scenario; {}", cli.seconds, limits_line.join("; "));
    print(&rows);
    if let Some(fair) = &fair {
        fairness::print(fair);
    }
    std::process::Command::new("psql")
        .args([&admin_url, "-q", "-c", &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")])
        .status()?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
