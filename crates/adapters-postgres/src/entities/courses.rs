//! `courses`: A course.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "courses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub code: String,
    pub title: String,
    pub description: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub cancellation_window_hours: Option<i32>,
    pub reschedule_window_hours: Option<i32>,
    pub max_reschedules: Option<i32>,
    pub late_cancellation: Option<String>,
    pub no_show: Option<String>,
}

/// No relations: queries join explicitly.
#[allow(dead_code, reason = "required by DeriveEntityModel")]
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
