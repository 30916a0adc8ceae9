//! Closing a month over HTTP on both backends: a randomized month of bookings paid by bundles,
//! cancellations, attendance marks, changes of mark and TA no-shows, then the expiry of a
//! bundle. Once every session is marked, each bundle's credits are all accounted for:
//! `purchase = remaining + attended + forfeited + expired` (seats counted from the bookings'
//! final marks, the expiry from the ledger), and the ledger adds up to the balance. The seed is
//! printed so that a failing month can be replayed (`MONTH_SEED=…`).
#![allow(clippy::print_stderr, reason = "the seed, shown with --nocapture and on failure")]

use std::collections::HashMap;

use chrono::Duration as Span;
use rand::rngs::StdRng;
use rand::{RngExt as _, SeedableRng as _};
use serde_json::{Value, json};

use crate::academy::berlin;
use crate::attendance::{Marking, marked};
use crate::bookings::{booked, cancel, session, with};
use crate::bundles::{bought, remaining};
use crate::helpers::apps;
use crate::past::{expire_bundle, move_back};

const MARKS: [&str; 3] = ["present", "absent", "excused"];

fn seed() -> u64 {
    std::env::var("MONTH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        u64::from(nanos)
    })
}

/// What a seat's final state settles to (the default policy: a no-show forfeits).
fn spends_credit(seat: &Value, ta_no_show: bool) -> bool {
    !ta_no_show && matches!(seat["attendance"].as_str(), Some("present" | "absent"))
}

#[tokio::test]
async fn every_credit_of_a_randomized_month_is_accounted_for() {
    for app in apps().await {
        let b = app.backend;
        let seed = seed();
        eprintln!("{b:?}: MONTH_SEED={seed}");
        let mut rng = StdRng::seed_from_u64(seed);
        let m = Marking::new(&app, "acme").await;
        let admin = m.academy.admin.access.clone();
        let product = m.academy.bundle(&m.course, 10, 90, 30_000).await;
        let mut students = vec![m.sam.clone()];
        for name in ["Kim", "Lea", "Noa"] {
            students.push(m.academy.student(name).await);
        }
        let mut bundles = HashMap::new();
        for s in &students {
            bundles.insert(s.id.clone(), bought(&app, s, &product).await);
        }

        // Up to four sessions a student, each at its own hour so that they never overlap.
        let mut sessions = Vec::new();
        for (i, s) in students.iter().enumerate() {
            for day in 1..=4 {
                if rng.random_range(0..4) == 0 {
                    continue;
                }
                let hour = 8 + u32::try_from(i).unwrap() * 2;
                let extra = json!({"taId": m.tara.id, "bundlePurchaseId": bundles[&s.id]["id"]});
                let body = with(session(&m.course, berlin(day + 1, hour, 0), 60), &extra);
                sessions.push((s.clone(), booked(&app, &s.access, body).await));
            }
        }
        // Some are cancelled by the admin (refunded), the others move to last month.
        let mut held = Vec::new();
        for (s, booking) in sessions {
            if rng.random_range(0..5) == 0 {
                assert_eq!(cancel(&app, &admin, &booking, json!({})).await.status, 200);
            } else {
                move_back(&app, &booking, Span::days(10)).await;
                held.push((s, booking));
            }
        }
        // Every held session is marked, some of them again, a few with a TA no-show.
        for (s, booking) in &held {
            for _ in 0..rng.random_range(1..=3) {
                let mut body = json!({"seats": [{"studentId": s.id, "attendance": MARKS[rng.random_range(0..3)]}]});
                if rng.random_range(0..6) == 0 {
                    body["taNoShow"] = json!(rng.random_range(0..2) == 0);
                }
                marked(&app, &admin, booking, body).await;
            }
        }
        let expiring = &bundles[&students[0].id];
        expire_bundle(&app, expiring, Span::seconds(1)).await;
        for _ in 0..100 {
            if remaining(&app, &admin, expiring["id"].as_str().unwrap()).await == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }

        let unmarked = app.get("/api/v1/bookings?status=booked&limit=100", Some(&admin)).await.json();
        assert_eq!(unmarked["data"], json!([]), "{b:?} seed {seed}: every session of the month is marked");
        for s in &students {
            let statement = app.get(&format!("/api/v1/students/{}/credit-statement", s.id), Some(&admin)).await.json();
            let bundle = &statement["bundles"][0];
            let entries = bundle["entries"].as_array().unwrap();
            let left = bundle["bundlePurchase"]["remainingSessions"].as_i64().unwrap();
            let sum: i64 = entries.iter().map(|e| e["delta"].as_i64().unwrap()).sum();
            assert_eq!(sum, left, "{b:?} seed {seed}: the ledger adds up to the balance");
            assert_eq!(entries.last().unwrap()["balance"], json!(left), "{b:?} seed {seed}");
            let expired: i64 =
                entries.iter().filter(|e| e["kind"] == "expire").map(|e| -e["delta"].as_i64().unwrap()).sum();
            let mut spent = 0;
            for (_, booking) in held.iter().filter(|(owner, _)| owner.id == s.id) {
                let now = app
                    .get(&format!("/api/v1/bookings/{}", booking["id"].as_str().unwrap()), Some(&admin))
                    .await
                    .json();
                assert_eq!(now["status"], "completed", "{b:?} seed {seed}");
                if spends_credit(&now["seats"][0], now["taNoShow"].as_bool().unwrap()) {
                    spent += 1;
                }
            }
            assert_eq!(
                10,
                left + spent + expired,
                "{b:?} seed {seed}: purchase = remaining + attended + forfeited + expired for {}",
                s.id
            );
        }
    }
}
