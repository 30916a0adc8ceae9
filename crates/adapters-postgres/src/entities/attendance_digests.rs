//! `attendance_digests`: A TA's morning digest of sessions waiting for attendance, one per local day.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance_digests")]
pub struct Model {
    pub organization_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ta_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub local_date: Date,
    pub sessions: i32,
    pub created_at: DateTimeUtc,
}

/// No relations: queries join explicitly.
#[allow(dead_code, reason = "required by DeriveEntityModel")]
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
