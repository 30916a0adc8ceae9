//! A rolling restart under load: two `app` processes over one PostgreSQL database and one
//! Redis serve a steady stream of reads and bookings; one is sent SIGTERM and started again.
//! The client behaves like a load balancer: it sends only to instances whose `/health/ready`
//! answered 200 at its last check (every 20 ms), and retries a request only when a connection
//! is refused. Not one request fails, every booking answered 201 is in the database (and
//! nothing else is), and every email queued meanwhile is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails by panicking")]

#[path = "api/academy.rs"]
mod academy;
#[path = "observability/child.rs"]
mod child;
#[path = "api/helpers.rs"]
mod helpers;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures_util::future::join_all;
use sea_orm::{ConnectionTrait as _, Database, Statement};
use serde_json::{Value, json};

use academy::{Academy, berlin, rfc3339};
use child::AppProcess;
use helpers::{JWT_SECRET, spawn_with};
use test_support::postgres::count;

/// The instances and which of them answered ready at the last check.
#[derive(Default)]
struct Balancer {
    instances: RwLock<Vec<String>>,
    ready: RwLock<Vec<String>>,
}

impl Balancer {
    /// Checks every instance's readiness every 20 ms, until dropped.
    fn watch(self: &Arc<Self>, http: reqwest::Client) -> tokio::task::JoinHandle<()> {
        let balancer = self.clone();
        tokio::spawn(async move {
            loop {
                let instances = balancer.instances.read().unwrap().clone();
                let mut ready = Vec::new();
                for address in instances {
                    let answer = http.get(format!("{address}/health/ready")).send().await;
                    if answer.is_ok_and(|r| r.status().is_success()) {
                        ready.push(address);
                    }
                }
                *balancer.ready.write().unwrap() = ready;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    }
}

/// Sends one request to a ready instance, moving to the next whenever a connection is refused.
async fn send(
    http: &reqwest::Client,
    balancer: &Balancer,
    turn: &AtomicUsize,
    build: impl Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
) -> (u16, Value) {
    for _ in 0..1_000 {
        let address = {
            let list = balancer.ready.read().unwrap();
            if list.is_empty() { None } else { Some(list[turn.fetch_add(1, Ordering::Relaxed) % list.len()].clone()) }
        };
        let Some(address) = address else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        match build(http, &address).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                return (status, response.json().await.unwrap_or(Value::Null));
            }
            Err(error) if error.is_connect() => tokio::time::sleep(Duration::from_millis(10)).await,
            Err(error) => panic!("a request failed other than by a refused connection: {error:?}"),
        }
    }
    panic!("no instance accepted a connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolling_restart_under_load_fails_no_request_and_loses_nothing() {
    let Some((redis_url, prefix)) = test_support::redis::url_and_prefix() else { return };
    let Some(db) = test_support::postgres::database().await else { return };
    let db = Arc::new(db);
    let url = db.url().to_owned();

    // The academy, set up through an in-process instance (it reads the invitation emails).
    let setup = spawn_with(db.clone(), |_| {}).await;
    let academy = Academy::new(&setup, "rolling").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo", "Tina"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let names: Vec<String> = (0..6).map(|i| format!("Student{i}")).collect();
    let students = join_all(names.iter().map(|n| academy.student(n))).await;
    // The set-up's own emails (invitations, verifications) are sent before the set-up instance
    // goes: the restart below is the window whose emails this test accounts for.
    for _ in 0..200 {
        if count(&url, "SELECT count(*) AS n FROM outbox_messages WHERE status <> 'sent'").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(setup);

    let env: Vec<(String, String)> = [
        ("DATABASE_URL", url.as_str()),
        ("JWT_SECRET", JWT_SECRET),
        ("REDIS_URL", redis_url.as_str()),
        ("REDIS_KEY_PREFIX", prefix.as_str()),
        ("RATE_LIMIT_PER_MINUTE", "100000"),
        ("SHUTDOWN_GRACE_SECONDS", "10"),
        ("SHUTDOWN_DRAIN_SECONDS", "1"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let start = move || {
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        AppProcess::start(&pairs)
    };
    let first = start();
    let second = start();
    // No keep-alive: each request opens its connection, so a stopped instance refuses new ones
    // instead of dropping a pooled connection under a request.
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let balancer = Arc::new(Balancer::default());
    *balancer.instances.write().unwrap() = vec![first.address.clone(), second.address.clone()];
    let watcher = balancer.watch(http.clone());
    let turn = Arc::new(AtomicUsize::new(0));

    // Six clients, each a student booking distinct hours of one TA and reading the catalog.
    let load = students.iter().enumerate().map(|(s, student)| {
        let (http, balancer, turn) = (http.clone(), balancer.clone(), turn.clone());
        let (course, ta) = (course.clone(), tas[s % 3].id.clone());
        let token = student.access.clone();
        async move {
            let mut booked = Vec::new();
            for k in 0..24u32 {
                let read =
                    send(&http, &balancer, &turn, |c, a| c.get(format!("{a}/api/v1/courses")).bearer_auth(&token))
                        .await;
                assert_eq!(read.0, 200, "{read:?}");
                // Student s books hour 8 + k % 12 of day 2 + 2 (s / 3) + k / 12 with TA s % 3:
                // never a conflict.
                let day = 2 + 2 * i64::try_from(s / 3).unwrap() + i64::from(k / 12);
                let at = berlin(day, 8 + k % 12, 0);
                let body = json!({"courseId": course, "taId": ta, "startsAt": rfc3339(at), "durationMinutes": 60});
                let (status, booking) = send(&http, &balancer, &turn, |c, a| {
                    c.post(format!("{a}/api/v1/bookings/individual")).bearer_auth(&token).json(&body)
                })
                .await;
                assert_eq!(status, 201, "{booking}");
                booked.push(booking["id"].as_str().unwrap().to_owned());
            }
            booked
        }
    });
    let restart = {
        let balancer = balancer.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(700)).await;
            let log = tokio::task::spawn_blocking(move || first.stop()).await.unwrap();
            assert!(log.iter().any(|l| l.contains("\"stopped\"")), "a graceful stop: {log:?}");
            let again = tokio::task::spawn_blocking(start).await.unwrap();
            balancer.instances.write().unwrap()[0].clone_from(&again.address);
            again
        }
    };
    let (booked, again) = tokio::join!(join_all(load), restart);
    watcher.abort();
    let booked: Vec<String> = booked.into_iter().flatten().collect();
    assert_eq!(booked.len(), 6 * 24);

    // Every booking answered 201 is there, and nothing else.
    let live = count(&url, "SELECT count(*) AS n FROM bookings WHERE status = 'booked'").await;
    assert_eq!(live, i64::try_from(booked.len()).unwrap());
    // Every email queued meanwhile (two confirmations per booking) is sent.
    let mut unsent = -1;
    for _ in 0..200 {
        unsent = count(&url, "SELECT count(*) AS n FROM outbox_messages WHERE status <> 'sent'").await;
        if unsent == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if unsent != 0 {
        let db = Database::connect(url.as_str()).await.unwrap();
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT kind, status, attempts, last_error, locked_until::text AS locked, created_at::text AS created FROM outbox_messages WHERE status <> 'sent'",
            ))
            .await
            .unwrap();
        let rows: Vec<String> = rows
            .iter()
            .map(|r| {
                let text = |c: &str| r.try_get::<Option<String>>("", c).unwrap().unwrap_or_default();
                format!(
                    "{} {} {} {} locked={} created={}",
                    text("kind"),
                    text("status"),
                    r.try_get::<i32>("", "attempts").unwrap(),
                    text("last_error"),
                    text("locked"),
                    text("created")
                )
            })
            .collect();
        panic!("emails left unsent: {rows:#?}");
    }
    let confirmations =
        count(&url, "SELECT count(*) AS n FROM outbox_messages WHERE kind = 'booking_confirmation'").await;
    assert_eq!(confirmations, 2 * i64::try_from(booked.len()).unwrap());
    drop((second, again));
}
