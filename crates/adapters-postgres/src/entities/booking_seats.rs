//! `booking_seats`: A student's seat in a booking, with copies of the booking's interval and state.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_seats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub booking_id: Uuid,
    pub organization_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub student_id: Uuid,
    pub student_role: String,
    pub bundle_purchase_id: Option<Uuid>,
    pub price_cents: i64,
    pub joined_at: DateTimeUtc,
    pub refunded: bool,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub active: bool,
    pub attendance: Option<String>,
    pub settlement_round: i32,
}

/// No relations: queries join explicitly.
#[allow(dead_code, reason = "required by DeriveEntityModel")]
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
