//! `group_session_templates`: A group-session template.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "group_session_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub course_id: Uuid,
    pub ta_id: Uuid,
    pub ta_role: String,
    pub title: String,
    pub capacity: i32,
    pub duration_minutes: i32,
    pub price_per_student_cents: i64,
    pub currency: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

/// No relations: queries join explicitly.
#[allow(dead_code, reason = "required by DeriveEntityModel")]
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
