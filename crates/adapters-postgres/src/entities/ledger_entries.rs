//! `ledger_entries`: An entry of a bundle's credit ledger.

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub bundle_purchase_id: Uuid,
    pub kind: String,
    pub delta: i32,
    pub booking_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub settlement_round: Option<i32>,
}

/// No relations: queries join explicitly.
#[allow(dead_code, reason = "required by DeriveEntityModel")]
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
