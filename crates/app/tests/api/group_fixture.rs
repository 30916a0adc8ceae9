//! Group-session fixtures shared by the group-session, waitlist and concurrency tests: an
//! academy with a course and its TAs, templates and sessions created through the API.
#![allow(dead_code, reason = "each test file uses part of the fixture")]

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::{Academy, Member, rfc3339};
use crate::helpers::{Reply, TestApp};

/// An academy with one course taught by two TAs (both open 08:00–20:00 Berlin time every day).
pub struct Groups<'a> {
    pub academy: Academy<'a>,
    pub course_id: String,
    pub tara: Member,
    pub theo: Member,
}

impl<'a> Groups<'a> {
    /// Signs up `slug` with course `GRP-1` taught by Tara and Theo.
    pub async fn new(app: &'a TestApp, slug: &str) -> Self {
        let academy = Academy::new(app, slug).await;
        let (course, mut tas) = academy.course_with_tas("GRP-1", &["Tara", "Theo"]).await;
        let theo = tas.pop().unwrap();
        let tara = tas.pop().unwrap();
        Self { course_id: course["id"].as_str().unwrap().to_owned(), academy, tara, theo }
    }

    pub fn app(&self) -> &'a TestApp {
        self.academy.app
    }

    pub fn admin(&self) -> Member {
        self.academy.admin()
    }

    /// `POST /group-session-templates` by the admin, as sent.
    pub async fn try_template(&self, body: Value) -> Reply {
        self.app().post("/api/v1/group-session-templates", Some(&self.academy.admin.access), body).await
    }

    /// A 60-minute template of the course taught by `ta`, with `capacity` seats at 1 500 cents.
    pub async fn template(&self, ta: &Member, title: &str, capacity: i64) -> Value {
        let reply = self
            .try_template(json!({"courseId": self.course_id, "taId": ta.id, "title": title, "capacity": capacity,
                                 "durationMinutes": 60, "pricePerStudentCents": 1500}))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "POST /group-session-templates: {}", reply.text);
        reply.json()
    }

    /// `POST /group-sessions` by `token`, as sent.
    pub async fn try_schedule(&self, token: &str, template: &Value, starts_at: DateTime<Utc>) -> Reply {
        self.app()
            .post(
                "/api/v1/group-sessions",
                Some(token),
                json!({"templateId": template["id"], "startsAt": rfc3339(starts_at)}),
            )
            .await
    }

    /// A session of `template` scheduled by the admin at `starts_at`.
    pub async fn session(&self, template: &Value, starts_at: DateTime<Utc>) -> Value {
        let reply = self.try_schedule(&self.academy.admin.access, template, starts_at).await;
        assert_eq!(reply.status, StatusCode::CREATED, "POST /group-sessions: {}", reply.text);
        reply.json()
    }

    /// `count` registered students named `<prefix> 1`, `<prefix> 2`, ...
    pub async fn students(&self, prefix: &str, count: usize) -> Vec<Member> {
        self.academy.students(prefix, count).await
    }
}

/// The path of an action on a group session (`join`, `leave`, `waitlist`).
pub fn action(session: &Value, what: &str) -> String {
    format!("/api/v1/group-sessions/{}/{what}", session["id"].as_str().unwrap())
}

/// `POST /group-sessions/{id}/join` paying per session.
pub async fn join(app: &TestApp, session: &Value, student: &Member) -> Reply {
    app.post(&action(session, "join"), Some(&student.access), json!({})).await
}

/// `POST /group-sessions/{id}/leave`.
pub async fn leave(app: &TestApp, session: &Value, student: &Member) -> Reply {
    app.request(reqwest::Method::POST, &action(session, "leave"), Some(&student.access), None).await
}

/// `POST /group-sessions/{id}/waitlist` paying per session.
pub async fn wait(app: &TestApp, session: &Value, student: &Member) -> Reply {
    app.post(&action(session, "waitlist"), Some(&student.access), json!({})).await
}

/// Asserts a 200 and returns the body.
pub fn ok(reply: &Reply) -> Value {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()
}

/// The student ids of the seats a response shows.
pub fn seat_ids(booking: &Value) -> Vec<String> {
    let mut ids: Vec<String> =
        booking["seats"].as_array().unwrap().iter().map(|s| s["studentId"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

/// The ids of `members`, sorted as [`seat_ids`] sorts.
pub fn ids_of(members: &[&Member]) -> Vec<String> {
    let mut ids: Vec<String> = members.iter().map(|m| m.id.clone()).collect();
    ids.sort();
    ids
}

/// The session as `member` reads it in `GET /group-sessions`.
pub async fn listed(app: &TestApp, session: &Value, member: &Member) -> Value {
    let list = ok(&app.get("/api/v1/group-sessions?limit=100", Some(&member.access)).await);
    list["data"].as_array().unwrap().iter().find(|b| b["id"] == session["id"]).cloned().unwrap_or_else(|| {
        panic!("{} not listed to {}: {list}", session["id"], member.email);
    })
}

/// The field names of a `validation_failed` problem.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}
