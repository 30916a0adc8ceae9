//! The window a report covers and its rows: one per session, one per TA.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};

use crate::shared::{BookingId, CourseId, Currency, Interval, InvalidValue, UserId, ValidationErrors, Validator};

/// The longest window one report covers: a (leap) year, so that a yearly export is one request
/// while a request cannot ask the database for the whole history at once.
pub const MAX_REPORT_DAYS: i64 = 366;

/// What a report covers: sessions starting in `[from, to)`, optionally of one course and one TA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFilter {
    window: Interval,
    course_id: Option<CourseId>,
    ta_id: Option<UserId>,
}

impl ReportFilter {
    /// Sessions starting in `[from, to)`, of `course_id` and `ta_id` when given.
    ///
    /// # Errors
    /// On `to`: not after `from`, or more than [`MAX_REPORT_DAYS`] after it.
    pub fn new(
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        course_id: Option<CourseId>,
        ta_id: Option<UserId>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::default();
        let window = v.field("to", Interval::new(from, to).map_err(|_| InvalidValue::new("must be after from")));
        if let Some(w) = &window
            && w.duration() > TimeDelta::days(MAX_REPORT_DAYS)
        {
            v.refuse("to", InvalidValue::new("must be at most 366 days after from"));
        }
        match window {
            Some(window) if v.is_ok() => Ok(Self { window, course_id, ta_id }),
            _ => Err(v.into_errors()),
        }
    }

    /// The first start included.
    pub const fn from(&self) -> DateTime<Utc> {
        self.window.start()
    }

    /// Sessions start before this instant.
    pub const fn to(&self) -> DateTime<Utc> {
        self.window.end()
    }

    /// Only this course's sessions, if set.
    pub const fn course_id(&self) -> Option<CourseId> {
        self.course_id
    }

    /// Only this TA's sessions, if set.
    pub const fn ta_id(&self) -> Option<UserId> {
        self.ta_id
    }
}

/// One session that was not cancelled: when, what, who, how long, its seats' attendance and
/// what the academy keeps for it (see the module documentation for the amount).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionReportRow {
    /// The booking.
    pub booking_id: BookingId,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// The course's code.
    pub course_code: String,
    /// The TA's name as stored (a report shows what is there rather than refuse a whole export
    /// over one odd value).
    pub ta_name: String,
    /// How long it lasts.
    pub duration_minutes: u32,
    /// Seats held (one for an individual session).
    pub seats: u32,
    /// Seats marked `present`.
    pub present: u32,
    /// Seats marked `absent` (student no-shows).
    pub absent: u32,
    /// Seats marked `excused`.
    pub excused: u32,
    /// Whether the TA did not come.
    pub ta_no_show: bool,
    /// What the academy keeps for the session, in cents of `currency` (not bounded by
    /// [`crate::shared::Cents::MAX`]: it adds up a group's seats).
    pub amount_cents: i64,
    /// The session's currency.
    pub currency: Currency,
}

impl SessionReportRow {
    /// The position right after this row in the report's order (`startsAt`, then id).
    pub const fn cursor(&self) -> SessionCursor {
        SessionCursor { starts_at: self.starts_at, booking_id: self.booking_id }
    }
}

/// A position in the sessions report: the next page starts strictly after this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionCursor {
    /// The last row's start.
    pub starts_at: DateTime<Utc>,
    /// The last row's booking (the tie-breaker of sessions starting together).
    pub booking_id: BookingId,
}

/// One TA's not-cancelled sessions in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaReportRow {
    /// The TA.
    pub ta_id: UserId,
    /// The TA's name as stored.
    pub ta_name: String,
    /// Sessions (each counted once, whatever its seats).
    pub sessions: u32,
    /// Their length added up.
    pub minutes: u64,
    /// Seats marked `absent` in them.
    pub student_no_shows: u32,
    /// Sessions the TA did not come to.
    pub ta_no_shows: u32,
}

impl TaReportRow {
    /// [`TaReportRow::minutes`] as hours.
    pub const fn hours(&self) -> Hours {
        Hours::from_minutes(self.minutes)
    }
}

/// A number of hours to the nearest hundredth, from whole minutes (never exactly halfway: a
/// minute is 1⅔ hundredths). Integer arithmetic, so that `1.50` is never printed as `1.4999…`
/// and every transport shows the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hours {
    hundredths: u64,
}

impl Hours {
    /// `minutes / 60`, to the hundredth (20 minutes are `0.33`, 50 are `0.83`).
    pub const fn from_minutes(minutes: u64) -> Self {
        Self { hundredths: (minutes.saturating_mul(100).saturating_add(30)) / 60 }
    }

    /// Hundredths of an hour.
    pub const fn hundredths(self) -> u64 {
        self.hundredths
    }

    /// The nearest binary number, for transports that write numbers (JSON).
    #[allow(clippy::cast_precision_loss, reason = "exact below 2^53 hundredths, far beyond any academy")]
    pub fn as_f64(self) -> f64 {
        self.hundredths as f64 / 100.0
    }
}

impl fmt::Display for Hours {
    /// Two decimal places: `1.50`, `0.33`, `12.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.hundredths / 100, self.hundredths % 100)
    }
}
