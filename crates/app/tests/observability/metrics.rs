//! `/metrics` after traffic, in this process alone (its recorder counts nothing else): request
//! counts and latency histograms by method, route pattern and status; the database pool; the
//! outbox; rate-limit refusals; login failures and locks; bookings created and cancelled.

use std::sync::Arc;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_the_traffic_they_saw() {
    let db = Arc::new(test_support::sqlite::database().await);
    let app = spawn_with(db, |s| s.auth_rate_limit_per_minute = 30).await;
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
    let unmatched = [("route", "unmatched")];
    assert_eq!(sample(&text, "http_requests_total", &unmatched), 0.0, "no raw paths as labels");
    app.get("/no/such/path", None).await;
    let text = app.get("/metrics", None).await.text;
    assert_eq!(sample(&text, "http_requests_total", &unmatched), 1.0);
    assert!(sample(&text, "engify_db_pool_connections", &[("state", "idle")]) >= 0.0);
    assert!(text.contains("engify_db_pool_max 5"), "{text}");
    assert!(text.contains("engify_outbox_pending"));
}
