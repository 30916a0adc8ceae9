//! `/metrics` after traffic, in this process alone (its recorder counts nothing else): request
//! counts and latency histograms by method, route pattern and status; the database pool; the
//! outbox; rate-limit refusals; login failures and locks; bookings created and cancelled; and
//! no new series, whatever methods and paths clients invent.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;

use crate::academy::{Academy, berlin, rfc3339};
use crate::helpers::{PASSWORD, spawn_with};

/// The value of the sample `name{labels…}` (labels in any order), or 0 when absent.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .filter(|(series, _)| {
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            metric == name && labels.iter().all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
        })
        .map(|(_, value)| value.parse::<f64>().unwrap())
        .sum()
}

/// Held by each test while it sends traffic: they read the process's one recorder.
static RECORDER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The number of series (sample lines) in a scrape.
fn series(text: &str) -> usize {
    text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_the_traffic_they_saw() {
    let _alone = RECORDER.lock().await;
    let db = Arc::new(test_support::sqlite::database().await);
    let app = spawn_with(db, |s| s.auth_rate_limit_per_minute = 30).await;
    // The other test of this file may have run first: unmatched requests are counted from here.
    let unmatched = [("route", "unmatched")];
    let unmatched_before = sample(&app.get("/metrics", None).await.text, "http_requests_total", &unmatched);
    let academy = Academy::new(&app, "acme").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let sam = academy.student("Sam").await;
    for _ in 0..3 {
        let wrong = app.login("acme", &sam.email, "not-the-password-at-all").await;
        assert_eq!(wrong.status, 401);
    }
    let body = json!({"courseId": course["id"], "taId": tas[0].id, "startsAt": rfc3339(berlin(2, 10, 0)),
                      "durationMinutes": 60});
    let booking = app.post("/api/v1/bookings/individual", Some(&sam.access), body.clone()).await;
    assert_eq!(booking.status, 201, "{}", booking.text);
    // A replay of an idempotent request is not a second booking.
    for _ in 0..2 {
        let keyed = app
            .request_with(
                reqwest::Method::POST,
                "/api/v1/bookings/individual",
                Some(&sam.access),
                Some(json!({"courseId": course["id"], "taId": tas[0].id,
                            "startsAt": rfc3339(berlin(2, 14, 0)), "durationMinutes": 60})),
                &[("idempotency-key", "k1")],
            )
            .await;
        assert_eq!(keyed.status, 201, "{}", keyed.text);
    }
    let cancel = format!("/api/v1/bookings/{}/cancel", booking.json()["id"].as_str().unwrap());
    assert_eq!(app.post(&cancel, Some(&sam.access), json!({})).await.status, 200);
    for _ in 0..5 {
        app.get(&format!("/api/v1/courses/{}", course["id"].as_str().unwrap()), Some(&sam.access)).await;
    }
    // Exhaust the auth limit (30 a minute per IP; the set-up spent some).
    let mut limited = 0;
    for _ in 0..40 {
        if app.login("acme", "nobody@acme.test", PASSWORD).await.status == 429 {
            limited += 1;
        }
    }
    assert!(limited > 0);

    let text = app.get("/metrics", None).await.text;
    let get_course = [("method", "GET"), ("route", "/api/v1/courses/{id}"), ("status", "200")];
    assert_eq!(sample(&text, "http_requests_total", &get_course), 5.0, "{text}");
    assert_eq!(sample(&text, "http_request_duration_seconds_count", &get_course), 5.0);
    let buckets = text.lines().filter(|l| l.starts_with("http_request_duration_seconds_bucket{")).count();
    assert!(buckets > 0, "latency is a histogram");
    let booked = [("method", "POST"), ("route", "/api/v1/bookings/individual"), ("status", "201")];
    assert_eq!(sample(&text, "http_requests_total", &booked), 3.0, "every request counts, replays too");
    assert_eq!(sample(&text, "engify_bookings_created_total", &[("kind", "individual")]), 2.0, "not the replay");
    assert_eq!(sample(&text, "engify_bookings_cancelled_total", &[("kind", "booking")]), 1.0);
    // Sam's three, then nobody's five until the lockout, whose refusals count apart.
    assert_eq!(sample(&text, "engify_login_failures_total", &[]), 8.0);
    assert_eq!(sample(&text, "engify_login_locked_total", &[]), 40.0 - 5.0 - f64::from(limited));
    assert_eq!(sample(&text, "engify_rate_limited_total", &[("policy", "auth")]), f64::from(limited));
    let unmatched_now = sample(&text, "http_requests_total", &unmatched);
    assert_eq!(unmatched_now, unmatched_before, "no raw paths as labels");
    app.get("/no/such/path", None).await;
    let text = app.get("/metrics", None).await.text;
    assert_eq!(sample(&text, "http_requests_total", &unmatched), unmatched_before + 1.0);
    assert!(sample(&text, "engify_db_pool_connections", &[("state", "idle")]) >= 0.0);
    assert!(text.contains("engify_db_pool_max 5"), "{text}");
    assert!(text.contains("engify_outbox_pending"));
}

/// Request `i` of the invented traffic: a made-up method (every third request `GET`) on one of
/// four kinds of path, each with random parts — a route of the API, an unknown path under
/// `/api/v1` (rate-limited), one outside it (not limited), one beside a route.
fn invented(i: usize) -> (Method, String) {
    let random = || uuid::Uuid::new_v4().simple().to_string();
    let method = if i.is_multiple_of(3) {
        Method::GET
    } else {
        Method::from_bytes(format!("X{}", &random()[..1 + i % 12]).to_uppercase().as_bytes()).unwrap()
    };
    let path = match i % 4 {
        0 => format!("/api/v1/courses/{}", uuid::Uuid::new_v4()),
        1 => format!("/api/v1/{}/{}", random(), random()),
        2 => format!("/{}", random()),
        _ => format!("/api/v1/courses/{}/{}", uuid::Uuid::new_v4(), random()),
    };
    (method, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invented_methods_and_paths_add_no_series() {
    let _alone = RECORDER.lock().await;
    let db = Arc::new(test_support::sqlite::database().await);
    // A low `default` limit: most of the invented requests are refused with 429, and counted.
    let app = spawn_with(db, |s| s.rate_limit_per_minute = 20).await;
    let send = |(method, path): (Method, String)| {
        let app = &app;
        async move { app.request(method, &path, None, None).await }
    };
    // Every kind of request once while allowed, then past the limit, then the scrape itself.
    for i in 0..12 {
        send(invented(i)).await;
    }
    for i in 0..40 {
        send(invented(i)).await;
    }
    app.get("/metrics", None).await;
    let before = app.get("/metrics", None).await.text;

    for i in 0..1_000 {
        send(invented(i)).await;
    }
    let after = app.get("/metrics", None).await.text;
    assert_eq!(series(&after), series(&before), "{after}");
    let refused = [("method", "OTHER"), ("route", "/api/v1/courses/{id}"), ("status", "429")];
    assert!(sample(&after, "http_requests_total", &refused) > sample(&before, "http_requests_total", &refused));
    // Outside `/api/v1` nothing is limited: the 167 invented methods on unknown paths are 404s.
    let outside = [("method", "OTHER"), ("route", "unmatched"), ("status", "404")];
    let (was, is) = (sample(&before, "http_requests_total", &outside), sample(&after, "http_requests_total", &outside));
    assert_eq!(is - was, 167.0);
}
