//! [`ReportRepository`]: the admin reports as set-based SQL, one statement per page or list,
//! the same on PostgreSQL and SQLite.
//!
//! The sessions report first takes a page of bookings through `bookings_org_starts_idx`
//! (`organization_id, starts_at, id`: the filter, the keyset and the order are its prefix, so a
//! page reads no more bookings than it returns, cancelled ones aside), then joins the page's
//! seats by primary key and aggregates them per session with conditional counts. The amount follows the rule of
//! [`domain::reports`]: a bundle seat's credit counts while the seat's ledger entries for the
//! booking sum below zero, read through `ledger_entries_booking_idx`.
//!
//! Identifiers are written as text: the reports read columns of migration 011 (`attendance`,
//! `ta_no_show`) and tables the entities model only in part, under aliases of their own.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::reports::{ReportFilter, ReportRepository, SessionCursor, SessionReportRow, TaReportRow};
use domain::shared::{Currency, OrganizationId, UserId};
use domain::store::StoreError;
use sea_orm::sea_query::{Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult};
use uuid::Uuid;

use super::ts;
use crate::errors::{DbResultExt, corrupt};
use crate::store::Repos;

/// `COUNT(CASE WHEN s.attendance = '<mark>' THEN 1 END)`: the session's seats with this mark.
fn seats_marked(mark: &'static str) -> Expr {
    Func::count(Expr::case(Expr::col(("s", "attendance")).eq(mark), 1)).into()
}

/// What the academy keeps for one seat (see [`domain::reports`]), NULL for the row of a session
/// without seats. The credit test reads the seat's own ledger entries: bundle refunds live
/// there, not in the seat's `refunded` flag.
fn seat_amount() -> Expr {
    let credit_balance = Query::select()
        .expr(Func::sum(Expr::col(("l", "delta"))))
        .from_as("ledger_entries", "l")
        .and_where(Expr::col(("l", "booking_id")).equals(("s", "booking_id")))
        .and_where(Expr::col(("l", "bundle_purchase_id")).equals(("s", "bundle_purchase_id")))
        .to_owned();
    // Zeros are literals: typed by the other branches, where a bound parameter would be int4.
    let per_credit = Expr::col(("p", "price_paid_cents")).div(Expr::col(("p", "total_sessions")));
    let per_session =
        Expr::case(Expr::col(("s", "refunded")).eq(true), Expr::cust("0")).finally(Expr::col(("s", "price_cents")));
    Expr::case(Expr::col(("s", "bundle_purchase_id")).is_null(), per_session)
        .case(Expr::from(credit_balance).lt(0), per_credit)
        .finally(Expr::cust("0"))
        .into()
}

/// A sum as a 64-bit integer on both backends (PostgreSQL sums `bigint`s into `numeric`).
fn bigint_sum(expr: Expr) -> Expr {
    Func::cast_as(Func::coalesce([Func::sum(expr).into(), Expr::cust("0")]), "BIGINT").into()
}

/// A session's length in whole minutes, from its `starts_at` and `ends_at` under `alias`: the
/// one expression the backends spell differently (SQLite keeps instants as RFC 3339 text).
fn session_minutes(backend: DbBackend, alias: &str) -> Expr {
    match backend {
        DbBackend::Sqlite => Expr::cust(format!(
            "(CAST(strftime('%s', \"{alias}\".\"ends_at\") AS INTEGER) \
             - CAST(strftime('%s', \"{alias}\".\"starts_at\") AS INTEGER)) / 60"
        )),
        _ => Expr::cust(format!(
            "CAST(EXTRACT(EPOCH FROM (\"{alias}\".\"ends_at\" - \"{alias}\".\"starts_at\")) AS BIGINT) / 60"
        )),
    }
}

/// The organization's bookings under alias `b` that a report covers: not cancelled, starting in
/// the window, of the course and TA when asked.
fn covered(query: &mut SelectStatement, org: OrganizationId, filter: &ReportFilter) {
    query
        .and_where(Expr::col(("b", "organization_id")).eq(org.as_uuid()))
        .and_where(Expr::col(("b", "status")).ne("cancelled"))
        .and_where(Expr::col(("b", "starts_at")).gte(ts(filter.from())))
        .and_where(Expr::col(("b", "starts_at")).lt(ts(filter.to())));
    if let Some(course) = filter.course_id() {
        query.and_where(Expr::col(("b", "course_id")).eq(course.as_uuid()));
    }
    if let Some(ta) = filter.ta_id() {
        query.and_where(Expr::col(("b", "ta_id")).eq(ta.as_uuid()));
    }
}

/// One page of the sessions report: the page of bookings (`pb`), then their seats aggregated.
fn sessions_query(
    org: OrganizationId,
    filter: &ReportFilter,
    after: Option<SessionCursor>,
    limit: u32,
) -> SelectStatement {
    let mut page = Query::select();
    page.columns([
        ("b", "id"),
        ("b", "course_id"),
        ("b", "ta_id"),
        ("b", "starts_at"),
        ("b", "ends_at"),
        ("b", "currency"),
        ("b", "ta_no_show"),
    ])
    .from_as("bookings", "b");
    covered(&mut page, org, filter);
    if let Some(after) = after {
        let row = Expr::tuple([Expr::col(("b", "starts_at")), Expr::col(("b", "id"))]);
        page.and_where(row.gt(Expr::tuple([Expr::val(ts(after.starts_at)), Expr::val(after.booking_id.as_uuid())])));
    }
    page.order_by(("b", "starts_at"), Order::Asc).order_by(("b", "id"), Order::Asc).limit(u64::from(limit));

    let kept = [("pb", "id"), ("pb", "starts_at"), ("pb", "ends_at"), ("pb", "currency"), ("pb", "ta_no_show")];
    Query::select()
        .columns(kept)
        .expr_as(Expr::col(("c", "code")), "course_code")
        .expr_as(Expr::col(("u", "name")), "ta_name")
        .expr_as(Func::count(Expr::col(("s", "student_id"))), "seats")
        .expr_as(seats_marked("present"), "present")
        .expr_as(seats_marked("absent"), "absent")
        .expr_as(seats_marked("excused"), "excused")
        .expr_as(bigint_sum(seat_amount()), "amount_cents")
        .from_subquery(page, "pb")
        .join_as(JoinType::InnerJoin, "courses", "c", Expr::col(("c", "id")).equals(("pb", "course_id")))
        .join_as(JoinType::InnerJoin, "users", "u", Expr::col(("u", "id")).equals(("pb", "ta_id")))
        .join_as(JoinType::LeftJoin, "booking_seats", "s", Expr::col(("s", "booking_id")).equals(("pb", "id")))
        .join_as(
            JoinType::LeftJoin,
            "bundle_purchases",
            "p",
            Expr::col(("p", "id")).equals(("s", "bundle_purchase_id")),
        )
        .group_by_columns(kept)
        .group_by_columns([("c", "code"), ("u", "name")])
        .order_by(("pb", "starts_at"), Order::Asc)
        .order_by(("pb", "id"), Order::Asc)
        .to_owned()
}

/// The TA report: each covered session with its no-shows (`ps`), summed per TA (`pt`), then
/// named. Summing before the join keeps the sort by name to one row per TA.
fn tas_query(backend: DbBackend, org: OrganizationId, filter: &ReportFilter) -> SelectStatement {
    let per_session_key = [("b", "id"), ("b", "ta_id"), ("b", "ta_no_show"), ("b", "starts_at"), ("b", "ends_at")];
    let mut per_session = Query::select();
    per_session
        .columns([("b", "ta_id"), ("b", "ta_no_show")])
        .expr_as(session_minutes(backend, "b"), "minutes")
        .expr_as(seats_marked("absent"), "absent")
        .from_as("bookings", "b")
        .join_as(JoinType::LeftJoin, "booking_seats", "s", Expr::col(("s", "booking_id")).equals(("b", "id")));
    covered(&mut per_session, org, filter);
    per_session.group_by_columns(per_session_key);

    let per_ta = Query::select()
        .column(("ps", "ta_id"))
        .expr_as(Func::count(Expr::cust("*")), "sessions")
        .expr_as(bigint_sum(Expr::col(("ps", "minutes"))), "minutes")
        .expr_as(bigint_sum(Expr::col(("ps", "absent"))), "student_no_shows")
        .expr_as(Func::count(Expr::case(Expr::col(("ps", "ta_no_show")).eq(true), 1)), "ta_no_shows")
        .from_subquery(per_session, "ps")
        .group_by_col(("ps", "ta_id"))
        .to_owned();

    Query::select()
        .columns([
            ("pt", "ta_id"),
            ("pt", "sessions"),
            ("pt", "minutes"),
            ("pt", "student_no_shows"),
            ("pt", "ta_no_shows"),
        ])
        .expr_as(Expr::col(("u", "name")), "ta_name")
        .from_subquery(per_ta, "pt")
        .join_as(JoinType::InnerJoin, "users", "u", Expr::col(("u", "id")).equals(("pt", "ta_id")))
        .order_by(("u", "name"), Order::Asc)
        .order_by(("pt", "ta_id"), Order::Asc)
        .to_owned()
}

/// A count column as `u32`, or the row is corrupt.
fn count(row: &QueryResult, column: &str) -> Result<u32, StoreError> {
    let n: i64 = row.try_get("", column).store()?;
    u32::try_from(n).map_err(|e| corrupt("report", format!("{column}: {e}")))
}

fn session_row(row: &QueryResult) -> Result<SessionReportRow, StoreError> {
    let id: Uuid = row.try_get("", "id").store()?;
    let starts_at: DateTime<Utc> = row.try_get("", "starts_at").store()?;
    let ends_at: DateTime<Utc> = row.try_get("", "ends_at").store()?;
    let bad = |what: &str, e: &dyn std::fmt::Display| corrupt("bookings", format!("{id}: {what}: {e}"));
    let currency: String = row.try_get("", "currency").store()?;
    Ok(SessionReportRow {
        booking_id: id.into(),
        starts_at,
        course_code: row.try_get("", "course_code").store()?,
        ta_name: row.try_get("", "ta_name").store()?,
        duration_minutes: u32::try_from((ends_at - starts_at).num_minutes()).map_err(|e| bad("duration", &e))?,
        seats: count(row, "seats")?,
        present: count(row, "present")?,
        absent: count(row, "absent")?,
        excused: count(row, "excused")?,
        ta_no_show: row.try_get("", "ta_no_show").store()?,
        amount_cents: row.try_get("", "amount_cents").store()?,
        currency: Currency::parse(&currency).map_err(|e| bad("currency", &e))?,
    })
}

fn ta_row(row: &QueryResult) -> Result<TaReportRow, StoreError> {
    let minutes: i64 = row.try_get("", "minutes").store()?;
    Ok(TaReportRow {
        ta_id: UserId::from_uuid(row.try_get("", "ta_id").store()?),
        ta_name: row.try_get("", "ta_name").store()?,
        sessions: count(row, "sessions")?,
        minutes: u64::try_from(minutes).map_err(|e| corrupt("bookings", format!("minutes: {e}")))?,
        student_no_shows: count(row, "student_no_shows")?,
        ta_no_shows: count(row, "ta_no_shows")?,
    })
}

#[async_trait]
impl<C: ConnectionTrait + Send + Sync + 'static> ReportRepository for Repos<C> {
    #[tracing::instrument(skip_all, name = "db.reports.sessions_page")]
    async fn sessions_page(
        &self,
        org: OrganizationId,
        filter: &ReportFilter,
        after: Option<SessionCursor>,
        limit: u32,
    ) -> Result<Vec<SessionReportRow>, StoreError> {
        let statement = self.conn.get_database_backend().build(&sessions_query(org, filter, after, limit));
        self.conn.query_all_raw(statement).await.store()?.iter().map(session_row).collect()
    }

    #[tracing::instrument(skip_all, name = "db.reports.tas")]
    async fn tas(&self, org: OrganizationId, filter: &ReportFilter) -> Result<Vec<TaReportRow>, StoreError> {
        let backend = self.conn.get_database_backend();
        let statement = backend.build(&tas_query(backend, org, filter));
        self.conn.query_all_raw(statement).await.store()?.iter().map(ta_row).collect()
    }
}
