//! Organizations (tenants) and their scheduling settings.

use chrono::{DateTime, Utc};

use crate::booking::{BookingPolicy, PolicyTerms, PolicyTermsPatch};
use crate::shared::text::bounded_text;
use crate::shared::validation::{InvalidValue, ValidationErrors, Validator};
use crate::shared::{Currency, OrganizationId, TimeZoneId};

bounded_text!(
    /// The display name of an organization (1..=120 characters).
    OrgName, 1..=120, Single
);

/// The URL-safe unique name of an organization: `[a-z0-9-]{3,40}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Checks the slug (it is not lower-cased: `Acme` is refused, not rewritten).
    ///
    /// # Errors
    /// When it is not 3 to 40 characters of `a-z`, `0-9` and `-`.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let ok_len = (3..=40).contains(&raw.len());
        let ok_chars = raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok_len && ok_chars {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidValue::new("must be 3 to 40 characters of a-z, 0-9 and -"))
        }
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Scheduling settings of an organization, each inside its allowed range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgSettings {
    cancellation_window_hours: u32,
    min_notice_minutes: u32,
    max_advance_days: u32,
    buffer_minutes: u32,
    slot_step_minutes: u32,
    /// The other terms of the default booking policy (its cancellation window is the field
    /// above, so this one's is always unset); unset terms take the built-in defaults.
    policy: PolicyTerms,
}

/// The allowed slot steps, in minutes.
pub const SLOT_STEPS: [u32; 6] = [5, 10, 15, 20, 30, 60];

impl Default for OrgSettings {
    fn default() -> Self {
        Self {
            cancellation_window_hours: 24,
            min_notice_minutes: 60,
            max_advance_days: 90,
            buffer_minutes: 0,
            slot_step_minutes: 30,
            policy: PolicyTerms::default(),
        }
    }
}

impl OrgSettings {
    /// How long before a session a student may still cancel with a refund.
    pub const fn cancellation_window_hours(&self) -> u32 {
        self.cancellation_window_hours
    }
    /// The terms the organization sets for its courses' bookings (the cancellation window
    /// included); unset ones take the built-in defaults.
    pub const fn policy_defaults(&self) -> PolicyTerms {
        PolicyTerms { cancellation_window_hours: Some(self.cancellation_window_hours), ..self.policy }
    }
    /// The policy of a booking of a course with `overrides`.
    pub fn policy_for(&self, overrides: &PolicyTerms) -> BookingPolicy {
        BookingPolicy::resolve(&self.policy_defaults(), overrides)
    }
    /// These settings with the other terms of the default policy (`terms`' cancellation
    /// window is ignored: it is [`OrgSettings::cancellation_window_hours`]).
    #[must_use]
    pub const fn with_policy(mut self, terms: PolicyTerms) -> Self {
        self.policy = PolicyTerms { cancellation_window_hours: None, ..terms };
        self
    }
    /// The policy terms set beyond the cancellation window (unset: built-in defaults).
    pub const fn policy_terms(&self) -> PolicyTerms {
        self.policy
    }
    /// The least notice a new session needs.
    pub const fn min_notice_minutes(&self) -> u32 {
        self.min_notice_minutes
    }
    /// How far ahead a session may be scheduled.
    pub const fn max_advance_days(&self) -> u32 {
        self.max_advance_days
    }
    /// The free time a TA keeps between sessions.
    pub const fn buffer_minutes(&self) -> u32 {
        self.buffer_minutes
    }
    /// The grid slot search proposes start times on.
    pub const fn slot_step_minutes(&self) -> u32 {
        self.slot_step_minutes
    }

    /// These settings with every field the patch sets replaced.
    #[must_use]
    pub fn apply(self, patch: &OrgSettingsPatch) -> Self {
        Self {
            cancellation_window_hours: patch.cancellation_window_hours.unwrap_or(self.cancellation_window_hours),
            min_notice_minutes: patch.min_notice_minutes.unwrap_or(self.min_notice_minutes),
            max_advance_days: patch.max_advance_days.unwrap_or(self.max_advance_days),
            buffer_minutes: patch.buffer_minutes.unwrap_or(self.buffer_minutes),
            slot_step_minutes: patch.slot_step_minutes.unwrap_or(self.slot_step_minutes),
            policy: self.policy.apply(&patch.policy),
        }
    }
}

/// A change to some settings, every value already checked against its range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrgSettingsPatch {
    cancellation_window_hours: Option<u32>,
    min_notice_minutes: Option<u32>,
    max_advance_days: Option<u32>,
    buffer_minutes: Option<u32>,
    slot_step_minutes: Option<u32>,
    policy: PolicyTermsPatch,
}

/// Raw values of a settings change, as a client sent them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RawSettings {
    /// `cancellationWindowHours`, 0..=720.
    pub cancellation_window_hours: Option<i64>,
    /// `minNoticeMinutes`, 0..=10080.
    pub min_notice_minutes: Option<i64>,
    /// `maxAdvanceDays`, 1..=730.
    pub max_advance_days: Option<i64>,
    /// `bufferMinutes`, 0..=240.
    pub buffer_minutes: Option<i64>,
    /// `slotStepMinutes`, one of 5, 10, 15, 20, 30, 60.
    pub slot_step_minutes: Option<i64>,
}

fn in_range(value: i64, min: i64, max: i64) -> Result<u32, InvalidValue> {
    if (min..=max).contains(&value) {
        u32::try_from(value).map_err(|_| InvalidValue::new("out of range"))
    } else {
        Err(InvalidValue::owned(format!("must be between {min} and {max}")))
    }
}

fn slot_step(value: i64) -> Result<u32, InvalidValue> {
    SLOT_STEPS
        .iter()
        .copied()
        .find(|s| i64::from(*s) == value)
        .ok_or_else(|| InvalidValue::new("must be one of 5, 10, 15, 20, 30, 60"))
}

impl OrgSettingsPatch {
    /// Checks every value the client sent against its allowed range.
    ///
    /// # Errors
    /// Every out-of-range value, by its camelCase field name.
    pub fn parse(raw: RawSettings) -> Result<Self, ValidationErrors> {
        let mut v = Validator::default();
        let cancellation_window_hours =
            v.optional("cancellationWindowHours", raw.cancellation_window_hours.map(|x| in_range(x, 0, 720)));
        let min_notice_minutes = v.optional("minNoticeMinutes", raw.min_notice_minutes.map(|x| in_range(x, 0, 10_080)));
        let max_advance_days = v.optional("maxAdvanceDays", raw.max_advance_days.map(|x| in_range(x, 1, 730)));
        let buffer_minutes = v.optional("bufferMinutes", raw.buffer_minutes.map(|x| in_range(x, 0, 240)));
        let slot_step_minutes = v.optional("slotStepMinutes", raw.slot_step_minutes.map(slot_step));
        match (cancellation_window_hours, min_notice_minutes, max_advance_days, buffer_minutes, slot_step_minutes) {
            (Some(a), Some(b), Some(c), Some(d), Some(e)) => Ok(Self {
                cancellation_window_hours: a,
                min_notice_minutes: b,
                max_advance_days: c,
                buffer_minutes: d,
                slot_step_minutes: e,
                policy: PolicyTermsPatch::default(),
            }),
            _ => Err(v.into_errors()),
        }
    }

    /// The same patch, also changing the other terms of the default policy (`policy`'s
    /// cancellation window is ignored: it is `cancellationWindowHours`).
    #[must_use]
    pub const fn with_policy(mut self, policy: PolicyTermsPatch) -> Self {
        self.policy = PolicyTermsPatch { cancellation_window_hours: None, ..policy };
        self
    }

    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A tenant: an academy with its own users, catalog and bookings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Its id.
    pub id: OrganizationId,
    /// Its display name.
    pub name: OrgName,
    /// Its unique URL-safe name, used by students to register.
    pub slug: Slug,
    /// The zone of its calendar days (TA choice, slot grid, email times).
    pub timezone: TimeZoneId,
    /// The currency of its prices.
    pub currency: Currency,
    /// Its scheduling settings.
    pub settings: OrgSettings,
    /// When it signed up.
    pub created_at: DateTime<Utc>,
}

/// A change to an organization (`PATCH /organization`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganizationPatch {
    /// A new name.
    pub name: Option<OrgName>,
    /// A new time zone.
    pub timezone: Option<TimeZoneId>,
    /// A new currency (existing products keep theirs).
    pub currency: Option<Currency>,
    /// New settings values.
    pub settings: OrgSettingsPatch,
}

impl Organization {
    /// The organization with the patch applied.
    #[must_use]
    pub fn patched(mut self, patch: &OrganizationPatch) -> Self {
        if let Some(name) = &patch.name {
            self.name = name.clone();
        }
        if let Some(tz) = patch.timezone {
            self.timezone = tz;
        }
        if let Some(c) = patch.currency {
            self.currency = c;
        }
        self.settings = self.settings.apply(&patch.settings);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_digits_and_dashes() {
        assert!(Slug::parse("acme-tutoring-2").is_ok());
        assert!(Slug::parse("ab").is_err());
        assert!(Slug::parse(&"a".repeat(41)).is_err());
        assert!(Slug::parse("Acme").is_err());
        assert!(Slug::parse("acme_tutoring").is_err());
        assert!(Slug::parse("acmé-x").is_err());
    }

    #[test]
    fn default_settings_match_the_contract() {
        let s = OrgSettings::default();
        assert_eq!(
            (
                s.cancellation_window_hours(),
                s.min_notice_minutes(),
                s.max_advance_days(),
                s.buffer_minutes(),
                s.slot_step_minutes()
            ),
            (24, 60, 90, 0, 30)
        );
    }

    #[test]
    fn settings_ranges_are_enforced_per_field() {
        let bad = RawSettings {
            cancellation_window_hours: Some(721),
            min_notice_minutes: Some(-1),
            max_advance_days: Some(0),
            buffer_minutes: Some(241),
            slot_step_minutes: Some(7),
        };
        let errors = OrgSettingsPatch::parse(bad).unwrap_err();
        for field in
            ["cancellationWindowHours", "minNoticeMinutes", "maxAdvanceDays", "bufferMinutes", "slotStepMinutes"]
        {
            assert!(errors.has(field), "{field}");
        }
    }

    #[test]
    fn boundary_values_are_accepted_and_applied() {
        let raw = RawSettings {
            cancellation_window_hours: Some(720),
            min_notice_minutes: Some(0),
            max_advance_days: Some(730),
            buffer_minutes: Some(240),
            slot_step_minutes: Some(5),
        };
        let s = OrgSettings::default().apply(&OrgSettingsPatch::parse(raw).unwrap());
        assert_eq!(s.cancellation_window_hours(), 720);
        assert_eq!(s.min_notice_minutes(), 0);
        assert_eq!(s.max_advance_days(), 730);
        assert_eq!(s.buffer_minutes(), 240);
        assert_eq!(s.slot_step_minutes(), 5);
    }

    #[test]
    fn partial_patch_keeps_other_settings() {
        let patch =
            OrgSettingsPatch::parse(RawSettings { buffer_minutes: Some(15), ..RawSettings::default() }).unwrap();
        let s = OrgSettings::default().apply(&patch);
        assert_eq!(s.buffer_minutes(), 15);
        assert_eq!(s.slot_step_minutes(), 30);
        assert!(OrgSettingsPatch::default().is_empty());
    }
}
