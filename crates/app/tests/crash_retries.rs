//! A retry after a crash returns what was committed: an `app` process over PostgreSQL is killed
//! (SIGKILL) in the middle of a storm of keyed requests — bookings paid by bundle credits, and
//! group-session templates, which no natural conflict would stop from being created twice —
//! and started again. Every key is then retried until it gets a final answer: each one is the
//! committed outcome (201 with the same resource as any answer given before the crash), and
//! the database holds exactly one resource per key, and the bundles' ledgers agree.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test fails by panicking")]

#[path = "api/academy.rs"]
mod academy;
#[path = "observability/child.rs"]
mod child;
#[path = "api/helpers.rs"]
mod helpers;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt as _;
use futures_util::future::join_all;
use serde_json::{Value, json};
use tokio::sync::Notify;

use academy::{Academy, berlin, rfc3339};
use child::AppProcess;
use helpers::{JWT_SECRET, spawn_with};
use test_support::postgres::count;

const STUDENTS: usize = 40;
const BOOKINGS_EACH: usize = 4;
const TEMPLATES: usize = 20;
/// Answers received before the kill.
const KILL_AFTER: usize = 40;

/// One keyed request of the storm.
struct Keyed {
    key: String,
    path: &'static str,
    token: String,
    body: Value,
}

/// What a send came back with: a status and body, or no answer (the process was gone).
type Answer = Option<(u16, String)>;

async fn send(http: &reqwest::Client, address: &str, request: &Keyed) -> Answer {
    let response = http
        .post(format!("{address}{}", request.path))
        .bearer_auth(&request.token)
        .header("idempotency-key", &request.key)
        .json(&request.body)
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    Some((status, response.text().await.ok()?))
}

/// Whether an answer is final: anything but "try again" (no answer, a 5xx, a 409 while the
/// key's first request still runs).
fn is_final(answer: &Answer) -> bool {
    match answer {
        None => false,
        Some((status, _)) if *status >= 500 => false,
        Some((409, body)) => !body.contains("idempotency_key_in_progress"),
        Some(_) => true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_key_retried_after_a_kill_gets_the_committed_outcome_and_nothing_runs_twice() {
    let Some(db) = test_support::postgres::database().await else { return };
    let db = Arc::new(db);
    let url = db.url().to_owned();

    // The academy, set up through an in-process instance (it reads the invitation emails).
    let setup = spawn_with(db.clone(), |_| {}).await;
    let academy = Academy::new(&setup, "crash").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo", "Tina", "Toby"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let product = academy.bundle(&course, 10, 60, 30_000).await;
    let names: Vec<String> = (0..STUDENTS).map(|i| format!("Student{i:02}")).collect();
    let mut students = Vec::new();
    for chunk in names.chunks(10) {
        students.extend(join_all(chunk.iter().map(|n| academy.student(n))).await);
    }
    let mut bundles = Vec::new();
    for student in &students {
        let reply =
            setup.post("/api/v1/bundle-purchases", Some(&student.access), json!({"productId": product["id"]})).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        bundles.push(reply.json()["id"].as_str().unwrap().to_owned());
    }
    let admin = academy.admin.access.clone();
    drop(academy);
    drop(setup);

    // Booking k: TA k % 4 at hour k / 4 of the TAs' days; student k % 40 (its four hours are
    // ten apart: no conflict anywhere, so every key must end in 201).
    let mut storm = Vec::new();
    for k in 0..STUDENTS * BOOKINGS_EACH {
        let (student, hour) = (k % STUDENTS, k / 4);
        let at = berlin(2 + i64::try_from(hour / 12).unwrap(), 8 + u32::try_from(hour % 12).unwrap(), 0);
        storm.push(Keyed {
            key: format!("booking-{k}"),
            path: "/api/v1/bookings/individual",
            token: students[student].access.clone(),
            body: json!({"courseId": course, "taId": tas[k % 4].id, "startsAt": rfc3339(at), "durationMinutes": 60,
                         "bundlePurchaseId": bundles[student]}),
        });
    }
    for t in 0..TEMPLATES {
        storm.push(Keyed {
            key: format!("template-{t}"),
            path: "/api/v1/group-session-templates",
            token: admin.clone(),
            body: json!({"courseId": course, "taId": tas[t % 4].id, "title": format!("Club {t}"), "capacity": 6,
                         "durationMinutes": 60, "pricePerStudentCents": 1_000}),
        });
    }

    let env: Vec<(String, String)> =
        [("DATABASE_URL", url.as_str()), ("JWT_SECRET", JWT_SECRET), ("RATE_LIMIT_PER_MINUTE", "100000")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
    let start = move || {
        let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        AppProcess::start(&pairs)
    };
    let first = tokio::task::spawn_blocking(start.clone()).await.unwrap();
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();

    // The storm, 48 in flight; the process is killed once KILL_AFTER answers came back.
    let answered = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(Notify::new());
    let address = first.address.clone();
    let before: Vec<Answer> = {
        let storm = futures_util::stream::iter(storm.iter())
            .map(|request| {
                let (http, address, answered, enough) = (&http, &address, answered.clone(), enough.clone());
                async move {
                    let answer = send(http, address, request).await;
                    if answer.is_some() && answered.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                        enough.notify_one();
                    }
                    answer
                }
            })
            .buffered(48)
            .collect::<Vec<_>>();
        let kill = async {
            enough.notified().await;
            tokio::task::spawn_blocking(move || first.kill()).await.unwrap();
        };
        tokio::join!(storm, kill).0
    };
    let lost = before.iter().filter(|a| a.is_none()).count();
    assert!(lost > 0, "the kill landed after the storm: nothing to prove");

    // Started again; every key retried until its answer is final.
    let again = tokio::task::spawn_blocking(start).await.unwrap();
    let mut finals: Vec<(u16, String)> = Vec::new();
    for request in &storm {
        let mut answer = None;
        for _ in 0..400 {
            answer = send(&http, &again.address, request).await;
            if is_final(&answer) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(is_final(&answer), "{}: no final answer: {answer:?}", request.key);
        finals.push(answer.unwrap());
    }

    // Every final answer is the committed outcome: 201, the same as any answer before the kill.
    let mut ids = BTreeMap::new();
    for ((request, before), (status, body)) in storm.iter().zip(&before).zip(&finals) {
        assert_eq!(*status, 201, "{}: {body}", request.key);
        if is_final(before) {
            assert_eq!(
                before.as_ref(),
                Some(&(201, body.clone())),
                "{}: the retry replays the first answer",
                request.key
            );
        }
        let id = serde_json::from_str::<Value>(body).unwrap()["id"].as_str().unwrap().to_owned();
        assert!(ids.insert(id, request.key.clone()).is_none(), "two keys, one resource");
    }
    // Exactly one resource per key, and every answered id is there.
    let bookings = STUDENTS * BOOKINGS_EACH;
    assert_eq!(count(&url, "SELECT count(*) AS n FROM bookings").await, i64::try_from(bookings).unwrap());
    assert_eq!(count(&url, "SELECT count(*) AS n FROM group_session_templates").await, TEMPLATES as i64);
    let listed: Vec<String> = ids.keys().map(|id| format!("'{id}'")).collect();
    let known = format!(
        "SELECT (SELECT count(*) FROM bookings WHERE id::text IN ({0})) + \
                (SELECT count(*) FROM group_session_templates WHERE id::text IN ({0})) AS n",
        listed.join(",")
    );
    assert_eq!(count(&url, &known).await, i64::try_from(ids.len()).unwrap());
    // Each bundle paid its four bookings once: balance and ledger agree.
    let debits = count(&url, "SELECT count(*) AS n FROM ledger_entries WHERE kind = 'debit'").await;
    assert_eq!(debits, i64::try_from(bookings).unwrap());
    let spent =
        count(&url, "SELECT count(*) AS n FROM bundle_purchases WHERE remaining_sessions = total_sessions - 4").await;
    assert_eq!(spent, STUDENTS as i64);
    drop(again);
}
