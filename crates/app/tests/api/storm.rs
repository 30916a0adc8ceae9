//! A booking storm across three instances sharing PostgreSQL and Redis: 1,000 requests for ten
//! TA slots, 64 in flight at a time, spread over the instances — exactly one booking per slot,
//! every other request a clean 409, no error, and the database agrees when asked in SQL.

use std::collections::BTreeMap;

use futures_util::StreamExt as _;
use futures_util::future::join_all;
use sea_orm::{ConnectionTrait as _, Database, Statement};
use serde_json::json;

use crate::academy::{Academy, berlin};
use crate::bookings::{book, session, with};
use crate::shared_state::{TestRedis, instances};

const REQUESTS: usize = 1_000;
const IN_FLIGHT: usize = 64;
const SLOTS: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_conflicting_bookings_across_three_instances_book_each_slot_once() {
    let Some(redis) = TestRedis::new() else { return };
    let Some(apps) = instances(&redis, 3, |s| s.database_max_connections = 10).await else { return };
    let academy = Academy::new(&apps[0], "storm").await;
    let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo"]).await;
    let course = course["id"].as_str().unwrap().to_owned();
    let names: Vec<String> = (0..50).map(|i| format!("Student{i:02}")).collect();
    let mut students = Vec::new();
    for chunk in names.chunks(10) {
        students.extend(join_all(chunk.iter().map(|n| academy.student(n))).await);
    }
    // Ten slots: five hours of each TA on one day.
    let slots: Vec<_> = (0..SLOTS)
        .map(|i| {
            with(session(&course, berlin(2, 9 + u32::try_from(i / 2).unwrap(), 0), 60), &json!({"taId": tas[i % 2].id}))
        })
        .collect();

    let outcomes: Vec<(usize, u16, String)> = futures_util::stream::iter(0..REQUESTS)
        .map(|i| {
            let (app, student, slot) = (&apps[i % 3], &students[i % students.len()], slots[i % SLOTS].clone());
            async move {
                let reply = book(app, &student.access, slot).await;
                let code = if reply.status.is_success() {
                    String::new()
                } else {
                    reply.json()["code"].as_str().unwrap_or("?").to_owned()
                };
                (i % SLOTS, reply.status.as_u16(), code)
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;

    let mut counts: BTreeMap<(u16, String), usize> = BTreeMap::new();
    let mut booked_per_slot = [0usize; SLOTS];
    for (slot, status, code) in &outcomes {
        *counts.entry((*status, code.clone())).or_default() += 1;
        if *status == 201 {
            booked_per_slot[*slot] += 1;
        }
    }
    assert_eq!(booked_per_slot, [1; SLOTS], "{counts:?}");
    for (status, code) in counts.keys() {
        assert!(
            *status == 201 || (*status == 409 && ["ta_unavailable", "student_unavailable"].contains(&code.as_str())),
            "unexpected {status} {code}: {counts:?}"
        );
    }

    // The database agrees: one live booking per TA and start, ten in all.
    let db = Database::connect(apps[0].database_url()).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT ta_id, starts_at, count(*) AS n FROM bookings WHERE status = 'booked' GROUP BY ta_id, starts_at",
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), SLOTS);
    for row in rows {
        assert_eq!(row.try_get::<i64>("", "n").unwrap(), 1);
    }
}
