//! Slot search agrees with booking: every proposed slot books, and starts that are not
//! proposed (outside hours, overrunning them, taken by both TAs) are refused.
#![allow(clippy::print_stderr, reason = "the measured outcomes, shown with --nocapture")]

use chrono::{DateTime, Duration as Span, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::academy::{Academy, berlin, rfc3339};
use crate::bookings::{book, booked, session, with};
use crate::helpers::{TestApp, apps};

/// The proposed `(start, TA ids)` of a course for `minutes` between `from` and `to`.
async fn slots(
    app: &TestApp,
    token: &str,
    course: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    minutes: i64,
) -> Vec<(DateTime<Utc>, Vec<String>)> {
    let path = format!(
        "/api/v1/courses/{course}/slots?from={}&to={}&durationMinutes={minutes}&limit=100",
        rfc3339(from),
        rfc3339(to)
    );
    let reply = app.get(&path, Some(token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let start: DateTime<Utc> = s["startsAt"].as_str().unwrap().parse().unwrap();
            let end: DateTime<Utc> = s["endsAt"].as_str().unwrap().parse().unwrap();
            assert_eq!(end - start, Span::minutes(minutes), "{s}");
            let tas = s["taIds"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect();
            (start, tas)
        })
        .collect()
}

#[tokio::test]
async fn every_proposed_slot_books_and_unproposed_starts_are_refused() {
    for app in apps().await {
        let academy = Academy::new(&app, "acme").await;
        let (course, tas) = academy.course_with_tas("MATH-101", &["Tara", "Theo"]).await;
        let course = course["id"].as_str().unwrap().to_owned();
        let (tara, theo) = (&tas[0], &tas[1]);
        let mut students = Vec::new();
        for i in 0..14 {
            students.push(academy.student(&format!("Student{i:02}")).await);
        }
        let mut next = students.iter();
        let at = |hour, minute| session(&course, berlin(2, hour, minute), 60);
        // Both TAs are taken 10:00–11:00; Tara alone 14:00–15:00.
        for (hour, ta) in [(10, tara), (10, theo), (14, tara)] {
            booked(&app, &next.next().unwrap().access, with(at(hour, 0), &json!({"taId": ta.id}))).await;
        }

        let day = (berlin(2, 0, 0), berlin(3, 0, 0));
        let found = slots(&app, &students[13].access, &course, day.0, day.1, 60).await;
        let expected: Vec<DateTime<Utc>> = (0..=22)
            .map(|i| berlin(2, 8, 0) + Span::minutes(30 * i))
            .filter(|s| !(berlin(2, 9, 30)..=berlin(2, 10, 30)).contains(s))
            .collect();
        let starts: Vec<DateTime<Utc>> = found.iter().map(|(s, _)| *s).collect();
        assert_eq!(starts, expected, "08:00–19:00 every 30 minutes but where both TAs are taken");
        let mut both = vec![tara.id.clone(), theo.id.clone()];
        both.sort();
        for (start, ids) in &found {
            let tara_busy = (berlin(2, 13, 30)..=berlin(2, 14, 30)).contains(start);
            let expected = if tara_busy { vec![theo.id.clone()] } else { both.clone() };
            assert_eq!(ids, &expected, "TAs at {start}");
        }

        // Starts the search does not propose are refused by booking.
        let sam = &students[12];
        for (hour, minute) in [(7, 0), (7, 30), (19, 30), (20, 0), (9, 30), (10, 0), (10, 30)] {
            let start = berlin(2, hour, minute);
            assert!(!starts.contains(&start));
            book(&app, &sam.access, at(hour, minute)).await.problem(409, "no_ta_available");
        }
        book(&app, &sam.access, with(at(7, 0), &json!({"taId": theo.id})))
            .await
            .problem(422, "outside_ta_availability");
        book(&app, &sam.access, with(at(14, 0), &json!({"taId": tara.id}))).await.problem(409, "ta_unavailable");
        book(&app, &sam.access, with(at(10, 30), &json!({"taId": theo.id}))).await.problem(409, "ta_unavailable");

        // A sample of proposed slots, pairwise disjoint (on the hour), each booked by another
        // student without naming a TA: all succeed, each with one of the slot's TAs.
        let sample: Vec<&(DateTime<Utc>, Vec<String>)> =
            found.iter().filter(|(s, _)| s.timestamp() % 3600 == 0).take(10).collect();
        assert_eq!(sample.len(), 10);
        let mut chosen = Vec::new();
        for (start, ids) in &sample {
            let b = booked(&app, &next.next().unwrap().access, session(&course, *start, 60)).await;
            let ta = b["taId"].as_str().unwrap().to_owned();
            assert!(ids.contains(&ta), "{start}: {ta} not among {ids:?}");
            chosen.push((*start, ta));
        }
        eprintln!("{:?}: booked {} of {} proposed slots", app.backend, sample.len(), found.len());

        // The search now leaves out the TA each sampled slot went to.
        let after = slots(&app, &students[13].access, &course, day.0, day.1, 60).await;
        for (start, ta) in &chosen {
            let still = after.iter().find(|(s, _)| s == start);
            assert!(still.is_none_or(|(_, ids)| !ids.contains(ta)), "{start} still offers {ta}: {still:?}");
        }
        assert!(after.len() < found.len(), "{} then {}", found.len(), after.len());

        // The grid is where slots are proposed, not a scheduling rule (domain.md rules 1–5):
        // an off-grid start is never proposed, yet a free TA can be booked for it.
        let off_grid = berlin(2, 19, 10);
        let proposed = slots(&app, &sam.access, &course, day.0, day.1, 15).await;
        assert!(proposed.iter().all(|(s, _)| *s != off_grid));
        let b: Value = booked(&app, &sam.access, session(&course, off_grid, 15)).await;
        assert_eq!(b["startsAt"], rfc3339(off_grid));
    }
}
