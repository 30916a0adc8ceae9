//! Bodies of `GET/PATCH /organization`.

use chrono::{DateTime, Utc};
use domain::booking::{PolicyTerms, PolicyTermsPatch, RawPolicyTerms};
use domain::shared::{Currency, TimeZoneId, ValidationErrors, Validator};
use domain::tenancy::{OrgName, OrgSettings, OrgSettingsPatch, Organization, OrganizationPatch, RawSettings};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Scheduling settings.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SettingsResponse {
    /// Hours before a session a student may still cancel with a refund (0..=720).
    pub cancellation_window_hours: u32,
    /// Least notice for a new session, in minutes (0..=10080).
    pub min_notice_minutes: u32,
    /// How far ahead sessions may be scheduled, in days (1..=730).
    pub max_advance_days: u32,
    /// Free time a TA keeps between sessions, in minutes (0..=240).
    pub buffer_minutes: u32,
    /// The grid of proposed start times, in minutes (5, 10, 15, 20, 30 or 60).
    pub slot_step_minutes: u32,
    /// Hours before the current start a student may still reschedule (0..=720); unless set,
    /// the cancellation window.
    pub reschedule_window_hours: u32,
    /// How many times a student may reschedule a booking (0..=10; default 2).
    pub max_reschedules: u32,
    /// A student's cancellation inside the window (default `forfeit`).
    #[schema(value_type = super::schemas::LateOutcomeName)]
    pub late_cancellation: &'static str,
    /// A student's no-show (default `forfeit`).
    #[schema(value_type = super::schemas::LateOutcomeName)]
    pub no_show: &'static str,
}

impl From<&OrgSettings> for SettingsResponse {
    fn from(s: &OrgSettings) -> Self {
        let policy = s.policy_for(&PolicyTerms::default());
        Self {
            cancellation_window_hours: s.cancellation_window_hours(),
            min_notice_minutes: s.min_notice_minutes(),
            max_advance_days: s.max_advance_days(),
            buffer_minutes: s.buffer_minutes(),
            slot_step_minutes: s.slot_step_minutes(),
            reschedule_window_hours: policy.reschedule_window_hours,
            max_reschedules: policy.max_reschedules,
            late_cancellation: policy.late_cancellation.as_str(),
            no_show: policy.no_show.as_str(),
        }
    }
}

/// An organization.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationResponse {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Its unique URL-safe name.
    pub slug: String,
    /// Its IANA time zone.
    pub timezone: String,
    /// Its ISO 4217 currency.
    pub currency: String,
    /// Its scheduling settings.
    pub settings: SettingsResponse,
    /// When it signed up.
    pub created_at: DateTime<Utc>,
}

impl From<&Organization> for OrganizationResponse {
    fn from(o: &Organization) -> Self {
        Self {
            id: o.id.as_uuid(),
            name: o.name.to_string(),
            slug: o.slug.as_str().to_owned(),
            timezone: o.timezone.name().to_owned(),
            currency: o.currency.to_string(),
            settings: (&o.settings).into(),
            created_at: o.created_at,
        }
    }
}

/// Settings to change; absent fields keep their value.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SettingsPatchRequest {
    /// 0..=720.
    #[garde(skip)]
    #[schema(minimum = 0, maximum = 720)]
    #[serde(default, deserialize_with = "super::scalars::optional_integer")]
    pub cancellation_window_hours: Option<i64>,
    /// 0..=10080.
    #[garde(skip)]
    #[schema(minimum = 0, maximum = 10080)]
    #[serde(default, deserialize_with = "super::scalars::optional_integer")]
    pub min_notice_minutes: Option<i64>,
    /// 1..=730.
    #[garde(skip)]
    #[schema(minimum = 1, maximum = 730)]
    #[serde(default, deserialize_with = "super::scalars::optional_integer")]
    pub max_advance_days: Option<i64>,
    /// 0..=240.
    #[garde(skip)]
    #[schema(minimum = 0, maximum = 240)]
    #[serde(default, deserialize_with = "super::scalars::optional_integer")]
    pub buffer_minutes: Option<i64>,
    /// 5, 10, 15, 20, 30 or 60.
    #[garde(skip)]
    #[schema(inline, value_type = Option<super::schemas::SlotStep>)]
    #[serde(default, deserialize_with = "super::scalars::optional_integer")]
    pub slot_step_minutes: Option<i64>,
    /// 0..=720, or `null`: follow `cancellationWindowHours`.
    #[garde(skip)]
    #[schema(value_type = Option<i64>, nullable, minimum = 0, maximum = 720)]
    #[serde(default, deserialize_with = "super::policy::nullable_integer")]
    pub reschedule_window_hours: Option<Option<i64>>,
    /// 0..=10, or `null`: the default (2).
    #[garde(skip)]
    #[schema(value_type = Option<i64>, nullable, minimum = 0, maximum = 10)]
    #[serde(default, deserialize_with = "super::policy::nullable_integer")]
    pub max_reschedules: Option<Option<i64>>,
    /// `forfeit` or `refund`, or `null`: the default (`forfeit`).
    #[garde(length(max = 16))]
    #[schema(value_type = Option<super::schemas::LateOutcomeName>, nullable)]
    #[serde(default, deserialize_with = "super::policy::nullable_text")]
    pub late_cancellation: Option<Option<String>>,
    /// `forfeit` or `refund`, or `null`: the default (`forfeit`).
    #[garde(length(max = 16))]
    #[schema(value_type = Option<super::schemas::LateOutcomeName>, nullable)]
    #[serde(default, deserialize_with = "super::policy::nullable_text")]
    pub no_show: Option<Option<String>>,
}

/// `PATCH /organization`: any of the fields.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OrganizationPatchRequest {
    /// A new name.
    #[garde(length(max = 512))]
    #[schema(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 120)]
    pub name: Option<String>,
    /// A new IANA time zone.
    #[garde(length(max = 64))]
    #[schema(value_type = Option<super::schemas::TimeZoneName>)]
    pub timezone: Option<String>,
    /// A new ISO 4217 currency (existing products keep theirs).
    #[garde(length(max = 8))]
    #[schema(value_type = Option<super::schemas::CurrencyCode>)]
    pub currency: Option<String>,
    /// New settings.
    #[garde(dive)]
    #[serde(default, deserialize_with = "super::objects::optional_object")]
    pub settings: Option<SettingsPatchRequest>,
}

impl OrganizationPatchRequest {
    /// The patch, or every refused field.
    ///
    /// # Errors
    /// The refused fields.
    pub fn try_into_domain(&self) -> Result<OrganizationPatch, ValidationErrors> {
        let mut v = Validator::default();
        let name = v.optional("name", self.name.as_deref().map(OrgName::parse));
        let timezone = v.optional("timezone", self.timezone.as_deref().map(TimeZoneId::parse));
        let currency = v.optional("currency", self.currency.as_deref().map(Currency::parse));
        let s = self.settings.as_ref();
        let raw = RawSettings {
            cancellation_window_hours: s.and_then(|s| s.cancellation_window_hours),
            min_notice_minutes: s.and_then(|s| s.min_notice_minutes),
            max_advance_days: s.and_then(|s| s.max_advance_days),
            buffer_minutes: s.and_then(|s| s.buffer_minutes),
            slot_step_minutes: s.and_then(|s| s.slot_step_minutes),
        };
        let settings = v.nested("settings", OrgSettingsPatch::parse(raw));
        let policy = RawPolicyTerms {
            cancellation_window_hours: None,
            reschedule_window_hours: s.and_then(|s| s.reschedule_window_hours),
            max_reschedules: s.and_then(|s| s.max_reschedules),
            late_cancellation: s.and_then(|s| s.late_cancellation.clone()),
            no_show: s.and_then(|s| s.no_show.clone()),
        };
        let policy = v.nested("settings", PolicyTermsPatch::parse(&policy));
        let settings = settings.zip(policy).map(|(settings, policy)| settings.with_policy(policy));
        match (name, timezone, currency, settings) {
            (Some(name), Some(timezone), Some(currency), Some(settings)) if v.is_ok() => {
                Ok(OrganizationPatch { name, timezone, currency, settings })
            }
            _ => Err(v.into_errors()),
        }
    }
}
