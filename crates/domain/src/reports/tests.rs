//! Reports with mocked ports: the window's limits, admins only, pages read one more row than
//! asked and continue after their last row, the TA report passed through in the store's
//! order, and hours to the hundredth.

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::fixtures::*;
use crate::shared::{BookingId, Currency, ErrorCode, OrganizationId, Role, UseCaseError};
use crate::testing::MockStore;

fn window(days: i64) -> ReportFilter {
    ReportFilter::new(now(), now() + TimeDelta::days(days), None, None).unwrap()
}

fn refused(from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(String, String)> {
    let errors = ReportFilter::new(from, to, None, None).unwrap_err();
    errors.fields().iter().map(|f| (f.field.clone(), f.message.to_string())).collect()
}

fn row(n: u128, minutes_after_now: i64) -> SessionReportRow {
    SessionReportRow {
        booking_id: id(n),
        starts_at: now() + TimeDelta::minutes(minutes_after_now),
        course_code: "MATH-101".into(),
        ta_name: "Tara".into(),
        duration_minutes: 60,
        seats: 1,
        present: 0,
        absent: 0,
        excused: 0,
        ta_no_show: false,
        amount_cents: 4_000,
        currency: Currency::EUR,
    }
}

fn ta_row(n: u128, name: &str, minutes: u64) -> TaReportRow {
    TaReportRow { ta_id: user_id(n), ta_name: name.into(), sessions: 2, minutes, student_no_shows: 1, ta_no_shows: 0 }
}

#[test]
fn a_window_runs_forward_for_at_most_366_days() {
    let filter = ReportFilter::new(now(), now() + TimeDelta::days(366), Some(id(COURSE)), Some(user_id(TA_1)));
    let filter = filter.unwrap();
    assert_eq!((filter.from(), filter.to()), (now(), now() + TimeDelta::days(366)));
    assert_eq!((filter.course_id(), filter.ta_id()), (Some(id(COURSE)), Some(user_id(TA_1))));

    let after_from = vec![("to".to_owned(), "must be after from".to_owned())];
    assert_eq!(refused(now(), now()), after_from, "an empty window");
    assert_eq!(refused(now(), now() - TimeDelta::seconds(1)), after_from, "a backwards window");
    let too_long = now() + TimeDelta::days(366) + TimeDelta::seconds(1);
    assert_eq!(refused(now(), too_long), vec![("to".to_owned(), "must be at most 366 days after from".to_owned())]);
}

#[tokio::test]
async fn only_admins_read_reports() {
    let mut store = MockStore::new();
    store.reports.expect_sessions_page().never();
    store.reports.expect_tas().never();
    let service = ReportService::new(core(store));
    for role in [Role::Ta, Role::Student] {
        let who = actor(TA_1, role);
        let err = service.session_rows_page(&who, &window(7), None, 500).await.unwrap_err();
        assert!(matches!(err, ReportError::Forbidden), "{role}");
        assert_eq!(err.code(), ErrorCode::Forbidden);
        let err = service.ta_rows(&who, &window(7)).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden, "{role}");
    }
    assert!(ReportError::CODES.contains(&ErrorCode::Forbidden));
}

#[tokio::test]
async fn a_page_reads_one_row_more_and_the_next_starts_after_its_last_row() {
    let filter = ReportFilter::new(now(), now() + TimeDelta::days(30), Some(id(COURSE)), None).unwrap();
    let after = SessionCursor { starts_at: now(), booking_id: id::<BookingId>(500) };
    let mut store = MockStore::new();
    store
        .reports
        .expect_sessions_page()
        .withf(move |o, f, a, limit| *o == org_id() && *f == filter && *a == Some(after) && *limit == 3)
        .times(1)
        .returning(|_, _, _, _| Ok(vec![row(501, 10), row(502, 20), row(503, 30)]));
    let service = ReportService::new(core(store));

    let page = service.session_rows_page(&actor(ADMIN, Role::Admin), &filter, Some(after), 2).await.unwrap();

    assert_eq!(page.rows, vec![row(501, 10), row(502, 20)]);
    assert_eq!(page.next, Some(SessionCursor { starts_at: now() + TimeDelta::minutes(20), booking_id: id(502) }));
}

#[tokio::test]
async fn the_last_page_has_no_next_and_reads_stay_in_the_actors_organization() {
    let mut store = MockStore::new();
    store
        .reports
        .expect_sessions_page()
        .withf(|o, _, a, limit| *o == id::<OrganizationId>(OTHER_ORG) && a.is_none() && *limit == MAX_SESSION_PAGE + 1)
        .times(1)
        .returning(|_, _, _, _| Ok(vec![row(501, 10)]));
    let service = ReportService::new(core(store));

    // A page larger than the store reads at once is cut to the largest.
    let page = service.session_rows_page(&stranger(Role::Admin), &window(7), None, 1_000_000).await.unwrap();

    assert_eq!((page.rows.len(), page.next), (1, None));
}

#[tokio::test]
async fn the_ta_report_is_the_stores_rows_in_its_order() {
    let filter = window(31);
    let mut store = MockStore::new();
    store
        .reports
        .expect_tas()
        .withf(move |o, f| *o == org_id() && *f == filter)
        .times(1)
        .returning(|_, _| Ok(vec![ta_row(TA_1, "Ada", 90), ta_row(TA_2, "Bob", 50)]));
    let service = ReportService::new(core(store));

    let rows = service.ta_rows(&actor(ADMIN, Role::Admin), &filter).await.unwrap();

    assert_eq!(rows, vec![ta_row(TA_1, "Ada", 90), ta_row(TA_2, "Bob", 50)]);
    assert_eq!(rows[0].hours().to_string(), "1.50");
}

#[test]
fn hours_are_minutes_to_the_nearest_hundredth() {
    let shown = |minutes| Hours::from_minutes(minutes).to_string();
    assert_eq!(shown(0), "0.00");
    assert_eq!(shown(1), "0.02", "1/60 = 0.0166…");
    assert_eq!(shown(20), "0.33");
    assert_eq!(shown(50), "0.83");
    assert_eq!(shown(45), "0.75");
    assert_eq!(shown(90), "1.50");
    assert_eq!(shown(600), "10.00");
    assert_eq!(shown(527_040), "8784.00", "a leap year of sessions back to back");
    assert!((Hours::from_minutes(50).as_f64() - 0.83).abs() < f64::EPSILON);
    assert_eq!(Hours::from_minutes(3).hundredths(), 5, "0.05 exactly");
}
