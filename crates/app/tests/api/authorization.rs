//! The authorization matrix: every route of the OpenAPI document that takes an id, called by an
//! admin, a TA and a student, on their own organization's resource and on another
//! organization's. Across tenants the answer is 404 for a role that may use the route and never
//! a 2xx for anyone; within the organization a role api.md does not allow never gets a 2xx, and
//! an allowed role reading its own resource gets 200. The route list comes from the served
//! document, so a new route with an id fails this test until it is added to the table.

use reqwest::Method;
use serde_json::{Value, json};

use crate::academy::{Academy, Member, berlin, rfc3339};
use crate::helpers::{TestApp, apps};

/// Who may use a route on a resource of their own organization that they are party to.
#[derive(Debug, Clone, Copy)]
struct Allowed {
    admin: bool,
    ta: bool,
    student: bool,
}

const ADMIN: Allowed = Allowed { admin: true, ta: false, student: false };
const MEMBER: Allowed = Allowed { admin: true, ta: true, student: true };
const ADMIN_OR_TA: Allowed = Allowed { admin: true, ta: true, student: false };
const ADMIN_OR_OWNER: Allowed = Allowed { admin: true, ta: false, student: true };
const STUDENT: Allowed = Allowed { admin: false, ta: false, student: true };

/// The table: api.md's "who" column for every route with an id.
const TABLE: &[(&str, &str, Allowed)] = &[
    ("GET", "/api/v1/courses/{id}", MEMBER),
    ("PATCH", "/api/v1/courses/{id}", ADMIN),
    ("PUT", "/api/v1/courses/{id}/tas/{taId}", ADMIN),
    ("DELETE", "/api/v1/courses/{id}/tas/{taId}", ADMIN),
    ("GET", "/api/v1/courses/{id}/tas", MEMBER),
    ("POST", "/api/v1/courses/{id}/products", ADMIN),
    ("GET", "/api/v1/courses/{id}/products", MEMBER),
    ("GET", "/api/v1/courses/{id}/slots", MEMBER),
    ("GET", "/api/v1/products/{id}", MEMBER),
    ("PATCH", "/api/v1/products/{id}", ADMIN),
    // Any member, like the list (docs/decisions.md).
    ("GET", "/api/v1/tas/{taId}", MEMBER),
    ("GET", "/api/v1/tas/{taId}/availability", MEMBER),
    ("PUT", "/api/v1/tas/{taId}/availability", ADMIN_OR_TA),
    ("GET", "/api/v1/bundle-purchases/{id}", ADMIN_OR_OWNER),
    ("GET", "/api/v1/bundle-purchases/{id}/ledger", ADMIN_OR_OWNER),
    ("GET", "/api/v1/bookings/{id}", MEMBER),
    // Admins any booking, the TA their own, a student their own individual booking.
    ("POST", "/api/v1/bookings/{id}/cancel", MEMBER),
    // Admins any booking, the TA their own, a student their own individual booking.
    ("POST", "/api/v1/bookings/{id}/reschedule", MEMBER),
    // Admins any booking, the TA their own (the matrix's booking has not started: 422 for them).
    ("PUT", "/api/v1/bookings/{id}/attendance", ADMIN_OR_TA),
    // The student themself, or an admin.
    ("GET", "/api/v1/students/{id}/credit-statement", ADMIN_OR_OWNER),
    ("POST", "/api/v1/tas/{taId}/time-off", ADMIN_OR_TA),
    ("GET", "/api/v1/tas/{taId}/time-off", MEMBER),
    ("DELETE", "/api/v1/tas/{taId}/time-off/{id}", ADMIN_OR_TA),
    // Admins any series, the TA and the student their own.
    ("GET", "/api/v1/booking-series/{id}", MEMBER),
    ("POST", "/api/v1/booking-series/{id}/cancel", MEMBER),
    ("POST", "/api/v1/group-sessions/{id}/join", STUDENT),
    ("POST", "/api/v1/group-sessions/{id}/leave", STUDENT),
    ("POST", "/api/v1/group-sessions/{id}/waitlist", STUDENT),
    ("DELETE", "/api/v1/group-sessions/{id}/waitlist", STUDENT),
    ("POST", "/api/v1/admin/jobs/{id}/retry", ADMIN),
];

fn allowed(method: &Method, path: &str) -> Option<Allowed> {
    TABLE.iter().find(|(m, p, _)| *m == method.as_str() && *p == path).map(|(_, _, rule)| *rule)
}

/// Routes with an id that the matrix leaves to their own tests, and why.
const ELSEWHERE: &[(&str, &str)] = &[("/api/v1/auth/sessions/{id}", "a user's own sessions: tokens.rs")];

/// Everything of one organization the matrix points at.
struct Org {
    admin: Member,
    ta: Member,
    student: Member,
    course: String,
    product: String,
    bundle: String,
    booking: String,
    group_session: String,
    /// An email job (the booking's confirmation, or another).
    job: String,
    /// A window of the TA's time off, far from the booking.
    time_off: String,
    /// A weekly series of the student's with the TA.
    series: String,
}

async fn set_up(app: &TestApp, slug: &str) -> Org {
    let academy = Academy::new(app, slug).await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let ta = tas[0].clone();
    let student = academy.student("Sam").await;
    let admin = academy.admin();
    let product = academy.bundle(&course, 5, 90, 15_000).await["id"].as_str().unwrap().to_owned();
    let bundle = app.post("/api/v1/bundle-purchases", Some(&student.access), json!({"productId": product})).await;
    assert_eq!(bundle.status, 201, "{}", bundle.text);
    let bundle = bundle.json()["id"].as_str().unwrap().to_owned();
    let booking = app
        .post(
            "/api/v1/bookings/individual",
            Some(&student.access),
            json!({"courseId": course, "startsAt": rfc3339(berlin(3, 10, 0)), "durationMinutes": 60,
                   "taId": ta.id, "bundlePurchaseId": bundle}),
        )
        .await;
    assert_eq!(booking.status, 201, "{}", booking.text);
    let template = app
        .post(
            "/api/v1/group-session-templates",
            Some(&admin.access),
            json!({"courseId": course, "taId": ta.id, "title": "Exam prep", "capacity": 4,
                   "durationMinutes": 60, "pricePerStudentCents": 1_500}),
        )
        .await;
    assert_eq!(template.status, 201, "{}", template.text);
    let group = app
        .post(
            "/api/v1/group-sessions",
            Some(&admin.access),
            json!({"templateId": template.json()["id"], "startsAt": rfc3339(berlin(4, 14, 0))}),
        )
        .await;
    assert_eq!(group.status, 201, "{}", group.text);
    let jobs = app.get("/api/v1/admin/jobs?limit=1", Some(&admin.access)).await;
    assert_eq!(jobs.status, 200, "{}", jobs.text);
    let job = jobs.json()["data"][0]["id"].as_str().unwrap().to_owned();
    let window = json!({"from": rfc3339(berlin(30, 0, 0)), "to": rfc3339(berlin(31, 0, 0))});
    let time_off = app.post(&format!("/api/v1/tas/{}/time-off", ta.id), Some(&admin.access), window).await;
    assert_eq!(time_off.status, 201, "{}", time_off.text);
    let time_off = time_off.json()["id"].as_str().unwrap().to_owned();
    let series = app
        .post(
            "/api/v1/booking-series",
            Some(&student.access),
            json!({"courseId": course, "startsAt": rfc3339(berlin(5, 16, 0)), "durationMinutes": 60,
                   "recurrence": "FREQ=WEEKLY;COUNT=2", "taId": ta.id}),
        )
        .await;
    assert_eq!(series.status, 201, "{}", series.text);
    let series = series.json()["id"].as_str().unwrap().to_owned();
    Org {
        admin,
        ta,
        student,
        course,
        product,
        bundle,
        booking: booking.json()["id"].as_str().unwrap().to_owned(),
        group_session: group.json()["id"].as_str().unwrap().to_owned(),
        job,
        time_off,
        series,
    }
}

/// The concrete path and body of a route template for the resources of `org`.
fn concrete(method: &Method, template: &str, org: &Org) -> (String, Option<Value>) {
    let id = if template.starts_with("/api/v1/courses/") {
        &org.course
    } else if template.starts_with("/api/v1/products/") {
        &org.product
    } else if template.starts_with("/api/v1/bundle-purchases/") {
        &org.bundle
    } else if template.starts_with("/api/v1/bookings/") {
        &org.booking
    } else if template.starts_with("/api/v1/group-sessions/") {
        &org.group_session
    } else if template.starts_with("/api/v1/admin/jobs/") {
        &org.job
    } else if template.contains("/time-off/") {
        &org.time_off
    } else if template.starts_with("/api/v1/booking-series/") {
        &org.series
    } else if template.starts_with("/api/v1/students/") {
        &org.student.id
    } else {
        &org.ta.id
    };
    let mut path = template.replace("{id}", id).replace("{taId}", &org.ta.id);
    if template.ends_with("/slots") {
        let day = berlin(5, 0, 0);
        path.push_str(&format!(
            "?from={}&to={}&durationMinutes=60",
            rfc3339(day),
            rfc3339(day + chrono::Duration::days(1))
        ));
    }
    let body = match (method.as_str(), template.rsplit('/').next().unwrap_or_default()) {
        ("PATCH", "{id}") if template.starts_with("/api/v1/courses/") => Some(json!({"title": "Renamed"})),
        ("PATCH", "{id}") => Some(json!({"name": "Renamed"})),
        ("POST", "products") => Some(json!({"kind": "single_session", "name": "Another", "priceCents": 100})),
        ("PUT", "availability") => Some(json!({"timezone": "Europe/Berlin",
            "weekly": [{"weekday": 1, "start": "09:00", "end": "17:00"}], "overrides": []})),
        ("POST", "cancel") => Some(json!({"reason": "matrix"})),
        ("POST", "reschedule") => Some(json!({"startsAt": rfc3339(berlin(3, 12, 0))})),
        ("POST", "time-off") => Some(json!({"from": rfc3339(berlin(40, 0, 0)), "to": rfc3339(berlin(41, 0, 0))})),
        ("POST", "join" | "waitlist") => Some(json!({})),
        ("PUT", "attendance") => Some(json!({"seats": []})),
        _ => None,
    };
    (path, body)
}

fn is_allowed(rule: Allowed, who: &str) -> bool {
    match who {
        "admin" => rule.admin,
        "ta" => rule.ta,
        _ => rule.student,
    }
}

#[tokio::test]
async fn no_role_reaches_what_api_md_forbids_and_other_tenants_are_404() {
    for app in apps().await {
        let ours = set_up(&app, "ours").await;
        let theirs = set_up(&app, "theirs").await;
        let doc = app.get("/openapi.json", None).await.json();
        let mut routes: Vec<(Method, String)> = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            if !path.contains('{') || ELSEWHERE.iter().any(|(p, _)| p == path) {
                continue;
            }
            for method in ["get", "put", "post", "patch", "delete"] {
                if item.get(method).is_some() {
                    routes.push((Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(), path.clone()));
                }
            }
        }
        // Mutations that end a resource's life last, so that reads still see it.
        routes.sort_by_key(|(m, p)| (p.ends_with("/cancel") || *m == Method::DELETE, p.clone()));
        assert!(routes.len() >= 18, "{} routes with ids: {routes:?}", routes.len());

        let mut checked = 0;
        for (method, template) in &routes {
            let rule = allowed(method, template)
                .unwrap_or_else(|| panic!("{method} {template} is not in the authorization table"));
            for (who, member) in [("admin", &ours.admin), ("ta", &ours.ta), ("student", &ours.student)] {
                // Another organization's resource: invisible.
                let (path, body) = concrete(method, template, &theirs);
                let reply = app.request(method.clone(), &path, Some(&member.access), body).await;
                if is_allowed(rule, who) {
                    reply.problem(404, "not_found");
                } else {
                    assert!(
                        [403, 404].contains(&reply.status.as_u16()),
                        "{:?}: {who} {method} {path} across tenants: {} {}",
                        app.backend,
                        reply.status,
                        reply.text
                    );
                }
                // Their own organization's resource.
                let (path, body) = concrete(method, template, &ours);
                let reply = app.request(method.clone(), &path, Some(&member.access), body).await;
                if !is_allowed(rule, who) {
                    assert!(
                        [403, 404].contains(&reply.status.as_u16()),
                        "{:?}: {who} {method} {path} must be refused: {} {}",
                        app.backend,
                        reply.status,
                        reply.text
                    );
                } else if *method == Method::GET {
                    assert_eq!(reply.status, 200, "{:?}: {who} {method} {path}: {}", app.backend, reply.text);
                }
                checked += 2;
            }
        }
        assert!(checked >= 108, "{checked} calls");
    }
}
