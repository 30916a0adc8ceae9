//! A set-up academy for the booking-platform tests, built through the API exactly as a client
//! would (api.md paths): an admin, TAs who accepted their invitation and have weekly hours, a
//! course with its TAs assigned, products, students. Times are computed from now in the
//! organization's zone (Europe/Berlin, as `TestApp::sign_up` creates it).
#![allow(dead_code, reason = "each test file uses part of the fixture")]

use chrono::{DateTime, Datelike, Duration as Span, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Admin, PASSWORD, TestApp};

/// A logged-in member: their user id and access token.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: String,
    pub email: String,
    pub access: String,
}

/// An organization set up for bookings.
pub struct Academy<'a> {
    pub app: &'a TestApp,
    pub slug: String,
    pub admin: Admin,
}

fn expect(reply: &crate::helpers::Reply, status: StatusCode, what: &str) -> Value {
    assert_eq!(reply.status, status, "{what}: {}", reply.text);
    if reply.text.is_empty() { Value::Null } else { reply.json() }
}

impl<'a> Academy<'a> {
    /// Signs up organization `slug` (admin `admin@<slug>.test`).
    pub async fn new(app: &'a TestApp, slug: &str) -> Self {
        let admin = app.sign_up(slug).await;
        Self { app, slug: slug.to_owned(), admin }
    }

    /// The admin as a member.
    pub fn admin(&self) -> Member {
        Member {
            id: self.admin.user["id"].as_str().unwrap().to_owned(),
            email: self.admin.user["email"].as_str().unwrap().to_owned(),
            access: self.admin.access.clone(),
        }
    }

    /// Changes organization settings (e.g. `{"bufferMinutes": 15}`).
    pub async fn settings(&self, settings: Value) {
        let reply =
            self.app.patch("/api/v1/organization", Some(&self.admin.access), json!({"settings": settings})).await;
        expect(&reply, StatusCode::OK, "PATCH /organization");
    }

    /// Invites a TA, accepts the invitation with [`PASSWORD`] and logs them in.
    pub async fn ta(&self, name: &str) -> Member {
        let email = format!("{}@{}.test", name.to_lowercase().replace(' ', "."), self.slug);
        let reply = self.app.post("/api/v1/tas", Some(&self.admin.access), json!({"email": email, "name": name})).await;
        let ta = expect(&reply, StatusCode::CREATED, "POST /tas");
        let token = TestApp::token_in(&self.app.email(&email, "nvit", 0).await);
        let reply = self
            .app
            .post("/api/v1/auth/password-reset/confirm", None, json!({"token": token, "password": PASSWORD}))
            .await;
        expect(&reply, StatusCode::NO_CONTENT, "accepting the invitation");
        let login = expect(&self.app.login(&self.slug, &email, PASSWORD).await, StatusCode::OK, "TA login");
        Member {
            id: ta["id"].as_str().unwrap().to_owned(),
            email,
            access: login["accessToken"].as_str().unwrap().to_owned(),
        }
    }

    /// A registered student.
    pub async fn student(&self, name: &str) -> Member {
        let email = format!("{}@{}.test", name.to_lowercase().replace(' ', "."), self.slug);
        let body = self.app.register(&self.slug, &email).await;
        Member {
            id: body["user"]["id"].as_str().unwrap().to_owned(),
            email,
            access: body["accessToken"].as_str().unwrap().to_owned(),
        }
    }

    /// `count` registered students named `<prefix> 1`, `<prefix> 2`, ..., registered eight at
    /// a time (password hashing is memory-hard).
    pub async fn students(&self, prefix: &str, count: usize) -> Vec<Member> {
        let mut all = Vec::with_capacity(count);
        let names: Vec<String> = (1..=count).map(|i| format!("{prefix} {i}")).collect();
        for chunk in names.chunks(8) {
            all.extend(futures_util::future::join_all(chunk.iter().map(|name| self.student(name))).await);
        }
        all
    }

    /// Creates an active course; returns it.
    pub async fn course(&self, code: &str, title: &str) -> Value {
        let reply =
            self.app.post("/api/v1/courses", Some(&self.admin.access), json!({"code": code, "title": title})).await;
        expect(&reply, StatusCode::CREATED, "POST /courses")
    }

    /// Assigns a TA to a course.
    pub async fn assign(&self, course: &str, ta: &str) {
        let reply = self.app.put(&format!("/api/v1/courses/{course}/tas/{ta}"), Some(&self.admin.access), None).await;
        expect(&reply, StatusCode::NO_CONTENT, "PUT /courses/{id}/tas/{taId}");
    }

    /// Gives a TA weekly hours `start`..`end` (e.g. "08:00".."20:00") every day, in Berlin time.
    pub async fn open_every_day(&self, ta: &str, start: &str, end: &str) {
        let weekly: Vec<Value> = (1..=7).map(|d| json!({"weekday": d, "start": start, "end": end})).collect();
        let reply = self
            .app
            .put(
                &format!("/api/v1/tas/{ta}/availability"),
                Some(&self.admin.access),
                Some(json!({"timezone": "Europe/Berlin", "weekly": weekly, "overrides": []})),
            )
            .await;
        expect(&reply, StatusCode::OK, "PUT /tas/{taId}/availability");
    }

    /// A single-session product of a course, at `price_cents`.
    pub async fn session_price(&self, course: &str, price_cents: i64) -> Value {
        let reply = self
            .app
            .post(
                &format!("/api/v1/courses/{course}/products"),
                Some(&self.admin.access),
                json!({"kind": "single_session", "name": "One session", "priceCents": price_cents}),
            )
            .await;
        expect(&reply, StatusCode::CREATED, "POST /courses/{id}/products (single_session)")
    }

    /// A bundle product of a course: `sessions` sessions valid `validity_days` days.
    pub async fn bundle(&self, course: &str, sessions: i64, validity_days: i64, price_cents: i64) -> Value {
        let reply = self
            .app
            .post(
                &format!("/api/v1/courses/{course}/products"),
                Some(&self.admin.access),
                json!({"kind": "bundle", "name": format!("{sessions} sessions"), "priceCents": price_cents,
                       "sessionCount": sessions, "validityDays": validity_days}),
            )
            .await;
        expect(&reply, StatusCode::CREATED, "POST /courses/{id}/products (bundle)")
    }

    /// A course `code` with `tas` TAs assigned, each open every day 08:00–20:00 Berlin time, and
    /// a single-session price of 4 000 cents. Returns the course and the TAs.
    pub async fn course_with_tas(&self, code: &str, tas: &[&str]) -> (Value, Vec<Member>) {
        let course = self.course(code, &format!("Course {code}")).await;
        let course_id = course["id"].as_str().unwrap().to_owned();
        let mut members = Vec::new();
        for name in tas {
            let ta = self.ta(name).await;
            self.assign(&course_id, &ta.id).await;
            self.open_every_day(&ta.id, "08:00", "20:00").await;
            members.push(ta);
        }
        self.session_price(&course_id, 4_000).await;
        (course, members)
    }
}

/// `days` days from today at `hour`:`minute` Berlin time, as UTC (always on the 30-minute grid
/// and, for `days >= 1`, past the default one-hour minimum notice).
pub fn berlin(days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    let day = Utc::now().with_timezone(&Berlin).date_naive() + Span::days(days);
    Berlin
        .with_ymd_and_hms(day.year(), day.month(), day.day(), hour, minute, 0)
        .single()
        .expect("not a DST gap at that hour")
        .with_timezone(&Utc)
}

/// An instant as the API writes it.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
