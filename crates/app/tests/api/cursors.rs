//! Cursors belong to the list that issued them: on every paged list, on both databases, a
//! cursor of another list, a tampered one (a NUL byte in its key, which PostgreSQL text cannot
//! hold) or one that is not a cursor at all is 400 `validation_failed` naming `cursor`, never
//! a 500 and never a page of something else; a list's own cursor still pages.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, apps};

/// Every paged list of the API.
const LISTS: &[&str] = &[
    "/api/v1/courses",
    "/api/v1/tas",
    "/api/v1/group-session-templates",
    "/api/v1/bookings",
    "/api/v1/group-sessions",
    "/api/v1/bundle-purchases",
    "/api/v1/admin/jobs",
    "/api/v1/admin/audit-events",
];

/// The `nextCursor` of the first one-row page of `list`.
async fn first_cursor(app: &TestApp, token: &str, list: &str) -> String {
    let page = app.get(&format!("{list}?limit=1"), Some(token)).await;
    assert_eq!(page.status, StatusCode::OK, "{:?} {list}: {}", app.backend, page.text);
    page.json()["nextCursor"].as_str().unwrap_or_else(|| panic!("{list} has a second page: {}", page.text)).to_owned()
}

/// `cursor` with `from` replaced by `to` in its decoded text (the cursor stays well-formed:
/// only its key changes).
fn tampered(cursor: &str, from: &str, to: &str) -> String {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).unwrap()).unwrap();
    assert!(text.contains(from), "the cursor holds its key `{from}`: {text:?}");
    URL_SAFE_NO_PAD.encode(text.replace(from, to))
}

#[tokio::test]
async fn cursors_of_other_lists_and_forged_cursors_are_refused_on_every_list() {
    for app in apps().await {
        let admin = app.sign_up("cursor-lists").await;
        let token = admin.access.as_str();
        for code in ["MATH-101", "MATH-102"] {
            let course = app.post("/api/v1/courses", Some(token), json!({"code": code, "title": "Algebra"})).await;
            assert_eq!(course.status, StatusCode::CREATED, "{}", course.text);
        }
        for _ in 0..2 {
            assert_eq!(app.login("cursor-lists", "admin@cursor-lists.test", PASSWORD).await.status, StatusCode::OK);
        }
        let by_code = first_cursor(&app, token, "/api/v1/courses").await;
        let by_time = first_cursor(&app, token, "/api/v1/admin/audit-events").await;
        for (list, own) in [("/api/v1/courses", &by_code), ("/api/v1/admin/audit-events", &by_time)] {
            let next = app.get(&format!("{list}?limit=1&cursor={own}"), Some(token)).await;
            assert_eq!(
                next.status,
                StatusCode::OK,
                "{:?} {list} pages with its own cursor: {}",
                app.backend,
                next.text
            );
        }

        let with_nul = tampered(&by_code, "MATH-101", "MATH\u{0}-101");
        let garbage = URL_SAFE_NO_PAD.encode("no list wrote this");
        for list in LISTS {
            let mut refused = vec![("a forged cursor", with_nul.clone()), ("not a cursor", garbage.clone())];
            if *list != "/api/v1/courses" {
                refused.push(("the cursor of /courses", by_code.clone()));
            }
            if *list != "/api/v1/admin/audit-events" {
                refused.push(("the cursor of /admin/audit-events", by_time.clone()));
            }
            for (what, cursor) in refused {
                let reply = app.get(&format!("{list}?cursor={cursor}"), Some(token)).await;
                assert_eq!(
                    reply.status,
                    StatusCode::BAD_REQUEST,
                    "{:?} {list} with {what}: {}",
                    app.backend,
                    reply.text
                );
                let problem = reply.problem(400, "validation_failed");
                assert_eq!(problem["errors"][0]["field"], "cursor", "{list} with {what}: {problem}");
            }
        }
    }
}
