//! `availabilities`: A TA's availability; weekly hours and overrides as JSON.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "availabilities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ta_id: Uuid,
    pub organization_id: Uuid,
    pub ta_role: String,
    pub timezone: String,
    #[sea_orm(column_type = "JsonBinary")]
    pub weekly: Json,
    #[sea_orm(column_type = "JsonBinary")]
    pub overrides: Json,
    pub updated_at: DateTimeUtc,
}

/// No relations: queries join explicitly.
#[allow(dead_code, reason = "required by DeriveEntityModel")]
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
