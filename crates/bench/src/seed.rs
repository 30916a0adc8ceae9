//! The data the scenarios need, made through the API like a client would: an academy with a
//! course whose TAs are open 08:00–20:00 every day (bookings), a TA with group sessions of 100
//! seats (joins), a course with 5 TAs and 500 bookings over the next month (slot search), and
//! students.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Days, NaiveTime, TimeZone as _, Utc};
use serde_json::{Value, json};

/// TAs of the booking course; student 100 + i books with TA i only.
pub const BOOKING_TAS: usize = 10;

/// Every password of the seeded accounts.
pub const PASSWORD: &str = "violet-kettle-harbor-92";

/// The seeded academy's slug (logins name it).
pub const SLUG: &str = "bench";

/// A member: id and access token.
#[derive(Clone)]
pub struct Member {
    pub id: String,
    pub email: String,
    pub token: String,
}

/// What was seeded.
pub struct Seeded {
    pub organization: String,
    /// The academy's admin.
    pub admin: Member,
    /// The booking course and its TAs.
    pub course: String,
    pub tas: Vec<Member>,
    /// Students 0..100 (slot-search bookings, group joins) and 100.. (individual bookings,
    /// student 100 + i with TA i only).
    pub students: Vec<Member>,
    /// Group sessions of 100 seats at distinct times.
    pub group_sessions: Vec<String>,
    /// The slot-search course (5 TAs, 500 bookings).
    pub search_course: String,
    /// A TA left for pgbench's bookings.
    pub spare_ta: Member,
}

/// A small client of the API.
pub struct Api {
    pub base: String,
    pub http: reqwest::Client,
}

impl Api {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut request = self.http.request(method, format!("{}/api/v1{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// A call that must answer `expect`.
    pub async fn ok(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        expect: u16,
    ) -> anyhow::Result<Value> {
        let (status, value) = self.call(method.clone(), path, token, body).await?;
        if status != expect {
            bail!("{method} {path}: {status} {value}");
        }
        Ok(value)
    }
}

/// `days` days from now at `hour`:00 in Berlin, as UTC.
pub fn berlin(days: u64, hour: u32) -> DateTime<Utc> {
    let date = Utc::now().with_timezone(&chrono_tz_berlin()).date_naive() + Days::new(days);
    let local = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
    chrono_tz_berlin().from_local_datetime(&local).earliest().map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}

fn chrono_tz_berlin() -> chrono::FixedOffset {
    // The benchmark's academy runs on UTC+1 all year: no daylight-saving gaps to step around.
    chrono::FixedOffset::east_opt(3600).unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("UTC"))
}

fn token_in(dir: &Path, email: &str) -> anyhow::Result<String> {
    for _ in 0..400 {
        for entry in std::fs::read_dir(dir.join("data/outbox")).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if text.contains(email)
                && text.contains("invites you")
                && let Some(at) = text.find("token=")
            {
                return Ok(text[at + 6..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "-_".contains(*c))
                    .collect());
            }
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    bail!("no invitation for {email}")
}

async fn login(api: &Api, email: &str) -> anyhow::Result<String> {
    let body = json!({"organizationSlug": SLUG, "email": email, "password": PASSWORD});
    let value = api.ok(reqwest::Method::POST, "/auth/login", None, Some(body), 200).await?;
    Ok(value["accessToken"].as_str().context("no token")?.to_owned())
}

async fn ta(api: &Api, dir: &Path, admin: &str, name: &str) -> anyhow::Result<Member> {
    let email = format!("{}@bench.test", name.to_lowercase());
    let user =
        api.ok(reqwest::Method::POST, "/tas", Some(admin), Some(json!({"email": email, "name": name})), 201).await?;
    let token = token_in(dir, &email)?;
    let confirm = json!({"token": token, "password": PASSWORD});
    api.ok(reqwest::Method::POST, "/auth/password-reset/confirm", None, Some(confirm), 204).await?;
    let id = user["id"].as_str().context("no id")?.to_owned();
    let weekly: Vec<Value> = (1..=7).map(|d| json!({"weekday": d, "start": "08:00", "end": "20:00"})).collect();
    let hours = json!({"timezone": "Etc/GMT-1", "weekly": weekly, "overrides": []});
    api.ok(reqwest::Method::PUT, &format!("/tas/{id}/availability"), Some(admin), Some(hours), 200).await?;
    Ok(Member { id, token: login(api, &email).await?, email })
}

async fn course(api: &Api, admin: &str, code: &str, tas: &[Member]) -> anyhow::Result<String> {
    let course =
        api.ok(reqwest::Method::POST, "/courses", Some(admin), Some(json!({"code": code, "title": code})), 201).await?;
    let id = course["id"].as_str().context("no id")?.to_owned();
    for ta in tas {
        api.ok(reqwest::Method::PUT, &format!("/courses/{id}/tas/{}", ta.id), Some(admin), None, 204).await?;
    }
    let price = json!({"kind": "single_session", "name": "One session", "priceCents": 4000});
    api.ok(reqwest::Method::POST, &format!("/courses/{id}/products"), Some(admin), Some(price), 201).await?;
    Ok(id)
}

/// Seeds the academy `bench` with `students` students and `groups` group sessions.
pub async fn seed(api: &Api, dir: &Path, students: usize, groups: usize) -> anyhow::Result<Seeded> {
    let signup = json!({"name": "Bench Academy", "slug": SLUG, "timezone": "Etc/GMT-1", "currency": "EUR",
        "admin": {"email": "admin@bench.test", "password": PASSWORD, "name": "Ada Admin"}});
    let signed_up = api.ok(reqwest::Method::POST, "/organizations", None, Some(signup), 201).await?;
    let admin = Member {
        id: signed_up["user"]["id"].as_str().context("no id")?.to_owned(),
        email: "admin@bench.test".to_owned(),
        token: signed_up["accessToken"].as_str().context("no token")?.to_owned(),
    };
    let organization = signed_up["organization"]["id"].as_str().context("no id")?.to_owned();
    let mut tas = Vec::new();
    for i in 0..BOOKING_TAS {
        tas.push(ta(api, dir, &admin.token, &format!("Booker{i}")).await?);
    }
    let course_id = course(api, &admin.token, "BENCH-1", &tas).await?;
    let mut search_tas = Vec::new();
    for i in 0..5 {
        search_tas.push(ta(api, dir, &admin.token, &format!("Searcher{i}")).await?);
    }
    let search_course = course(api, &admin.token, "SEARCH-1", &search_tas).await?;
    let group_ta = ta(api, dir, &admin.token, "Grouper").await?;
    let group_course = course(api, &admin.token, "GROUP-1", std::slice::from_ref(&group_ta)).await?;
    let spare_ta = ta(api, dir, &admin.token, "Spare").await?;
    let booking_course = course_id.clone();
    api.ok(
        reqwest::Method::PUT,
        &format!("/courses/{booking_course}/tas/{}", spare_ta.id),
        Some(&admin.token),
        None,
        204,
    )
    .await?;

    let mut all_students = Vec::new();
    for i in 0..students {
        let email = format!("student{i}@bench.test");
        let body =
            json!({"organizationSlug": SLUG, "email": email, "password": PASSWORD, "name": format!("Student {i}")});
        let value = api.ok(reqwest::Method::POST, "/auth/register", None, Some(body), 201).await?;
        all_students.push(Member {
            id: value["user"]["id"].as_str().context("no id")?.to_owned(),
            token: value["accessToken"].as_str().context("no token")?.to_owned(),
            email,
        });
    }

    // 500 bookings over the next month in the slot-search course, 100 per TA: booking k is TA
    // k % 5's slot k / 5 (hour 8 + slot % 12 of day 2 + slot / 12), by student k % 100, whose
    // bookings are all with one TA at distinct times.
    for k in 0..500usize {
        let (ta, student) = (&search_tas[k % 5], &all_students[k % 100]);
        let slot = k / 5;
        let at = berlin(2 + u64::try_from(slot / 12)?, 8 + u32::try_from(slot % 12)?);
        let body =
            json!({"courseId": search_course, "taId": ta.id, "startsAt": at.to_rfc3339(), "durationMinutes": 60});
        api.ok(reqwest::Method::POST, "/bookings/individual", Some(&student.token), Some(body), 201).await?;
    }

    let template = json!({"courseId": group_course, "taId": group_ta.id, "title": "Exam prep", "capacity": 100,
                          "durationMinutes": 60, "pricePerStudentCents": 1500});
    let template =
        api.ok(reqwest::Method::POST, "/group-session-templates", Some(&admin.token), Some(template), 201).await?;
    let mut group_sessions = Vec::new();
    for g in 0..groups {
        // Days 45 and later: clear of the slot-search bookings of the same students.
        let at = berlin(45 + u64::try_from(g / 12)?, 8 + u32::try_from(g % 12)?);
        let body = json!({"templateId": template["id"], "startsAt": at.to_rfc3339()});
        let session = api.ok(reqwest::Method::POST, "/group-sessions", Some(&admin.token), Some(body), 201).await?;
        group_sessions.push(session["id"].as_str().context("no id")?.to_owned());
    }
    Ok(Seeded {
        organization,
        admin,
        course: course_id,
        tas,
        students: all_students,
        group_sessions,
        search_course,
        spare_ta,
    })
}
