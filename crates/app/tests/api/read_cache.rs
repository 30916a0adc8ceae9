//! The read cache over HTTP: catalog reads and slot searches are served from it
//! (`Cache-Status: engify; hit`), and every write that changes them — course, product, TA
//! assignment, availability, template; booking, cancellation, group session, settings — is
//! visible to the very next read. In process and in Redis; across instances sharing Redis in
//! `multi_instance`.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::academy::{Academy, berlin, rfc3339};
use crate::bookings::{booked, cancel, session, with};
use crate::helpers::{Reply, TestApp};
use crate::shared_state::every_edge;

fn is_hit(reply: &Reply) -> bool {
    reply.header("cache-status") == Some("engify; hit")
}

/// Reads `path` twice: the second read is a hit with the same body. Returns the body.
pub async fn read_twice(app: &TestApp, path: &str, token: &str) -> serde_json::Value {
    let first = app.get(path, Some(token)).await;
    assert_eq!(first.status, 200, "{path}: {}", first.text);
    let second = app.get(path, Some(token)).await;
    assert!(is_hit(&second), "{path}: {:?}", second.header("cache-status"));
    assert_eq!(second.text, first.text);
    second.json()
}

#[tokio::test]
async fn every_catalog_write_shows_in_the_next_read() {
    for app in every_edge().await {
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin.access.clone();
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course_id = course["id"].as_str().unwrap().to_owned();
        let ta = tas[0].id.clone();
        let sam = academy.student("Sam").await;

        // Courses: a change of title.
        let courses = "/api/v1/courses";
        assert_eq!(read_twice(&app, courses, &sam.access).await["data"][0]["title"], "Course MATH-101");
        let reply = app.patch(&format!("{courses}/{course_id}"), Some(&admin), json!({"title": "Algebra"})).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let after = app.get(courses, Some(&sam.access)).await;
        assert!(!is_hit(&after));
        assert_eq!(after.json()["data"][0]["title"], "Algebra");
        assert_eq!(app.get(&format!("{courses}/{course_id}"), Some(&sam.access)).await.json()["title"], "Algebra");

        // Products: a new bundle.
        let products = format!("/api/v1/courses/{course_id}/products");
        assert_eq!(read_twice(&app, &products, &sam.access).await["data"].as_array().unwrap().len(), 1);
        academy.bundle(&course_id, 5, 30, 18_000).await;
        assert_eq!(app.get(&products, Some(&sam.access)).await.json()["data"].as_array().unwrap().len(), 2);

        // Course TAs: an unassignment.
        let course_tas = format!("/api/v1/courses/{course_id}/tas");
        assert_eq!(read_twice(&app, &course_tas, &sam.access).await["data"].as_array().unwrap().len(), 1);
        let reply = app.delete(&format!("{course_tas}/{ta}"), Some(&admin)).await;
        assert_eq!(reply.status, 204, "{}", reply.text);
        assert_eq!(app.get(&course_tas, Some(&sam.access)).await.json()["data"].as_array().unwrap().len(), 0);

        // TAs: an invitation.
        let tas_path = "/api/v1/tas";
        assert_eq!(read_twice(&app, tas_path, &sam.access).await["data"].as_array().unwrap().len(), 1);
        academy.ta("Theo").await;
        assert_eq!(app.get(tas_path, Some(&sam.access)).await.json()["data"].as_array().unwrap().len(), 2);

        // Availability: the TA's own change.
        let availability = format!("/api/v1/tas/{ta}/availability");
        let before = read_twice(&app, &availability, &sam.access).await;
        let mut changed = before.clone();
        changed["weekly"] = json!([{"weekday": 1, "start": "10:00", "end": "12:00"}]);
        let reply = app.put(&availability, Some(&tas[0].access), Some(changed)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        assert_eq!(app.get(&availability, Some(&sam.access)).await.json()["weekly"].as_array().unwrap().len(), 1);

        // Templates: a new one.
        let templates = "/api/v1/group-session-templates";
        assert_eq!(read_twice(&app, templates, &sam.access).await["data"].as_array().unwrap().len(), 0);
        let (course2, tas2) = academy.course_with_tas("PHYS-101", &["Tina"]).await;
        let template = json!({"courseId": course2["id"], "taId": tas2[0].id, "title": "Study group",
            "capacity": 5, "durationMinutes": 60, "pricePerStudentCents": 1_500});
        let reply = app.post(templates, Some(&admin), template).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        assert_eq!(app.get(templates, Some(&sam.access)).await.json()["data"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn organizations_never_see_each_others_cached_reads() {
    for app in every_edge().await {
        let acme = Academy::new(&app, "acme").await;
        acme.course("MATH-101", "Algebra").await;
        let globex = Academy::new(&app, "globex").await;
        read_twice(&app, "/api/v1/courses", &acme.admin.access).await;
        let theirs = app.get("/api/v1/courses", Some(&globex.admin.access)).await;
        assert!(!is_hit(&theirs));
        assert_eq!(theirs.json()["data"].as_array().unwrap().len(), 0);
    }
}

/// The slot starts of a search reply.
fn starts(body: &Value) -> Vec<DateTime<Utc>> {
    body["data"].as_array().unwrap().iter().map(|s| s["startsAt"].as_str().unwrap().parse().unwrap()).collect()
}

/// The 60-minute slots of `course` on the day after tomorrow, Berlin time.
pub fn day_of_slots(course: &str) -> String {
    let (from, to) = (rfc3339(berlin(2, 0, 0)), rfc3339(berlin(3, 0, 0)));
    format!("/api/v1/courses/{course}/slots?from={from}&to={to}&durationMinutes=60")
}

#[tokio::test]
async fn every_schedule_write_shows_in_the_next_slot_search() {
    for app in every_edge().await {
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin.access.clone();
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let sam = academy.student("Sam").await;
        let path = day_of_slots(&course);
        let fresh = |reply: &Reply| {
            assert_eq!(reply.status, 200, "{}", reply.text);
            assert!(!is_hit(reply), "served from the cache after a write");
            starts(&reply.json())
        };
        let ten = berlin(2, 10, 0);

        // A booking takes 10:00…
        assert!(starts(&read_twice(&app, &path, &sam.access).await).contains(&ten));
        let booking = booked(&app, &sam.access, with(session(&course, ten, 60), &json!({"taId": tas[0].id}))).await;
        let after = fresh(&app.get(&path, Some(&sam.access)).await);
        assert!(!after.contains(&ten) && !after.contains(&berlin(2, 9, 30)), "{after:?}");

        // …and its cancellation gives it back.
        read_twice(&app, &path, &sam.access).await;
        assert_eq!(cancel(&app, &sam.access, &booking, json!({})).await.status, 200);
        assert!(fresh(&app.get(&path, Some(&sam.access)).await).contains(&ten));

        // A group session of the TA takes 14:00.
        let template = json!({"courseId": course, "taId": tas[0].id, "title": "Study group",
            "capacity": 5, "durationMinutes": 60, "pricePerStudentCents": 1_500});
        let template = app.post("/api/v1/group-session-templates", Some(&admin), template).await;
        assert_eq!(template.status, 201, "{}", template.text);
        let fourteen = berlin(2, 14, 0);
        assert!(starts(&read_twice(&app, &path, &sam.access).await).contains(&fourteen));
        let body = json!({"templateId": template.json()["id"], "startsAt": rfc3339(fourteen)});
        let scheduled = app.post("/api/v1/group-sessions", Some(&admin), body).await;
        assert_eq!(scheduled.status, 201, "{}", scheduled.text);
        assert!(!fresh(&app.get(&path, Some(&sam.access)).await).contains(&fourteen));

        // A settings change (an hourly grid) reshapes every slot.
        read_twice(&app, &path, &sam.access).await;
        academy.settings(json!({"slotStepMinutes": 60})).await;
        assert!(fresh(&app.get(&path, Some(&sam.access)).await).iter().all(|s| s.format("%M").to_string() == "00"));
    }
}

#[tokio::test]
async fn keyed_writes_show_in_the_next_read_and_refused_writes_keep_the_cache() {
    for app in every_edge().await {
        let admin = app.sign_up("acme").await;
        let courses = "/api/v1/courses";
        let reply = app.post(courses, Some(&admin.access), json!({"code": "MATH-101", "title": "Algebra"})).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        read_twice(&app, courses, &admin.access).await;
        // Refused (the code is taken): nothing changed, the cached read stays.
        let refused = app.post(courses, Some(&admin.access), json!({"code": "MATH-101", "title": "Again"})).await;
        refused.problem(409, "course_code_taken");
        assert!(is_hit(&app.get(courses, Some(&admin.access)).await), "a 4xx invalidates nothing");
        // A keyed write commits after its handler returns; the read after it still sees it.
        let keyed =
            app.post_keyed(courses, Some(&admin.access), json!({"code": "PHYS-101", "title": "Physics"}), "phys").await;
        assert_eq!(keyed.status, 201, "{}", keyed.text);
        let after = app.get(courses, Some(&admin.access)).await;
        assert!(!is_hit(&after));
        assert_eq!(after.json()["data"].as_array().unwrap().len(), 2, "{:?}", app.backend);
    }
}

#[tokio::test]
async fn searches_of_one_grid_cell_share_their_cache_entry_and_answer() {
    for app in every_edge().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, _) = academy.course_with_tas("MATH-101", &["Tara"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let sam = academy.student("Sam").await;
        let search = |from: DateTime<Utc>, to: DateTime<Utc>| {
            let path =
                format!("/api/v1/courses/{course}/slots?from={}&to={}&durationMinutes=60", rfc3339(from), rfc3339(to));
            let token = sam.access.clone();
            let app = &app;
            async move { app.get(&path, Some(&token)).await }
        };
        let minutes = |m| chrono::Duration::minutes(m);
        let (ten, noon) = (berlin(2, 10, 0), berlin(2, 12, 0));

        // 10:01 is in the half hour that ends at 10:30: the first slot is 10:30, not 10:00.
        let first = search(ten + minutes(1), noon).await;
        assert_eq!(first.status, 200, "{}", first.text);
        assert!(!is_hit(&first));
        assert_eq!(starts(&first.json()), vec![ten + minutes(30), ten + minutes(60), ten + minutes(90)]);
        // Any `from` in (10:00, 10:30] and `to` in (11:30, 12:00] is the same search.
        for (from, to) in [(2, 0), (29, -1), (30, -29), (17, -15)] {
            let again = search(ten + minutes(from), noon + minutes(to)).await;
            assert!(is_hit(&again), "{:?}: from +{from}, to {to}: {:?}", app.backend, again.header("cache-status"));
            assert_eq!(again.text, first.text);
        }
        // The next cell is another search.
        let next = search(ten + minutes(31), noon).await;
        assert!(!is_hit(&next));
        assert_eq!(starts(&next.json()), vec![ten + minutes(60), ten + minutes(90)]);
    }
}
