//! Outbox messages: every email the domain sends, written in the same transaction as the change
//! that causes it, then delivered by a worker.

use chrono::{DateTime, Utc};

use crate::shared::validation::InvalidValue;
use crate::shared::{BookingId, Cents, Currency, Email, OrganizationId, OutboxMessageId, Secret, SeriesId, TimeZoneId};

/// Delivery state of an outbox message (a "job" in the admin API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// Waiting for its first attempt.
    Pending,
    /// At least one attempt failed; another is scheduled at `next_attempt_at`.
    Retrying,
    /// Given up (permanent rejection or too many attempts); an admin may retry it.
    Dead,
    /// Accepted by the mail server.
    Sent,
}

impl JobStatus {
    /// `pending`, `retrying`, `dead` or `sent`.
    pub const fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Retrying => "retrying",
            JobStatus::Dead => "dead",
            JobStatus::Sent => "sent",
        }
    }

    /// Parses a status name.
    ///
    /// # Errors
    /// For an unknown name.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        match s {
            "pending" => Ok(JobStatus::Pending),
            "retrying" => Ok(JobStatus::Retrying),
            "dead" => Ok(JobStatus::Dead),
            "sent" => Ok(JobStatus::Sent),
            _ => Err(InvalidValue::new("must be pending, retrying, dead or sent")),
        }
    }
}

/// Which email a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailKind {
    /// Confirms a new account's address.
    EmailVerification,
    /// Carries a password-reset link.
    PasswordReset,
    /// Invites a new TA to set a password.
    TaInvitation,
    /// Confirms a bundle purchase.
    BundleReceipt,
    /// Confirms an individual booking (to the student and to the TA).
    BookingConfirmation,
    /// Confirms a seat in a group session.
    GroupJoinConfirmation,
    /// Tells a waitlisted student they now have a seat.
    WaitlistPromotion,
    /// Tells a student or TA a session was cancelled.
    Cancellation,
    /// Tells the seated students and the TAs a session moved (time, TA or both).
    BookingRescheduled,
    /// Confirms a recurring series (to the student and to the TA), listing its dates.
    SeriesConfirmation,
    /// Tells the student and the TA the remaining sessions of a series were cancelled.
    SeriesCancellation,
    /// A student refunded because the TA did not come.
    TaNoShowRefund,
    /// A TA's morning list of sessions waiting for attendance.
    AttendanceDigest,
}

impl EmailKind {
    /// Every kind.
    pub const ALL: [EmailKind; 13] = [
        EmailKind::EmailVerification,
        EmailKind::PasswordReset,
        EmailKind::TaInvitation,
        EmailKind::BundleReceipt,
        EmailKind::BookingConfirmation,
        EmailKind::GroupJoinConfirmation,
        EmailKind::WaitlistPromotion,
        EmailKind::Cancellation,
        EmailKind::BookingRescheduled,
        EmailKind::SeriesConfirmation,
        EmailKind::SeriesCancellation,
        EmailKind::TaNoShowRefund,
        EmailKind::AttendanceDigest,
    ];

    /// The snake_case name shown to admins, e.g. `booking_confirmation`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EmailKind::EmailVerification => "email_verification",
            EmailKind::PasswordReset => "password_reset",
            EmailKind::TaInvitation => "ta_invitation",
            EmailKind::BundleReceipt => "bundle_receipt",
            EmailKind::BookingConfirmation => "booking_confirmation",
            EmailKind::GroupJoinConfirmation => "group_join_confirmation",
            EmailKind::WaitlistPromotion => "waitlist_promotion",
            EmailKind::Cancellation => "cancellation",
            EmailKind::BookingRescheduled => "booking_rescheduled",
            EmailKind::SeriesConfirmation => "series_confirmation",
            EmailKind::SeriesCancellation => "series_cancellation",
            EmailKind::TaNoShowRefund => "ta_no_show_refund",
            EmailKind::AttendanceDigest => "attendance_digest",
        }
    }

    /// Parses a kind name.
    ///
    /// # Errors
    /// For an unknown name.
    pub fn parse(s: &str) -> Result<Self, InvalidValue> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| InvalidValue::new("unknown email kind"))
    }
}

/// What an email says about one session, captured when the email is queued so that delivery
/// needs no further reads (and says what was true at the time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDetails {
    /// The booking.
    pub booking_id: BookingId,
    /// The course title.
    pub course_title: String,
    /// The TA's name.
    pub ta_name: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// The organization's time zone, in which the email shows times.
    pub timezone: TimeZoneId,
    /// The organization's name.
    pub organization_name: String,
    /// The booking's `sequence` when the email was queued (0 at booking, one more per move):
    /// the `SEQUENCE` of the email's calendar invitation, so that a calendar client applies
    /// the latest one.
    pub sequence: u32,
}

/// Who a booking confirmation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The student who booked.
    Student,
    /// The TA who teaches.
    Ta,
}

/// What a series email says about the series: the course, the TA, and its sessions' times
/// (shown in the organization's time zone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesDetails {
    /// The series.
    pub series_id: SeriesId,
    /// The course title.
    pub course_title: String,
    /// The TA's name.
    pub ta_name: String,
    /// The organization's name.
    pub organization_name: String,
    /// The organization's time zone, in which the email shows times.
    pub timezone: TimeZoneId,
    /// The sessions the email is about (booked, or cancelled), earliest first: start and end.
    pub sessions: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Occurrences not booked, with the code saying why (a confirmation with `allowPartial`).
    pub skipped: Vec<(DateTime<Utc>, String)>,
}

/// Who a reschedule email is for: what changed is told differently to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RescheduleAudience {
    /// A student seated in the session.
    Student,
    /// The TA who teaches it now (the same TA, or the one it moved to).
    Ta,
    /// The TA who taught it before it moved to another TA: they no longer teach it.
    FormerTa,
}

/// Where a session was before it moved, as a reschedule email shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousSlot {
    /// When it was to start.
    pub starts_at: DateTime<Utc>,
    /// When it was to end.
    pub ends_at: DateTime<Utc>,
    /// Who was to teach it.
    pub ta_name: String,
}

/// The content of an email, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailPayload {
    /// Verification link (`{PUBLIC_BASE_URL}/verify-email?token=…`).
    EmailVerification {
        /// The single-use token of the link.
        token: Secret,
    },
    /// Reset link (`{PUBLIC_BASE_URL}/reset-password?token=…`).
    PasswordReset {
        /// The single-use token of the link.
        token: Secret,
    },
    /// Invitation link (`{PUBLIC_BASE_URL}/reset-password?token=…`).
    TaInvitation {
        /// The inviting organization.
        organization_name: String,
        /// The single-use token of the link.
        token: Secret,
    },
    /// Receipt of a bundle purchase.
    BundleReceipt {
        /// The selling organization.
        organization_name: String,
        /// The course the bundle is for.
        course_title: String,
        /// The product bought.
        product_name: String,
        /// How many sessions it holds.
        sessions: u32,
        /// What was paid.
        price: Cents,
        /// In which currency.
        currency: Currency,
        /// Until when it can be used.
        valid_to: DateTime<Utc>,
        /// The organization's time zone, for showing `valid_to`.
        timezone: TimeZoneId,
    },
    /// Confirmation of an individual booking.
    BookingConfirmation {
        /// The session.
        session: SessionDetails,
        /// Whether this copy is the student's or the TA's.
        audience: Audience,
        /// The student's name (shown to the TA).
        student_name: String,
    },
    /// Confirmation of a group-session seat.
    GroupJoinConfirmation {
        /// The session.
        session: SessionDetails,
    },
    /// A seat given to a waitlisted student.
    WaitlistPromotion {
        /// The session.
        session: SessionDetails,
    },
    /// A cancelled session.
    Cancellation {
        /// The session.
        session: SessionDetails,
        /// The reason given, if any.
        reason: Option<String>,
        /// For a student: whether their payment was refunded; `None` for the TA.
        refunded: Option<bool>,
    },
    /// A session moved in place (same booking, new time and perhaps another TA).
    BookingRescheduled {
        /// The session as it is now.
        session: SessionDetails,
        /// Where it was.
        previous: PreviousSlot,
        /// Whether this copy is a student's, the current TA's or the former TA's.
        audience: RescheduleAudience,
        /// The reason given, if any.
        reason: Option<String>,
    },
    /// A recurring series booked: one email for all its sessions.
    SeriesConfirmation {
        /// The series and the sessions booked.
        series: SeriesDetails,
        /// Whether this copy is the student's or the TA's.
        audience: Audience,
        /// The student's name (shown to the TA).
        student_name: String,
    },
    /// The remaining sessions of a series cancelled: one email for all of them.
    SeriesCancellation {
        /// The series and the sessions cancelled.
        series: SeriesDetails,
        /// The reason given, if any.
        reason: Option<String>,
        /// For the student: how many of the cancelled sessions' payments came back (the others
        /// were forfeited under the policy); `None` for the TA.
        refunded: Option<u32>,
    },
    /// To a student: the TA did not come to the session, and the seat's payment came back.
    TaNoShowRefund {
        /// The session.
        session: SessionDetails,
    },
    /// To a TA, once a morning: their sessions that ended without full attendance.
    AttendanceDigest {
        /// The organization.
        organization_name: String,
        /// The organization's time zone, for showing the dates.
        timezone: TimeZoneId,
        /// How many sessions wait for attendance in all.
        total: u32,
        /// The oldest of them (at most [`DIGEST_LISTED_SESSIONS`]): start, end, course title.
        sessions: Vec<(DateTime<Utc>, DateTime<Utc>, String)>,
    },
    /// A verification, reset or invitation email whose link token was erased: once such an
    /// email is sent or given up (`sent` or `dead`), the outbox keeps no usable token, only the
    /// hash in the token table. There is nothing left to send.
    LinkErased {
        /// Which email it was.
        kind: EmailKind,
    },
}

impl EmailPayload {
    /// The kind of email.
    pub const fn kind(&self) -> EmailKind {
        match self {
            EmailPayload::EmailVerification { .. } => EmailKind::EmailVerification,
            EmailPayload::PasswordReset { .. } => EmailKind::PasswordReset,
            EmailPayload::TaInvitation { .. } => EmailKind::TaInvitation,
            EmailPayload::BundleReceipt { .. } => EmailKind::BundleReceipt,
            EmailPayload::BookingConfirmation { .. } => EmailKind::BookingConfirmation,
            EmailPayload::GroupJoinConfirmation { .. } => EmailKind::GroupJoinConfirmation,
            EmailPayload::WaitlistPromotion { .. } => EmailKind::WaitlistPromotion,
            EmailPayload::Cancellation { .. } => EmailKind::Cancellation,
            EmailPayload::BookingRescheduled { .. } => EmailKind::BookingRescheduled,
            EmailPayload::SeriesConfirmation { .. } => EmailKind::SeriesConfirmation,
            EmailPayload::SeriesCancellation { .. } => EmailKind::SeriesCancellation,
            EmailPayload::TaNoShowRefund { .. } => EmailKind::TaNoShowRefund,
            EmailPayload::AttendanceDigest { .. } => EmailKind::AttendanceDigest,
            EmailPayload::LinkErased { kind } => *kind,
        }
    }
}

/// The most sessions an attendance digest lists (it counts every one).
pub const DIGEST_LISTED_SESSIONS: usize = 20;

/// One email in the outbox, addressed to exactly one recipient (so that a retried message
/// never re-sends to a recipient that already accepted it under another message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Its id (also the base of the email's `Message-ID`).
    pub id: OutboxMessageId,
    /// The organization it belongs to.
    pub organization_id: OrganizationId,
    /// The recipient's address.
    pub recipient: Email,
    /// The recipient's name, for the greeting.
    pub recipient_name: String,
    /// What to say.
    pub payload: EmailPayload,
    /// Delivery state.
    pub status: JobStatus,
    /// How many delivery attempts were made.
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the next attempt is due.
    pub next_attempt_at: DateTime<Utc>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When the mail server accepted it.
    pub sent_at: Option<DateTime<Utc>>,
    /// The end of the claim this copy was read under (set by `claim_due`, `None` otherwise):
    /// the worker's proof that it still holds the message when it records the outcome.
    pub leased_until: Option<DateTime<Utc>>,
}

impl OutboxMessage {
    /// A message due at once.
    pub fn new(
        id: OutboxMessageId,
        organization_id: OrganizationId,
        recipient: Email,
        recipient_name: impl Into<String>,
        payload: EmailPayload,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            organization_id,
            recipient,
            recipient_name: recipient_name.into(),
            payload,
            status: JobStatus::Pending,
            attempts: 0,
            last_error: None,
            next_attempt_at: now,
            created_at: now,
            sent_at: None,
            leased_until: None,
        }
    }

    /// The kind of email.
    pub const fn kind(&self) -> EmailKind {
        self.payload.kind()
    }

    /// The claim this copy was read under, if it was claimed.
    pub fn claim(&self) -> Option<Claim> {
        self.leased_until.map(|until| Claim { id: self.id, until })
    }
}

/// A worker's hold on a message: its id and the end of the lease it was claimed with. An
/// outcome is recorded only under the claim that still holds the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    /// The message.
    pub id: OutboxMessageId,
    /// The end of the lease (`leased_until` when it was claimed).
    pub until: DateTime<Utc>,
}

/// How many messages wait and how many are dead, for health and metrics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Pending or retrying.
    pub pending: u64,
    /// Dead.
    pub dead: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_kinds_round_trip() {
        for s in [JobStatus::Pending, JobStatus::Retrying, JobStatus::Dead, JobStatus::Sent] {
            assert_eq!(JobStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(JobStatus::parse("lost").is_err());
        for k in EmailKind::ALL {
            assert_eq!(EmailKind::parse(k.as_str()).unwrap(), k);
        }
    }

    #[test]
    fn a_new_message_is_due_at_once_and_hides_its_token() {
        let now = Utc::now();
        let m = OutboxMessage::new(
            OutboxMessageId::from_uuid(uuid::Uuid::now_v7()),
            OrganizationId::from_uuid(uuid::Uuid::now_v7()),
            Email::parse("a@example.com").unwrap(),
            "Ada",
            EmailPayload::PasswordReset { token: Secret::new("s3cr3t-token") },
            now,
        );
        assert_eq!((m.status, m.attempts, m.next_attempt_at), (JobStatus::Pending, 0, now));
        assert_eq!(m.kind(), EmailKind::PasswordReset);
        assert!(!format!("{m:?}").contains("s3cr3t"));
    }
}
