//! Audit events: an append-only record of security- and money-relevant actions.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::shared::validation::InvalidValue;
use crate::shared::{AuditEventId, OrganizationId, RequestContext, UserId};

macro_rules! audit_actions {
    ($($(#[$meta:meta])* $variant:ident = $name:literal;)*) => {
        /// What happened.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum AuditAction {
            $($(#[$meta])* $variant,)*
        }

        impl AuditAction {
            /// Every action.
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant,)*];

            /// The dotted name stored and shown to admins, e.g. `booking.cancelled`.
            pub const fn as_str(self) -> &'static str {
                match self { $(AuditAction::$variant => $name,)* }
            }

            /// Parses a dotted name.
            ///
            /// # Errors
            /// For an unknown name.
            pub fn parse(name: &str) -> Result<Self, InvalidValue> {
                match name {
                    $($name => Ok(AuditAction::$variant),)*
                    _ => Err(InvalidValue::new("unknown audit action")),
                }
            }
        }
    };
}

audit_actions! {
    /// A login succeeded.
    LoginSucceeded = "login.succeeded";
    /// A login failed (wrong password, or no password set yet).
    LoginFailed = "login.failed";
    /// Repeated failures locked an email.
    AccountLocked = "account.locked";
    /// A password was set through a reset or invitation token.
    PasswordReset = "password.reset";
    /// A session was revoked (logout, revoke, refresh-token reuse, reset).
    SessionRevoked = "session.revoked";
    /// A user was invited as a TA (a role granted).
    TaInvited = "ta.invited";
    /// A TA was assigned to a course.
    CourseTaAssigned = "course_ta.assigned";
    /// A TA was removed from a course.
    CourseTaUnassigned = "course_ta.unassigned";
    /// A bundle was bought.
    BundlePurchased = "bundle.purchased";
    /// A session was booked or scheduled.
    BookingCreated = "booking.created";
    /// A session was cancelled.
    BookingCancelled = "booking.cancelled";
    /// A session was moved to another time or TA.
    BookingRescheduled = "booking.rescheduled";
    /// A series of individual sessions was booked (each session with it).
    SeriesBooked = "series.booked";
    /// A series was cancelled from a date on (each remaining session with it).
    SeriesCancelled = "series.cancelled";
    /// A TA's time off was recorded (its sessions in the window perhaps reassigned).
    TimeOffRecorded = "time_off.recorded";
    /// A TA's time off was deleted.
    TimeOffDeleted = "time_off.deleted";
    /// A student took a seat in a group session (directly or promoted from the waitlist).
    GroupJoined = "group.joined";
    /// A student left a group session.
    GroupLeft = "group.left";
    /// A bundle credit was given back.
    LedgerRefund = "ledger.refund";
    /// A late cancellation or a no-show kept a bundle credit spent.
    LedgerForfeit = "ledger.forfeit";
    /// A bundle credit was settled as spent on a lesson that took place.
    LedgerAttended = "ledger.attended";
    /// A seat's earlier settlement was reversed (its mark changed).
    LedgerReversal = "ledger.reversal";
    /// A bundle's credits left ran out at its `validTo`.
    LedgerExpire = "ledger.expire";
    /// A seat's attendance was marked or changed, or a TA's no-show recorded or withdrawn.
    AttendanceRecorded = "attendance.recorded";
}

/// The kind of thing an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetType {
    /// A user.
    User,
    /// An authentication session.
    Session,
    /// A course.
    Course,
    /// A bundle purchase.
    BundlePurchase,
    /// A booking.
    Booking,
    /// A recurring series of bookings.
    BookingSeries,
}

impl TargetType {
    /// `user`, `session`, `course`, `bundle_purchase`, `booking` or `booking_series`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TargetType::User => "user",
            TargetType::Session => "session",
            TargetType::Course => "course",
            TargetType::BundlePurchase => "bundle_purchase",
            TargetType::Booking => "booking",
            TargetType::BookingSeries => "booking_series",
        }
    }

    /// Parses a stored name.
    ///
    /// # Errors
    /// For an unknown name.
    pub fn parse(name: &str) -> Result<Self, InvalidValue> {
        [
            TargetType::User,
            TargetType::Session,
            TargetType::Course,
            TargetType::BundlePurchase,
            TargetType::Booking,
            TargetType::BookingSeries,
        ]
        .into_iter()
        .find(|t| t.as_str() == name)
        .ok_or_else(|| InvalidValue::new("unknown target type"))
    }
}

/// One audited action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Its id.
    pub id: AuditEventId,
    /// The organization it happened in.
    pub organization_id: OrganizationId,
    /// Who did it; `None` for anonymous actions (a failed login).
    pub actor_id: Option<UserId>,
    /// What happened.
    pub action: AuditAction,
    /// The kind of thing it is about.
    pub target_type: TargetType,
    /// The id of the thing it is about.
    pub target_id: Uuid,
    /// A short machine-readable detail (`ta=…`, `reason=refresh_token_reused`), never a secret.
    pub detail: Option<String>,
    /// The request that caused it.
    pub request_id: String,
    /// The client IP of that request.
    pub ip: Option<IpAddr>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

impl AuditEvent {
    /// An event about `target_id`, caused by the request `context`.
    pub fn new(
        id: AuditEventId,
        organization_id: OrganizationId,
        action: AuditAction,
        target: (TargetType, Uuid),
        context: &RequestContext,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            organization_id,
            actor_id: None,
            action,
            target_type: target.0,
            target_id: target.1,
            detail: None,
            request_id: context.request_id.clone(),
            ip: context.ip,
            at,
        }
    }

    /// The same event, done by `actor`.
    #[must_use]
    pub fn by(mut self, actor: UserId) -> Self {
        self.actor_id = Some(actor);
        self
    }

    /// The same event, with a detail.
    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Which events to list (`GET /admin/audit-events`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only events by this user.
    pub actor_id: Option<UserId>,
    /// Only events at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only events before this instant.
    pub to: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert!(seen.insert(a.as_str()));
            assert_eq!(AuditAction::parse(a.as_str()).unwrap(), *a);
        }
        assert!(AuditAction::parse("booking.exploded").is_err());
    }

    #[test]
    fn target_types_round_trip() {
        for t in
            [TargetType::User, TargetType::Session, TargetType::Course, TargetType::BundlePurchase, TargetType::Booking]
        {
            assert_eq!(TargetType::parse(t.as_str()).unwrap(), t);
        }
        assert!(TargetType::parse("planet").is_err());
    }

    #[test]
    fn events_carry_the_request_context() {
        let ctx =
            RequestContext { request_id: "req-1".into(), ip: Some("10.0.0.1".parse().unwrap()), user_agent: None };
        let actor = UserId::from_uuid(Uuid::now_v7());
        let e = AuditEvent::new(
            AuditEventId::from_uuid(Uuid::now_v7()),
            OrganizationId::from_uuid(Uuid::now_v7()),
            AuditAction::BookingCancelled,
            (TargetType::Booking, Uuid::nil()),
            &ctx,
            Utc::now(),
        )
        .by(actor)
        .detail("refund");
        assert_eq!(e.request_id, "req-1");
        assert_eq!(e.ip, ctx.ip);
        assert_eq!(e.actor_id, Some(actor));
        assert_eq!(e.detail.as_deref(), Some("refund"));
    }
}
