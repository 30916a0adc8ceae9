//! Email delivery over a real SMTP server on loopback (`test_support::smtp::SmtpSink`), with
//! the API driving real flows: every email of domain.md arrives with the right recipient,
//! subject and link; an SMTP outage is retried until the server returns; a permanent refusal
//! goes dead, shows in the admin API, `/health/ready` and `/metrics`, and is sent when an admin
//! retries it (unless it carried a link, whose token died with it); an app stopped between
//! commit and send sends after restart; two workers on one database send each email once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use app::Settings;
use serde_json::json;
use test_support::TestDatabase;
use test_support::smtp::{ReceivedMail, SmtpSink};

use crate::academy::{Academy, berlin};
use crate::bookings::{booked, session};
use crate::group_fixture::{Groups, join, leave, ok, wait};
use crate::helpers::{PASSWORD, TestApp, received, spawn_with};
use crate::jobs::jobs_with_status;

const PUBLIC: &str = "https://tutoring.example.com";

/// An instance over `db` sending to `sink`, retrying after about a second.
async fn smtp_app(db: Arc<TestDatabase>, sink: &Arc<SmtpSink>, tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let url = sink.url();
    let mut app = spawn_with(db, |s| {
        s.smtp_url = Some(url);
        s.smtp_timeout_seconds = 2;
        s.mail_retry_base_seconds = 1;
        s.public_base_url = PUBLIC.to_owned();
        tweak(s);
    })
    .await;
    app.smtp = Some(sink.clone());
    app
}

/// Waits until `to` has a mail about `subject`; returns the first.
async fn arrives(sink: &SmtpSink, to: &str, subject: &str) -> ReceivedMail {
    for _ in 0..400 {
        if let Some(mail) = received(sink, to, subject).into_iter().next() {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let seen: Vec<_> = sink.messages().iter().map(|m| (m.rcpt_to.clone(), m.subject())).collect();
    panic!("no mail to {to} about `{subject}` within 10 s; received: {seen:?}");
}

/// Checks the envelope, headers and both bodies of a mail; returns its text.
fn check(mail: &ReceivedMail, to: &str) -> String {
    assert_eq!(mail.rcpt_to, vec![to.to_owned()], "one recipient per email");
    assert!(mail.header("To").is_some_and(|h| h.contains(to)));
    assert!(mail.header("From").is_some_and(|h| h.contains("no-reply@localhost")), "MAIL_FROM");
    assert!(mail.header("Date").is_some());
    assert!(mail.header("Message-ID").is_some_and(|h| h.ends_with("@engify>")), "{:?}", mail.header("Message-ID"));
    assert!(mail.html().is_some(), "an HTML part");
    mail.text().expect("a text part")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_email_of_the_domain_reaches_the_smtp_server() {
    for db in test_support::all_backends().await {
        let sink = Arc::new(SmtpSink::start().await);
        let app = smtp_app(Arc::new(db), &sink, |_| {}).await;
        let groups = Groups::new(&app, "acme").await; // admin sign-up, two TA invitations accepted
        let academy = &groups.academy;
        let link = |text: &str, path: &str| assert!(text.contains(&format!("{PUBLIC}{path}?token=")), "{text}");

        // Accounts: verification (admin and student), TA invitation, password reset.
        link(
            &check(&arrives(&sink, "admin@acme.test", "Confirm your email").await, "admin@acme.test"),
            "/verify-email",
        );
        link(&check(&arrives(&sink, "tara@acme.test", "invites you").await, "tara@acme.test"), "/reset-password");
        let sam = academy.student("Sam").await;
        link(&check(&arrives(&sink, &sam.email, "Confirm your email").await, &sam.email), "/verify-email");
        let reply = app
            .post("/api/v1/auth/password-reset", None, json!({"organizationSlug": "acme", "email": sam.email}))
            .await;
        assert_eq!(reply.status, 202, "{}", reply.text);
        link(&check(&arrives(&sink, &sam.email, "Reset your password").await, &sam.email), "/reset-password");

        // A bundle receipt.
        let bundle = academy.bundle(&groups.course_id, 5, 30, 18_000).await;
        let bought = app.post("/api/v1/bundle-purchases", Some(&sam.access), json!({"productId": bundle["id"]})).await;
        assert_eq!(bought.status, 201, "{}", bought.text);
        assert!(check(&arrives(&sink, &sam.email, "receipt").await, &sam.email).contains("180.00"));

        // A booking: confirmations to the student and the TA, then its cancellation to both.
        let body =
            crate::bookings::with(session(&groups.course_id, berlin(2, 10, 0), 60), &json!({"taId": groups.tara.id}));
        let booking = booked(&app, &sam.access, body).await;
        let confirmation = check(&arrives(&sink, &sam.email, "Booking confirmed").await, &sam.email);
        assert!(confirmation.contains("10:00"), "the time in the academy's zone (09:00 UTC): {confirmation}");
        check(&arrives(&sink, &groups.tara.email, "New booking").await, &groups.tara.email);
        let cancel = format!("/api/v1/bookings/{}/cancel", booking["id"].as_str().unwrap());
        assert_eq!(app.post(&cancel, Some(&sam.access), json!({})).await.status, 200);
        check(&arrives(&sink, &sam.email, "Cancelled").await, &sam.email);
        check(&arrives(&sink, &groups.tara.email, "Cancelled").await, &groups.tara.email);

        // A group session of two seats: joins, a waitlist promotion, then its cancellation to
        // every seat and the TA.
        let template = groups.template(&groups.theo, "Exam prep", 2).await;
        let group = groups.session(&template, berlin(3, 14, 0)).await;
        let (ted, sky) = (academy.student("Ted").await, academy.student("Sky").await);
        ok(&join(&app, &group, &sam).await);
        ok(&join(&app, &group, &ted).await);
        check(&arrives(&sink, &sam.email, "Seat confirmed").await, &sam.email);
        check(&arrives(&sink, &ted.email, "Seat confirmed").await, &ted.email);
        assert_eq!(wait(&app, &group, &sky).await.status, 201);
        ok(&leave(&app, &group, &sam).await);
        check(&arrives(&sink, &sky.email, "A seat opened up").await, &sky.email);
        let cancel = format!("/api/v1/bookings/{}/cancel", group["id"].as_str().unwrap());
        assert_eq!(app.post(&cancel, Some(&academy.admin.access), json!({})).await.status, 200);
        for seat in [&ted.email, &sky.email, &groups.theo.email] {
            check(&arrives(&sink, seat, "Cancelled").await, seat);
        }

        // Every job of the organization was sent, each exactly once. A batch's sends are
        // recorded after its last one arrives, so the last ones may still show pending a moment.
        let mut pending = usize::MAX;
        for _ in 0..400 {
            let reply = app.get("/api/v1/admin/jobs?status=pending", Some(&academy.admin.access)).await;
            pending = reply.json()["data"].as_array().unwrap().len();
            if pending == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert_eq!(pending, 0, "jobs still pending after 10 s");
        let jobs = jobs_with_status(&app, &academy.admin.access, "sent", 1).await;
        let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
        for mail in sink.messages() {
            *per_id.entry(mail.header("Message-ID").unwrap()).or_default() += 1;
        }
        assert!(per_id.values().all(|n| *n == 1), "{per_id:?}");
        assert!(jobs.len() >= 13, "{} sent jobs", jobs.len());
    }
}

#[tokio::test]
async fn an_smtp_outage_is_retried_until_the_server_returns() {
    let sink = Arc::new(SmtpSink::start().await);
    let app = smtp_app(Arc::new(test_support::sqlite::database().await), &sink, |_| {}).await;
    let admin = app.sign_up("acme").await;
    arrives(&sink, "admin@acme.test", "Confirm").await;

    sink.stop();
    app.register("acme", "sam@acme.test").await;
    let retrying = jobs_with_status(&app, &admin.access, "retrying", 1).await;
    assert!(retrying[0]["attempts"].as_u64().unwrap() >= 1);
    assert!(retrying[0]["lastError"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(retrying[0]["nextAttemptAt"].is_string());
    assert!(received(&sink, "sam@acme.test", "Confirm").is_empty());

    sink.start_again().await.unwrap();
    check(&arrives(&sink, "sam@acme.test", "Confirm your email").await, "sam@acme.test");
    let sent = jobs_with_status(&app, &admin.access, "sent", 2).await;
    assert!(sent.iter().any(|j| j["recipient"] == "sam@acme.test" && j["attempts"].as_u64().unwrap() >= 2));
}

/// Waits until `to` has `n` mails about `subject`.
async fn arrived(sink: &SmtpSink, to: &str, subject: &str, n: usize) {
    for _ in 0..400 {
        if received(sink, to, subject).len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("fewer than {n} mails to {to} about `{subject}` within 10 s");
}

#[tokio::test]
async fn a_permanent_refusal_goes_dead_shows_everywhere_and_is_sent_when_an_admin_retries_unless_a_link() {
    for db in test_support::all_backends().await {
        let sink = Arc::new(SmtpSink::start().await);
        let app = smtp_app(Arc::new(db), &sink, |_| {}).await;
        let academy = Academy::new(&app, "acme").await;
        let admin = academy.admin.access.clone();
        arrives(&sink, "admin@acme.test", "Confirm").await;
        let course = academy.course("MATH-101", "Calculus I").await;
        let bundle = academy.bundle(course["id"].as_str().unwrap(), 5, 30, 18_000).await;
        let sam = academy.student("Sam").await;
        arrives(&sink, &sam.email, "Confirm your email").await;

        sink.reject_permanently(true);
        let bought = app.post("/api/v1/bundle-purchases", Some(&sam.access), json!({"productId": bundle["id"]})).await;
        assert_eq!(bought.status, 201, "{}", bought.text);
        let resend = || app.request(reqwest::Method::POST, "/api/v1/auth/verify-email/resend", Some(&sam.access), None);
        assert_eq!(resend().await.status, 202);
        let dead = jobs_with_status(&app, &admin, "dead", 2).await;
        for job in &dead {
            assert_eq!(
                (job["recipient"].as_str(), job["attempts"].as_u64()),
                (Some("sam@acme.test"), Some(1)),
                "dead at once: {job}"
            );
            assert!(job["lastError"].as_str().unwrap().contains("550"), "{job}");
        }
        let ready = app.get("/health/ready", None).await.json();
        assert_eq!(ready["checks"]["mailQueue"]["dead"], 2);
        let metrics = app.get("/metrics", None).await.text;
        assert!(metrics.lines().any(|l| l == "engify_outbox_dead 2"), "{metrics}");

        sink.reject_permanently(false);
        let retry = |job: &serde_json::Value| format!("/api/v1/admin/jobs/{}/retry", job["id"].as_str().unwrap());
        let receipt = dead.iter().find(|j| j["kind"] == "bundle_receipt").unwrap();
        assert_eq!(app.post(&retry(receipt), Some(&admin), json!({})).await.status, 202);
        check(&arrives(&sink, "sam@acme.test", "receipt").await, "sam@acme.test");
        assert!(jobs_with_status(&app, &admin, "sent", 3).await.iter().any(|j| j["id"] == receipt["id"]));

        // A dead link email kept no token: resending it would mail a dead link. The student
        // asks for a new one instead.
        let link = dead.iter().find(|j| j["kind"] == "email_verification").unwrap();
        app.post(&retry(link), Some(&admin), json!({})).await.problem(409, "job_not_retryable");
        assert_eq!(resend().await.status, 202);
        arrived(&sink, "sam@acme.test", "Confirm your email", 2).await;
        assert_eq!(app.get("/health/ready", None).await.json()["checks"]["mailQueue"]["dead"], 1);
    }
}

#[tokio::test]
async fn an_app_stopped_between_commit_and_send_sends_after_restart() {
    for db in test_support::all_backends().await {
        let db = Arc::new(db);
        let sink = Arc::new(SmtpSink::start().await);
        // The first instance commits emails but never gets to send them.
        let first = smtp_app(db.clone(), &sink, |s| s.worker_enabled = false).await;
        let admin = first.sign_up("acme").await;
        first.register("acme", "sam@acme.test").await;
        let pending = jobs_with_status(&first, &admin.access, "pending", 2).await;
        assert_eq!(pending.len(), 2);
        drop(first);
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(sink.messages().is_empty());

        let second = smtp_app(db, &sink, |_| {}).await;
        arrives(&sink, "admin@acme.test", "Confirm").await;
        arrives(&sink, "sam@acme.test", "Confirm").await;
        assert_eq!(jobs_with_status(&second, &admin.access, "sent", 2).await.len(), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_on_one_database_send_each_email_once() {
    let Some(db) = test_support::postgres::database().await else { return };
    let db = Arc::new(db);
    let sink = Arc::new(SmtpSink::start().await);
    // The first instance queues; both send, one email at a time each so that they interleave.
    let one = smtp_app(db.clone(), &sink, |s| s.worker_concurrency = 1).await;
    let two = smtp_app(db, &sink, |s| s.worker_concurrency = 1).await;
    let admin = one.sign_up("acme").await;
    for i in 0..24 {
        let reply = one
            .post(
                "/api/v1/auth/register",
                None,
                json!({"organizationSlug": "acme", "email": format!("s{i}@acme.test"), "password": PASSWORD, "name": "S"}),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    let mails = sink.wait_for(25, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = if sink.messages().len() > mails.len() { sink.messages() } else { mails };
    let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
    for mail in &mails {
        *per_id.entry(mail.header("Message-ID").unwrap()).or_default() += 1;
    }
    assert_eq!(per_id.len(), 25, "every email");
    assert!(per_id.values().all(|n| *n == 1), "each once: {per_id:?}");
    assert_eq!(jobs_with_status(&two, &admin.access, "sent", 25).await.len(), 25);
}
