//! Slot search's bounds: a search comes in pages (`?limit&cursor` → `{data, nextCursor}`) whose
//! size is bounded whatever the window, walked by their cursors to exactly the whole search;
//! and a user's computed searches are bounded (60 a minute, policy `slots`), cached pages not.
//! (The bound on searches computing at once is a unit test of `handlers::slots::limits`: two
//! requests cannot be made to overlap on purpose from outside.)

use chrono::{DateTime, Duration as Span, Utc};
use reqwest::StatusCode;
use serde_json::json;

use crate::academy::{Academy, berlin, rfc3339};
use crate::helpers::{Reply, TestApp, apps};
use crate::slots::refused;

/// A page of a day's 60-minute slots, from Berlin 00:00 of day 2.
fn day_path(course: &str, rest: &str) -> String {
    let (from, to) = (rfc3339(berlin(2, 0, 0)), rfc3339(berlin(3, 0, 0)));
    format!("/api/v1/courses/{course}/slots?from={from}&to={to}&durationMinutes=60{rest}")
}

/// The starts of a page and its `nextCursor`.
fn page(reply: &Reply) -> (Vec<DateTime<Utc>>, Option<String>) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    let starts = body["data"].as_array().unwrap().iter().map(|s| s["startsAt"].as_str().unwrap().parse().unwrap());
    (starts.collect(), body["nextCursor"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn a_search_comes_in_pages_walked_by_their_cursors() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, _) = academy.course_with_tas("ALG-1", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let sam = academy.student("Sam").await;

        // 08:00 to 19:00 every 30 minutes: 23 slots, 20 on the first page by default.
        let whole = page(&app.get(&day_path(&course, "&limit=100"), Some(&sam.access)).await);
        assert_eq!((whole.0.len(), &whole.1), (23, &None), "{:?}", app.backend);
        let first = page(&app.get(&day_path(&course, ""), Some(&sam.access)).await);
        assert_eq!(first.0, whole.0[..20]);
        let cursor = first.1.expect("a next page");
        let second = page(&app.get(&day_path(&course, &format!("&cursor={cursor}")), Some(&sam.access)).await);
        assert_eq!((second.0.as_slice(), second.1), (&whole.0[20..], None));

        // Pages of 7, walked to the end, are the whole search.
        let (mut walked, mut cursor) = (Vec::new(), String::new());
        loop {
            let (starts, next) =
                page(&app.get(&day_path(&course, &format!("&limit=7&cursor={cursor}")), Some(&sam.access)).await);
            assert!(starts.len() <= 7);
            walked.extend(starts);
            match next {
                Some(next) => cursor = next,
                None => break,
            }
        }
        assert_eq!(walked, whole.0);
    }
}

#[tokio::test]
async fn the_widest_search_answers_a_bounded_page() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let names = ["Tara", "Theo", "Tina", "Tom", "Tess"];
        let (course, _) = academy.course_with_tas("ALG-1", &names).await;
        let course = course["id"].as_str().unwrap().to_owned();
        academy.settings(json!({"slotStepMinutes": 5})).await;
        let sam = academy.student("Sam").await;
        let from = berlin(1, 0, 0);
        let path = format!(
            "/api/v1/courses/{course}/slots?from={}&to={}&durationMinutes=15&limit=100",
            rfc3339(from),
            rfc3339(from + Span::days(31))
        );

        // 31 days of 5-minute starts, each with 5 TAs: ~4 400 slots, of which one page.
        let reply = app.get(&path, Some(&sam.access)).await;
        let (starts, next) = page(&reply);
        assert_eq!(starts.len(), 100, "{:?}", app.backend);
        assert!(next.is_some());
        assert!(reply.text.len() <= 100 * (79 + 39 * names.len()) + 60, "{} bytes", reply.text.len());
        let body = reply.json();
        assert!(body["data"].as_array().unwrap().iter().all(|s| s["taIds"].as_array().unwrap().len() == names.len()));
    }
}

#[tokio::test]
async fn bad_pages_are_refused_with_their_codes() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, _) = academy.course_with_tas("ALG-1", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let token = academy.student("Sam").await.access;
        for (rest, fields) in
            [("&limit=0", vec!["limit"]), ("&limit=101", vec!["limit"]), ("&cursor=nope", vec!["cursor"])]
        {
            assert_eq!(refused(&app.get(&day_path(&course, rest), Some(&token)).await), fields, "{rest}");
        }
        app.get(&day_path(&course, "&limit=ten"), Some(&token)).await.problem(400, "malformed_request");

        // A cursor belongs to its search: another day's is outside this window, and a list's is
        // not a slot cursor at all.
        let later = format!(
            "/api/v1/courses/{course}/slots?from={}&to={}&durationMinutes=60&limit=1",
            rfc3339(berlin(4, 0, 0)),
            rfc3339(berlin(5, 0, 0))
        );
        let (_, cursor) = page(&app.get(&later, Some(&token)).await);
        let reply = app.get(&day_path(&course, &format!("&cursor={}", cursor.unwrap())), Some(&token)).await;
        assert_eq!(refused(&reply), vec!["cursor"]);
        academy.course("GEO-1", "Geometry").await;
        let courses = app.get("/api/v1/courses?limit=1", Some(&token)).await.json();
        let list_cursor = courses["nextCursor"].as_str().expect("two courses, pages of one");
        let reply = app.get(&day_path(&course, &format!("&cursor={list_cursor}")), Some(&token)).await;
        assert_eq!(refused(&reply), vec!["cursor"]);
    }
}

/// Search `n` of one user: another page size or `from` each time, so that none is a cached
/// page (`from` moves by whole grid cells).
async fn computed(app: &TestApp, token: &str, course: &str, n: u32) -> Reply {
    let from = berlin(2, 0, 0) + Span::minutes(30 * i64::from(n / 100));
    let path = format!(
        "/api/v1/courses/{course}/slots?from={}&to={}&durationMinutes=60&limit={}",
        rfc3339(from),
        rfc3339(from + Span::days(1)),
        1 + n % 100
    );
    app.get(&path, Some(token)).await
}

#[tokio::test]
async fn a_user_computes_at_most_sixty_searches_a_minute_and_cached_pages_still_come() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, _) = academy.course_with_tas("ALG-1", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let (sam, kim) = (academy.student("Sam").await, academy.student("Kim").await);

        // 60 at once, then one a second: the first refusal comes after at least 60, well
        // before 300 (each search takes far less than the second that frees a place).
        let mut n = 0;
        let over = loop {
            let reply = computed(&app, &sam.access, &course, n).await;
            if reply.status != StatusCode::OK {
                break reply;
            }
            assert_eq!(reply.header("cache-status"), Some("engify; fwd=miss; stored"), "search {n}");
            n += 1;
            assert!(n < 300, "{:?}: no search refused", app.backend);
        };
        assert!(n >= 60, "refused after {n}");
        let problem = over.problem(429, "rate_limited");
        assert!(problem["detail"].as_str().unwrap().contains("slot searches a minute"), "{problem}");
        let retry: u64 = over.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry), "{retry}");

        // A page already computed is served from the cache; other users are not held, nor the
        // user's other reads.
        let cached = computed(&app, &sam.access, &course, 7).await;
        assert_eq!((cached.status, cached.header("cache-status")), (StatusCode::OK, Some("engify; hit")));
        assert_eq!(computed(&app, &kim.access, &course, n).await.status, StatusCode::OK, "{:?}", app.backend);
        assert_eq!(app.get("/api/v1/courses", Some(&sam.access)).await.status, StatusCode::OK);
    }
}
