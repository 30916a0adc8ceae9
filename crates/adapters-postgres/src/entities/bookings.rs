//! `bookings`: A booking (individual or group session).

use sea_orm::entity::prelude::*;

/// A row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub course_id: Uuid,
    pub ta_id: Uuid,
    pub ta_role: String,
    pub session_type: String,
    pub status: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub blocked_until: DateTimeUtc,
    pub capacity: i32,
    pub seats_taken: i32,
    pub price_per_student_cents: i64,
    pub currency: String,
    pub template_id: Option<Uuid>,
    pub created_by: Uuid,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancelled_by: Option<Uuid>,
    pub cancellation_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub policy_cancellation_window_hours: i32,
    pub policy_reschedule_window_hours: i32,
    pub policy_max_reschedules: i32,
    pub policy_late_cancellation: String,
    pub policy_no_show: String,
    pub sequence: i32,
    pub reschedule_count: i32,
    pub series_id: Option<Uuid>,
    pub completed_at: Option<DateTimeUtc>,
    pub ta_no_show: bool,
}

/// No relations: queries join explicitly.
#[allow(dead_code, reason = "required by DeriveEntityModel")]
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
