//! The terms a booking is made under: the cancellation, reschedule and no-show policy in effect
//! for its course when it was created. The organization's settings hold the default of each
//! term, a course may override any of them, and the effective policy is copied onto each new
//! booking ([`BookingPolicy`]), so that changing a policy later never changes the terms of
//! sessions already booked.

use crate::shared::validation::{InvalidValue, ValidationErrors, Validator};

/// What a student's late cancellation (or no-show) does to their payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LateOutcome {
    /// The credit stays spent; a per-session payment is kept.
    #[default]
    Forfeit,
    /// The credit comes back; a per-session payment is refunded.
    Refund,
}

impl LateOutcome {
    /// Every outcome.
    pub const ALL: [Self; 2] = [Self::Forfeit, Self::Refund];

    /// `forfeit` or `refund`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Forfeit => "forfeit",
            Self::Refund => "refund",
        }
    }

    /// Reads `forfeit` or `refund`.
    ///
    /// # Errors
    /// Anything else.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        Self::ALL.into_iter().find(|o| o.as_str() == raw).ok_or(InvalidValue::new("must be `forfeit` or `refund`"))
    }
}

/// The most hours before a session a cancellation or reschedule window may reach (30 days).
pub const MAX_WINDOW_HOURS: u32 = 720;
/// The most student reschedules a policy may allow.
pub const MAX_RESCHEDULES: u32 = 10;
/// Student reschedules allowed when nothing says otherwise.
pub const DEFAULT_MAX_RESCHEDULES: u32 = 2;

/// The effective policy of a booking, fixed when it was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingPolicy {
    /// A student cancelling at least this many hours before the start is refunded.
    pub cancellation_window_hours: u32,
    /// A student may reschedule until this many hours before the current start.
    pub reschedule_window_hours: u32,
    /// How many times a student may reschedule the booking.
    pub max_reschedules: u32,
    /// What a student's cancellation inside the window does.
    pub late_cancellation: LateOutcome,
    /// What a student's no-show does.
    pub no_show: LateOutcome,
}

impl BookingPolicy {
    /// The policy of an organization's defaults (`defaults`) under a course's `overrides`: each
    /// term is the course's when it sets it, else the organization's; the reschedule window,
    /// set by neither, is the effective cancellation window.
    pub fn resolve(defaults: &PolicyTerms, overrides: &PolicyTerms) -> Self {
        let cancellation_window_hours = overrides
            .cancellation_window_hours
            .or(defaults.cancellation_window_hours)
            .unwrap_or(DEFAULT_CANCELLATION_WINDOW_HOURS);
        Self {
            cancellation_window_hours,
            reschedule_window_hours: overrides
                .reschedule_window_hours
                .or(defaults.reschedule_window_hours)
                .unwrap_or(cancellation_window_hours),
            max_reschedules: overrides.max_reschedules.or(defaults.max_reschedules).unwrap_or(DEFAULT_MAX_RESCHEDULES),
            late_cancellation: overrides.late_cancellation.or(defaults.late_cancellation).unwrap_or_default(),
            no_show: overrides.no_show.or(defaults.no_show).unwrap_or_default(),
        }
    }
}

/// The cancellation window when nothing says otherwise.
pub const DEFAULT_CANCELLATION_WINDOW_HOURS: u32 = 24;

impl Default for BookingPolicy {
    fn default() -> Self {
        Self::resolve(&PolicyTerms::default(), &PolicyTerms::default())
    }
}

/// Some terms of a policy, each either set or left to the level above (a course's overrides
/// over the organization's defaults; the organization's over the built-in defaults). Every set
/// value is within its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PolicyTerms {
    /// `cancellationWindowHours`, 0..=720.
    pub cancellation_window_hours: Option<u32>,
    /// `rescheduleWindowHours`, 0..=720.
    pub reschedule_window_hours: Option<u32>,
    /// `maxReschedules`, 0..=10.
    pub max_reschedules: Option<u32>,
    /// `lateCancellation`.
    pub late_cancellation: Option<LateOutcome>,
    /// `noShow`.
    pub no_show: Option<LateOutcome>,
}

/// A change to some terms: for each, `None` leaves it, `Some(None)` clears it (back to the
/// level above), `Some(Some(v))` sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PolicyTermsPatch {
    /// `cancellationWindowHours`.
    pub cancellation_window_hours: Option<Option<u32>>,
    /// `rescheduleWindowHours`.
    pub reschedule_window_hours: Option<Option<u32>>,
    /// `maxReschedules`.
    pub max_reschedules: Option<Option<u32>>,
    /// `lateCancellation`.
    pub late_cancellation: Option<Option<LateOutcome>>,
    /// `noShow`.
    pub no_show: Option<Option<LateOutcome>>,
}

/// Raw values of a terms change, as a client sent them: absent (`None`), `null` (`Some(None)`)
/// or a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPolicyTerms {
    /// `cancellationWindowHours`.
    pub cancellation_window_hours: Option<Option<i64>>,
    /// `rescheduleWindowHours`.
    pub reschedule_window_hours: Option<Option<i64>>,
    /// `maxReschedules`.
    pub max_reschedules: Option<Option<i64>>,
    /// `lateCancellation`.
    pub late_cancellation: Option<Option<String>>,
    /// `noShow`.
    pub no_show: Option<Option<String>>,
}

fn bounded(value: i64, max: u32) -> Result<u32, InvalidValue> {
    u32::try_from(value)
        .ok()
        .filter(|v| *v <= max)
        .ok_or_else(|| InvalidValue::owned(format!("must be between 0 and {max}")))
}

/// Reads one nullable term: absent stays absent, `null` clears, a value is checked (`None`
/// when refused, the refusal recorded in `v`).
fn term<T, V>(
    v: &mut Validator,
    field: &str,
    raw: Option<Option<T>>,
    check: impl Fn(T) -> Result<V, InvalidValue>,
) -> Option<Option<Option<V>>> {
    match raw {
        None => Some(None),
        Some(None) => Some(Some(None)),
        Some(Some(value)) => v.field(field, check(value)).map(|x| Some(Some(x))),
    }
}

impl PolicyTermsPatch {
    /// Checks every value the client sent against its range.
    ///
    /// # Errors
    /// Every refused value, by its camelCase field name.
    pub fn parse(raw: &RawPolicyTerms) -> Result<Self, ValidationErrors> {
        let mut v = Validator::default();
        let window = |x| bounded(x, MAX_WINDOW_HOURS);
        let cancellation = term(&mut v, "cancellationWindowHours", raw.cancellation_window_hours, window);
        let reschedule = term(&mut v, "rescheduleWindowHours", raw.reschedule_window_hours, window);
        let max = term(&mut v, "maxReschedules", raw.max_reschedules, |x| bounded(x, MAX_RESCHEDULES));
        let outcome = LateOutcome::parse;
        let late = term(&mut v, "lateCancellation", raw.late_cancellation.as_ref().map(Option::as_deref), outcome);
        let no_show = term(&mut v, "noShow", raw.no_show.as_ref().map(Option::as_deref), outcome);
        match (cancellation, reschedule, max, late, no_show) {
            (Some(a), Some(b), Some(c), Some(d), Some(e)) => Ok(Self {
                cancellation_window_hours: a,
                reschedule_window_hours: b,
                max_reschedules: c,
                late_cancellation: d,
                no_show: e,
            }),
            _ => Err(v.into_errors()),
        }
    }
}

impl PolicyTerms {
    /// These terms with every term the patch names set or cleared.
    #[must_use]
    pub fn apply(self, patch: &PolicyTermsPatch) -> Self {
        Self {
            cancellation_window_hours: patch.cancellation_window_hours.unwrap_or(self.cancellation_window_hours),
            reschedule_window_hours: patch.reschedule_window_hours.unwrap_or(self.reschedule_window_hours),
            max_reschedules: patch.max_reschedules.unwrap_or(self.max_reschedules),
            late_cancellation: patch.late_cancellation.unwrap_or(self.late_cancellation),
            no_show: patch.no_show.unwrap_or(self.no_show),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(cancel: Option<u32>, reschedule: Option<u32>, max: Option<u32>, late: Option<LateOutcome>) -> PolicyTerms {
        PolicyTerms {
            cancellation_window_hours: cancel,
            reschedule_window_hours: reschedule,
            max_reschedules: max,
            late_cancellation: late,
            no_show: None,
        }
    }

    #[test]
    fn the_built_in_policy_is_the_contracts_defaults() {
        let p = BookingPolicy::default();
        assert_eq!((p.cancellation_window_hours, p.reschedule_window_hours, p.max_reschedules), (24, 24, 2));
        assert_eq!((p.late_cancellation, p.no_show), (LateOutcome::Forfeit, LateOutcome::Forfeit));
    }

    #[test]
    fn a_course_term_wins_over_the_organizations_which_wins_over_the_default() {
        let org = terms(Some(48), None, Some(3), Some(LateOutcome::Refund));
        let course = terms(Some(12), None, None, None);
        let p = BookingPolicy::resolve(&org, &course);
        assert_eq!(p.cancellation_window_hours, 12, "the course's");
        assert_eq!(p.reschedule_window_hours, 12, "unset everywhere: the effective cancellation window");
        assert_eq!(p.max_reschedules, 3, "the organization's");
        assert_eq!(p.late_cancellation, LateOutcome::Refund);
        assert_eq!(p.no_show, LateOutcome::Forfeit, "the default");
        let own = BookingPolicy::resolve(&org, &terms(None, Some(6), Some(0), Some(LateOutcome::Forfeit)));
        assert_eq!((own.cancellation_window_hours, own.reschedule_window_hours, own.max_reschedules), (48, 6, 0));
        assert_eq!(own.late_cancellation, LateOutcome::Forfeit);
        let org_window = BookingPolicy::resolve(&terms(Some(48), Some(5), None, None), &PolicyTerms::default());
        assert_eq!(org_window.reschedule_window_hours, 5);
    }

    #[test]
    fn terms_are_checked_against_their_ranges_and_null_clears() {
        let raw = RawPolicyTerms {
            cancellation_window_hours: Some(Some(720)),
            reschedule_window_hours: Some(None),
            max_reschedules: Some(Some(10)),
            late_cancellation: Some(Some("refund".to_owned())),
            no_show: None,
        };
        let patch = PolicyTermsPatch::parse(&raw).unwrap();
        assert_eq!(patch.cancellation_window_hours, Some(Some(720)));
        assert_eq!(patch.reschedule_window_hours, Some(None));
        assert_eq!(patch.max_reschedules, Some(Some(10)));
        assert_eq!(patch.late_cancellation, Some(Some(LateOutcome::Refund)));
        assert_eq!(patch.no_show, None);
        let set = terms(Some(1), Some(2), Some(3), None).apply(&patch);
        assert_eq!(set, terms(Some(720), None, Some(10), Some(LateOutcome::Refund)));
        assert_eq!(PolicyTermsPatch::parse(&RawPolicyTerms::default()).unwrap(), PolicyTermsPatch::default());

        let bad = RawPolicyTerms {
            cancellation_window_hours: Some(Some(721)),
            reschedule_window_hours: Some(Some(-1)),
            max_reschedules: Some(Some(11)),
            late_cancellation: Some(Some("keep".to_owned())),
            no_show: Some(Some("Refund".to_owned())),
        };
        let errors = PolicyTermsPatch::parse(&bad).unwrap_err();
        let fields: Vec<&str> = errors.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["cancellationWindowHours", "rescheduleWindowHours", "maxReschedules", "lateCancellation", "noShow"]
        );
        let edges = RawPolicyTerms {
            cancellation_window_hours: Some(Some(0)),
            max_reschedules: Some(Some(0)),
            ..RawPolicyTerms::default()
        };
        let zero = PolicyTermsPatch::parse(&edges).unwrap();
        assert_eq!((zero.cancellation_window_hours, zero.max_reschedules), (Some(Some(0)), Some(Some(0))));
    }

    #[test]
    fn outcomes_read_back_their_names() {
        for o in LateOutcome::ALL {
            assert_eq!(LateOutcome::parse(o.as_str()), Ok(o));
        }
        assert!(LateOutcome::parse("").is_err());
    }
}
