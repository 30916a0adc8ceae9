//! Moving sessions and bundles into the past, in SQL: a client cannot book a session that has
//! already taken place, but attendance, its locking window and expiry are about exactly those.
//! Values are bound through sea-query, so that each backend stores them as the application does.
#![allow(dead_code, reason = "each test file uses part of the helpers")]

use chrono::{DateTime, Duration as Span, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait as _, Database};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::TestApp;

fn uuid(v: &Value) -> Uuid {
    v.as_str().or_else(|| v["id"].as_str()).unwrap().parse().unwrap()
}

fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

/// Moves `booking` (as the API returned it) and its seats `by` earlier.
pub async fn move_back(app: &TestApp, booking: &Value, by: Span) {
    let db = Database::connect(app.database_url()).await.unwrap();
    let (starts, ends) = (instant(&booking["startsAt"]) - by, instant(&booking["endsAt"]) - by);
    let id = uuid(&booking["id"]);
    let bookings = Query::update()
        .table(Alias::new("bookings"))
        .value(Alias::new("starts_at"), starts)
        .value(Alias::new("ends_at"), ends)
        .value(Alias::new("blocked_until"), ends)
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    db.execute(&bookings).await.unwrap();
    let seats = Query::update()
        .table(Alias::new("booking_seats"))
        .value(Alias::new("starts_at"), starts)
        .value(Alias::new("ends_at"), ends)
        .and_where(Expr::col(Alias::new("booking_id")).eq(id))
        .to_owned();
    db.execute(&seats).await.unwrap();
    db.close().await.unwrap();
}

/// Makes `bundle` (as the API returned it) run out `ago` before now: valid from 30 days before.
pub async fn expire_bundle(app: &TestApp, bundle: &Value, ago: Span) {
    let db = Database::connect(app.database_url()).await.unwrap();
    let valid_to = Utc::now() - ago;
    let update = Query::update()
        .table(Alias::new("bundle_purchases"))
        .value(Alias::new("valid_from"), valid_to - Span::days(30))
        .value(Alias::new("valid_to"), valid_to)
        .and_where(Expr::col(Alias::new("id")).eq(uuid(&bundle["id"])))
        .to_owned();
    db.execute(&update).await.unwrap();
    db.close().await.unwrap();
}
