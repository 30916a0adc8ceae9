//! Attendance under concurrency over HTTP on PostgreSQL: twenty markings of one group session at
//! once, by its TA and an admin with different marks (and TA no-shows recorded and withdrawn),
//! leave every seat with exactly one settlement in force that matches its final mark, ledgers
//! that add up to the balances, and per-session refunds that agree; the database itself refuses
//! a second settlement of one seat's round.
#![allow(clippy::print_stderr, reason = "the measured outcomes, shown with --nocapture")]

use chrono::Duration as Span;
use futures_util::future::join_all;
use sea_orm::{ConnectionTrait as _, Database, Statement};
use serde_json::{Value, json};

use crate::academy::berlin;
use crate::attendance::mark;
use crate::bundles::{bought, remaining};
use crate::group_fixture::{Groups, action, join};
use crate::helpers::{outcomes, postgres_app};
use crate::past::move_back;

const MARKS: [&str; 3] = ["present", "absent", "excused"];

/// The settlement the contract gives a seat (default policy: a no-show forfeits).
fn expected(attendance: &Value, ta_no_show: bool) -> &'static str {
    match (ta_no_show, attendance.as_str()) {
        (true, _) | (false, Some("excused")) => "refund",
        (false, Some("present")) => "attended",
        (false, Some("absent")) => "forfeit",
        other => panic!("a seat left unmarked: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_markings_leave_one_consistent_settlement_per_seat() {
    let Some(app) = postgres_app().await else { return };
    let g = Groups::new(&app, "acme").await;
    let admin = g.admin();
    let product = g.academy.bundle(&g.course_id, 5, 30, 10_000).await;
    let template = g.template(&g.tara, "Workshop", 6).await;
    let session = g.session(&template, berlin(1, 10, 0)).await;
    let students = g.students("Student", 4).await;
    let mut bundles = Vec::new();
    for (i, student) in students.iter().enumerate() {
        if i.is_multiple_of(2) {
            let bundle = bought(&app, student, &product).await;
            let body = json!({"bundlePurchaseId": bundle["id"]});
            assert_eq!(app.post(&action(&session, "join"), Some(&student.access), body).await.status, 200);
            bundles.push(Some(bundle));
        } else {
            assert_eq!(join(&app, &session, student).await.status, 200);
            bundles.push(None);
        }
    }
    move_back(&app, &session, Span::days(2)).await;

    let requests = (0..20).map(|i: usize| {
        let seats: Vec<Value> = students
            .iter()
            .enumerate()
            .map(|(j, s)| json!({"studentId": s.id, "attendance": MARKS[(i + j) % 3]}))
            .collect();
        let mut body = json!({"seats": seats});
        match i % 10 {
            0 => body["taNoShow"] = json!(true),
            5 => body["taNoShow"] = json!(false),
            _ => {}
        }
        let token = if i.is_multiple_of(2) { admin.access.clone() } else { g.tara.access.clone() };
        let (app, session) = (&app, &session);
        async move { mark(app, &token, session, body).await }
    });
    let replies = join_all(requests).await;
    let counts = outcomes(&replies);
    eprintln!("20 concurrent markings of one group session: {counts:?}");
    assert_eq!(counts.get("200"), Some(&20), "{counts:?}: each runs on the locked booking, one after another");

    let path = format!("/api/v1/bookings/{}", session["id"].as_str().unwrap());
    let final_state = app.get(&path, Some(&admin.access)).await.json();
    assert_eq!(final_state["status"], "completed");
    let ta_no_show = final_state["taNoShow"].as_bool().unwrap();
    let db = Database::connect(app.database_url()).await.unwrap();
    for (student, bundle) in students.iter().zip(&bundles) {
        let seat =
            final_state["seats"].as_array().unwrap().iter().find(|s| s["studentId"] == student.id.as_str()).unwrap();
        let settled = expected(&seat["attendance"], ta_no_show);
        let Some(bundle) = bundle else {
            assert_eq!(seat["refunded"], settled == "refund", "per-session seat of {}", student.id);
            continue;
        };
        let sql = format!(
            "SELECT kind, delta, settlement_round FROM ledger_entries WHERE booking_id = '{}' AND bundle_purchase_id = '{}' \
             ORDER BY settlement_round NULLS FIRST, kind = 'reversal'",
            session["id"].as_str().unwrap(),
            bundle["id"].as_str().unwrap()
        );
        let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
        let entries: Vec<(String, i32, Option<i32>)> = rows
            .iter()
            .map(|r| {
                (
                    r.try_get("", "kind").unwrap(),
                    r.try_get("", "delta").unwrap(),
                    r.try_get("", "settlement_round").unwrap(),
                )
            })
            .collect();
        let settlements = entries.iter().filter(|e| e.2.is_some() && e.0 != "reversal").count();
        let reversals = entries.iter().filter(|e| e.0 == "reversal").count();
        assert_eq!(settlements, reversals + 1, "one settlement in force: {entries:?}");
        let last = entries.iter().rfind(|e| e.0 != "reversal").unwrap();
        assert_eq!(last.0, settled, "the settlement in force matches the final mark: {entries:?}");
        let sum: i32 = entries.iter().map(|e| e.1).sum();
        assert_eq!(sum, if settled == "refund" { 0 } else { -1 }, "{entries:?}");
        let left = remaining(&app, &student.access, bundle["id"].as_str().unwrap()).await;
        assert_eq!(left, 5 + i64::from(sum), "the balance is the ledger's sum");

        let (kind, round) = (&last.0, last.2.unwrap());
        let again = format!(
            "INSERT INTO ledger_entries (id, organization_id, bundle_purchase_id, kind, delta, booking_id, created_at, settlement_round) \
             SELECT gen_random_uuid(), organization_id, bundle_purchase_id, kind, delta, booking_id, now(), settlement_round \
             FROM ledger_entries WHERE booking_id = '{}' AND bundle_purchase_id = '{}' AND kind = '{kind}' AND settlement_round = {round}",
            session["id"].as_str().unwrap(),
            bundle["id"].as_str().unwrap()
        );
        let refused = db.execute_unprepared(&again).await.expect_err("a second settlement of one round");
        assert!(refused.to_string().contains("ledger_entries_settled_once"), "{refused}");
    }
    db.close().await.unwrap();
}
