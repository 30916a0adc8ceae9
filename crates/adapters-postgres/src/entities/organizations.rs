//! `organizations`: An organization (tenant) and its settings.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub timezone: String,
    pub currency: String,
    pub cancellation_window_hours: i32,
    pub min_notice_minutes: i32,
    pub max_advance_days: i32,
    pub buffer_minutes: i32,
    pub slot_step_minutes: i32,
    pub created_at: DateTimeUtc,
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
