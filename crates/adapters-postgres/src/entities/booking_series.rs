//! `booking_series`: A recurring series of individual bookings.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_series")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub course_id: Uuid,
    pub student_id: Uuid,
    pub student_role: String,
    pub ta_id: Uuid,
    pub ta_role: String,
    pub recurrence: String,
    pub starts_at: DateTimeUtc,
    pub duration_minutes: i32,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

/// No relations: queries join explicitly.
#[allow(dead_code, reason = "required by DeriveEntityModel")]
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
