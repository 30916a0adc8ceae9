//! Three instances on different ports sharing one PostgreSQL database and one Redis (a key
//! prefix of this test's own): the rate limit is one budget, an idempotency key replays on
//! every instance, a logged-out session is refused by all at once, failed logins lock the
//! account on all, a catalog write shows in every instance's next read (and a booking in every
//! instance's next slot search), and bookings racing across instances still produce exactly
//! one.

use futures_util::future::join_all;
use serde_json::json;

use crate::academy::{Academy, berlin, rfc3339};
use crate::bookings::{book, booked, session, with};
use crate::helpers::{PASSWORD, TestApp};
use crate::rate_limits::parse_ratelimit;
use crate::read_cache::day_of_slots;
use crate::shared_state::{TestRedis, instances};

async fn three(tweak: impl Fn(&mut app::Settings)) -> Option<Vec<TestApp>> {
    instances(&TestRedis::new()?, 3, tweak).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_auth_rate_limit_is_one_budget_across_instances() {
    let Some(apps) = three(|s| s.auth_rate_limit_per_minute = 6).await else { return };
    // A new email each time, so that the lockout (5 failures per email) stays out of the way.
    let login =
        |n: usize| json!({"organizationSlug": "acme", "email": format!("nobody{n}@acme.test"), "password": PASSWORD});
    let mut allowed = 0;
    for round in 0..3 {
        for (i, app) in apps.iter().enumerate() {
            let reply = app.post("/api/v1/auth/login", None, login(round * 3 + i)).await;
            match reply.status.as_u16() {
                401 => allowed += 1,
                429 => assert!(round >= 2, "refused too early: {}", reply.text),
                other => panic!("unexpected {other}: {}", reply.text),
            }
        }
    }
    assert_eq!(allowed, 6, "six in a minute, whichever instance counted them");
    let reply = apps[0].post("/api/v1/auth/login", None, login(99)).await;
    reply.problem(429, "rate_limited");
    assert_eq!(parse_ratelimit(reply.header("ratelimit").unwrap(), "auth").0, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_idempotency_key_replays_on_every_instance_and_concurrent_retries_run_once() {
    let Some(apps) = three(|_| {}).await else { return };
    let academy = Academy::new(&apps[0], "acme").await;
    let (course, _) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let sam = academy.student("Sam").await;
    let path = "/api/v1/bookings/individual";

    let body = session(&course, berlin(2, 10, 0), 60);
    let first = apps[0].post_keyed(path, Some(&sam.access), body.clone(), "once").await;
    assert_eq!(first.status, 201, "{}", first.text);
    for app in &apps[1..] {
        let replay = app.post_keyed(path, Some(&sam.access), body.clone(), "once").await;
        assert_eq!((replay.status, replay.text.as_str()), (first.status, first.text.as_str()));
        assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    }

    // Fifty retries of a new key at once, spread over the instances: one execution.
    let body = session(&course, berlin(2, 14, 0), 60);
    let replies =
        join_all((0..50).map(|i| apps[i % 3].post_keyed(path, Some(&sam.access), body.clone(), "storm"))).await;
    let executed = replies.iter().filter(|r| r.status == 201 && r.header("idempotent-replayed").is_none()).count();
    assert_eq!(executed, 1);
    assert!(
        replies
            .iter()
            .all(|r| r.status == 201 || (r.status == 409 && r.json()["code"] == "idempotency_key_in_progress"))
    );
    let mine = apps[2].get("/api/v1/bookings?limit=100", Some(&sam.access)).await.json();
    assert_eq!(mine["data"].as_array().unwrap().len(), 2, "one booking per key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_logged_out_session_is_refused_by_every_instance_at_once() {
    let Some(apps) = three(|_| {}).await else { return };
    let admin = apps[0].sign_up("acme").await;
    for app in &apps {
        assert_eq!(app.get("/api/v1/me", Some(&admin.access)).await.status, 200);
    }
    let reply = apps[1].post("/api/v1/auth/logout", Some(&admin.access), json!({"refreshToken": admin.refresh})).await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    for app in &apps {
        app.get("/api/v1/me", Some(&admin.access)).await.problem(401, "unauthenticated");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_catalog_write_on_one_instance_shows_in_the_next_read_on_every_other() {
    let Some(apps) = three(|_| {}).await else { return };
    let academy = Academy::new(&apps[0], "acme").await;
    let course = academy.course("MATH-101", "Algebra").await;
    let path = format!("/api/v1/courses/{}", course["id"].as_str().unwrap());
    let admin = &academy.admin.access;
    for title in ["Geometry", "Calculus", "Topology"] {
        // Every instance reads (and caches) the current title…
        for app in &apps {
            app.get(&path, Some(admin)).await;
            app.get(&path, Some(admin)).await;
        }
        // …one changes it…
        let reply = apps[1].patch(&path, Some(admin), json!({"title": title})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        // …and no instance serves the old one.
        for app in &apps {
            assert_eq!(app.get(&path, Some(admin)).await.json()["title"], title);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_booking_on_one_instance_shows_in_the_next_slot_search_on_every_other() {
    let Some(apps) = three(|_| {}).await else { return };
    let academy = Academy::new(&apps[0], "acme").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let sam = academy.student("Sam").await;
    let path = day_of_slots(&course);
    let offered = |reply: crate::helpers::Reply, at: &str| {
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json()["data"].as_array().unwrap().iter().any(|s| s["startsAt"] == at)
    };
    for (i, hour) in [9, 12, 15].into_iter().enumerate() {
        let at = rfc3339(berlin(2, hour, 0));
        // Every instance searches (and caches) the day…
        for app in &apps {
            assert!(offered(app.get(&path, Some(&sam.access)).await, &at));
            assert!(offered(app.get(&path, Some(&sam.access)).await, &at));
        }
        // …one books a slot…
        booked(&apps[i], &sam.access, with(session(&course, berlin(2, hour, 0), 60), &json!({"taId": tas[0].id})))
            .await;
        // …and no instance offers it any more.
        for app in &apps {
            assert!(!offered(app.get(&path, Some(&sam.access)).await, &at), "{hour}:00 still offered");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bookings_racing_across_instances_produce_exactly_one() {
    let Some(apps) = three(|_| {}).await else { return };
    let academy = Academy::new(&apps[0], "acme").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let names: Vec<String> = (0..30).map(|i| format!("Student{i:02}")).collect();
    let mut students = Vec::new();
    for chunk in names.chunks(6) {
        students.extend(join_all(chunk.iter().map(|name| academy.student(name))).await);
    }
    let body = with(session(&course, berlin(2, 10, 0), 60), &json!({"taId": tas[0].id}));
    let replies = join_all(students.iter().enumerate().map(|(i, s)| book(&apps[i % 3], &s.access, body.clone()))).await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    let taken = replies.iter().filter(|r| r.status == 409 && r.json()["code"] == "ta_unavailable").count();
    let statuses: Vec<u16> = replies.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!((created, taken), (1, 29), "statuses: {statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_logins_spread_over_instances_lock_the_account_on_all() {
    let Some(apps) = three(|_| {}).await else { return };
    apps[0].sign_up("acme").await;
    // LOGIN_MAX_FAILURES is 5: five failures, whichever instances saw them.
    for i in 0..5 {
        let reply = apps[i % 3].login("acme", "admin@acme.test", "wrong-password-123").await;
        assert_eq!(reply.status, 401, "{}", reply.text);
    }
    for app in &apps {
        let reply = app.login("acme", "admin@acme.test", PASSWORD).await;
        reply.problem(423, "account_locked");
        assert!(reply.header("retry-after").is_some());
    }
}
