//! `bundle_purchases`: A bundle purchase and its remaining credit.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bundle_purchases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub student_id: Uuid,
    pub student_role: String,
    pub course_id: Uuid,
    pub product_id: Uuid,
    pub total_sessions: i32,
    pub remaining_sessions: i32,
    pub price_paid_cents: i64,
    pub currency: String,
    pub valid_from: DateTimeUtc,
    pub valid_to: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

/// No relations: queries join explicitly.
#[allow(dead_code, reason = "required by DeriveEntityModel")]
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
