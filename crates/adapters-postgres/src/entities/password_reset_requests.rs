//! `password_reset_requests`: A password-reset request waiting for the worker.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_reset_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_slug: String,
    pub email: String,
    pub requested_at: DateTimeUtc,
}

/// No relations: a request references nothing.
#[allow(dead_code, reason = "required by DeriveEntityModel")]
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
