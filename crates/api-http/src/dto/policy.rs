//! Policy terms in bodies: a course's `policy` (each term nullable: `null` is the
//! organization's), the organization's own terms in its settings, and a booking's `policy`,
//! the copy of its course's effective policy made when it was booked.

use domain::booking::{BookingPolicy, PolicyTerms, RawPolicyTerms};
use garde::Validate;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use super::scalars::optional_integer;

/// `deserialize_with` of a nullable integer term: absent is `None` (with `#[serde(default)]`),
/// `null` is `Some(None)`.
pub(super) fn nullable_integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<i64>>, D::Error> {
    optional_integer(deserializer).map(Some)
}

/// `deserialize_with` of a nullable text term: absent is `None`, `null` is `Some(None)`.
pub(super) fn nullable_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// Policy terms to set (a value) or clear (`null`: back to the level above); absent terms stay.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicyTermsRequest {
    /// Hours before the start a student may still cancel with a refund (0..=720).
    #[garde(skip)]
    #[schema(value_type = Option<i64>, nullable, minimum = 0, maximum = 720)]
    #[serde(default, deserialize_with = "nullable_integer")]
    pub cancellation_window_hours: Option<Option<i64>>,
    /// Hours before the current start a student may still reschedule (0..=720; unset: the
    /// cancellation window).
    #[garde(skip)]
    #[schema(value_type = Option<i64>, nullable, minimum = 0, maximum = 720)]
    #[serde(default, deserialize_with = "nullable_integer")]
    pub reschedule_window_hours: Option<Option<i64>>,
    /// How many times a student may reschedule a booking (0..=10; unset: 2).
    #[garde(skip)]
    #[schema(value_type = Option<i64>, nullable, minimum = 0, maximum = 10)]
    #[serde(default, deserialize_with = "nullable_integer")]
    pub max_reschedules: Option<Option<i64>>,
    /// A student's cancellation inside the window (unset: `forfeit`).
    #[garde(length(max = 16))]
    #[schema(value_type = Option<super::schemas::LateOutcomeName>, nullable)]
    #[serde(default, deserialize_with = "nullable_text")]
    pub late_cancellation: Option<Option<String>>,
    /// A student's no-show (unset: `forfeit`).
    #[garde(length(max = 16))]
    #[schema(value_type = Option<super::schemas::LateOutcomeName>, nullable)]
    #[serde(default, deserialize_with = "nullable_text")]
    pub no_show: Option<Option<String>>,
}

impl PolicyTermsRequest {
    /// The terms as the client sent them, for the domain to check.
    pub fn raw(&self) -> RawPolicyTerms {
        RawPolicyTerms {
            cancellation_window_hours: self.cancellation_window_hours,
            reschedule_window_hours: self.reschedule_window_hours,
            max_reschedules: self.max_reschedules,
            late_cancellation: self.late_cancellation.clone(),
            no_show: self.no_show.clone(),
        }
    }
}

/// A course's policy terms: each the course's own, or `null` for the organization's.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyTermsResponse {
    /// Hours before the start a student may still cancel with a refund.
    pub cancellation_window_hours: Option<u32>,
    /// Hours before the current start a student may still reschedule.
    pub reschedule_window_hours: Option<u32>,
    /// How many times a student may reschedule a booking.
    pub max_reschedules: Option<u32>,
    /// A student's cancellation inside the window.
    #[schema(value_type = Option<super::schemas::LateOutcomeName>)]
    pub late_cancellation: Option<&'static str>,
    /// A student's no-show.
    #[schema(value_type = Option<super::schemas::LateOutcomeName>)]
    pub no_show: Option<&'static str>,
}

impl From<&PolicyTerms> for PolicyTermsResponse {
    fn from(t: &PolicyTerms) -> Self {
        Self {
            cancellation_window_hours: t.cancellation_window_hours,
            reschedule_window_hours: t.reschedule_window_hours,
            max_reschedules: t.max_reschedules,
            late_cancellation: t.late_cancellation.map(|o| o.as_str()),
            no_show: t.no_show.map(|o| o.as_str()),
        }
    }
}

/// The terms a booking follows: its course's effective policy when it was booked.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingPolicyResponse {
    /// A student cancelling at least this many hours before the start is refunded.
    pub cancellation_window_hours: u32,
    /// A student may reschedule until this many hours before the current start.
    pub reschedule_window_hours: u32,
    /// How many times a student may reschedule it.
    pub max_reschedules: u32,
    /// A student's cancellation inside the window.
    #[schema(value_type = super::schemas::LateOutcomeName)]
    pub late_cancellation: &'static str,
    /// A student's no-show.
    #[schema(value_type = super::schemas::LateOutcomeName)]
    pub no_show: &'static str,
}

impl From<&BookingPolicy> for BookingPolicyResponse {
    fn from(p: &BookingPolicy) -> Self {
        Self {
            cancellation_window_hours: p.cancellation_window_hours,
            reschedule_window_hours: p.reschedule_window_hours,
            max_reschedules: p.max_reschedules,
            late_cancellation: p.late_cancellation.as_str(),
            no_show: p.no_show.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_null_and_values_are_three_different_things() {
        let body: PolicyTermsRequest =
            serde_json::from_str(r#"{"cancellationWindowHours": null, "maxReschedules": 3, "noShow": "refund"}"#)
                .unwrap();
        let raw = body.raw();
        assert_eq!(raw.cancellation_window_hours, Some(None), "null clears");
        assert_eq!(raw.reschedule_window_hours, None, "absent stays");
        assert_eq!(raw.max_reschedules, Some(Some(3)));
        assert_eq!(raw.no_show, Some(Some("refund".to_owned())));
        assert!(serde_json::from_str::<PolicyTermsRequest>(r#"{"maxReschedules": 1.5}"#).is_err());
        assert!(serde_json::from_str::<PolicyTermsRequest>(r#"{"other": 1}"#).is_err());
    }
}
