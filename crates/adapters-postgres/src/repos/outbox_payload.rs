//! The JSON of an outbox message's payload, one explicit shape per [`EmailPayload`] variant
//! (the domain has no serde, and a stored format should not move when a Rust type does).
//! Field names are camelCase like the API's; instants are RFC 3339 UTC with microseconds, time
//! zones their IANA name, money integer cents plus a currency code, ids uuid strings. Secrets
//! (link tokens, under `token`) are stored in plain because the email is sent after the
//! transaction commits, and only until then: the write that marks the message `sent` or `dead`
//! removes `token` (`outbox.rs`), and such a payload reads as [`EmailPayload::LinkErased`].
//! The kind lives in its own column; reading checks the payload against it.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::notifications::{Audience, EmailKind, EmailPayload, SessionDetails};
use domain::shared::{BookingId, Cents, Currency, Secret, TimeZoneId};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::ts;

fn instant(at: DateTime<Utc>) -> String {
    ts(at).to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn session(s: &SessionDetails) -> Value {
    json!({
        "bookingId": s.booking_id.as_uuid().to_string(),
        "courseTitle": s.course_title,
        "taName": s.ta_name,
        "startsAt": instant(s.starts_at),
        "endsAt": instant(s.ends_at),
        "timezone": s.timezone.name(),
        "organizationName": s.organization_name,
    })
}

const fn audience_name(a: Audience) -> &'static str {
    match a {
        Audience::Student => "student",
        Audience::Ta => "ta",
    }
}

/// The key of a link email's token, which the last write of the message removes.
pub(super) const TOKEN_KEY: &str = "token";

/// The payload as JSON.
pub(super) fn to_json(payload: &EmailPayload) -> Value {
    match payload {
        EmailPayload::EmailVerification { token } | EmailPayload::PasswordReset { token } => {
            json!({ "token": token.expose() })
        }
        EmailPayload::TaInvitation { organization_name, token } => {
            json!({ "organizationName": organization_name, "token": token.expose() })
        }
        EmailPayload::BundleReceipt {
            organization_name,
            course_title,
            product_name,
            sessions,
            price,
            currency,
            valid_to,
            timezone,
        } => json!({
            "organizationName": organization_name,
            "courseTitle": course_title,
            "productName": product_name,
            "sessions": sessions,
            "priceCents": price.get(),
            "currency": currency.as_str(),
            "validTo": instant(*valid_to),
            "timezone": timezone.name(),
        }),
        EmailPayload::BookingConfirmation { session: s, audience, student_name } => json!({
            "session": session(s),
            "audience": audience_name(*audience),
            "studentName": student_name,
        }),
        EmailPayload::GroupJoinConfirmation { session: s } | EmailPayload::WaitlistPromotion { session: s } => {
            json!({ "session": session(s) })
        }
        EmailPayload::Cancellation { session: s, reason, refunded } => json!({
            "session": session(s),
            "reason": reason,
            "refunded": refunded,
        }),
        EmailPayload::LinkErased { .. } => json!({}),
    }
}

/// The payload of a message of `kind` from its JSON.
///
/// # Errors
/// A description of the first malformed or missing field.
pub(super) fn from_json(kind: EmailKind, value: &Value) -> Result<EmailPayload, String> {
    let o = Obj::of(value, "payload")?;
    let link = matches!(kind, EmailKind::EmailVerification | EmailKind::PasswordReset | EmailKind::TaInvitation);
    if link && !o.0.contains_key(TOKEN_KEY) {
        return Ok(EmailPayload::LinkErased { kind });
    }
    Ok(match kind {
        EmailKind::EmailVerification => EmailPayload::EmailVerification { token: o.secret("token")? },
        EmailKind::PasswordReset => EmailPayload::PasswordReset { token: o.secret("token")? },
        EmailKind::TaInvitation => {
            EmailPayload::TaInvitation { organization_name: o.text("organizationName")?, token: o.secret("token")? }
        }
        EmailKind::BundleReceipt => EmailPayload::BundleReceipt {
            organization_name: o.text("organizationName")?,
            course_title: o.text("courseTitle")?,
            product_name: o.text("productName")?,
            sessions: u32::try_from(o.int("sessions")?).map_err(|e| format!("`sessions`: {e}"))?,
            price: Cents::new(o.int("priceCents")?).map_err(|e| format!("`priceCents` {e}"))?,
            currency: Currency::parse(&o.text("currency")?).map_err(|e| format!("`currency` {e}"))?,
            valid_to: o.instant("validTo")?,
            timezone: o.zone("timezone")?,
        },
        EmailKind::BookingConfirmation => EmailPayload::BookingConfirmation {
            session: o.session()?,
            audience: match o.text("audience")?.as_str() {
                "student" => Audience::Student,
                "ta" => Audience::Ta,
                other => return Err(format!("unknown audience {other:?}")),
            },
            student_name: o.text("studentName")?,
        },
        EmailKind::GroupJoinConfirmation => EmailPayload::GroupJoinConfirmation { session: o.session()? },
        EmailKind::WaitlistPromotion => EmailPayload::WaitlistPromotion { session: o.session()? },
        EmailKind::Cancellation => EmailPayload::Cancellation {
            session: o.session()?,
            reason: o.optional(Value::as_str, "reason", "a string")?.map(str::to_owned),
            refunded: o.optional(Value::as_bool, "refunded", "a boolean")?,
        },
    })
}

/// A JSON object read field by field, each error naming the field.
struct Obj<'a>(&'a Map<String, Value>);

impl<'a> Obj<'a> {
    fn of(value: &'a Value, what: &str) -> Result<Self, String> {
        value.as_object().map(Obj).ok_or_else(|| format!("{what} is not an object"))
    }

    fn get<T>(&self, key: &str, read: impl Fn(&'a Value) -> Option<T>, what: &str) -> Result<T, String> {
        self.0.get(key).and_then(read).ok_or_else(|| format!("`{key}` is not {what}"))
    }

    /// `None` for a missing key or `null`.
    fn optional<T>(&self, read: impl Fn(&'a Value) -> Option<T>, key: &str, what: &str) -> Result<Option<T>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => read(v).map(Some).ok_or_else(|| format!("`{key}` is not {what}")),
        }
    }

    fn text(&self, key: &str) -> Result<String, String> {
        self.get(key, Value::as_str, "a string").map(str::to_owned)
    }

    fn int(&self, key: &str) -> Result<i64, String> {
        self.get(key, Value::as_i64, "an integer")
    }

    fn secret(&self, key: &str) -> Result<Secret, String> {
        self.get(key, Value::as_str, "a string").map(Secret::new)
    }

    fn instant(&self, key: &str) -> Result<DateTime<Utc>, String> {
        let raw = self.get(key, Value::as_str, "a string")?;
        DateTime::parse_from_rfc3339(raw).map(|t| t.with_timezone(&Utc)).map_err(|e| format!("`{key}`: {e}"))
    }

    fn zone(&self, key: &str) -> Result<TimeZoneId, String> {
        TimeZoneId::parse(self.get(key, Value::as_str, "a string")?).map_err(|e| format!("`{key}` {e}"))
    }

    fn session(&self) -> Result<SessionDetails, String> {
        let s = Obj::of(self.0.get("session").unwrap_or(&Value::Null), "`session`")?;
        let booking = s.get("bookingId", Value::as_str, "a string")?;
        Ok(SessionDetails {
            booking_id: BookingId::from_uuid(Uuid::parse_str(booking).map_err(|e| format!("`bookingId`: {e}"))?),
            course_title: s.text("courseTitle")?,
            ta_name: s.text("taName")?,
            starts_at: s.instant("startsAt")?,
            ends_at: s.instant("endsAt")?,
            timezone: s.zone("timezone")?,
            organization_name: s.text("organizationName")?,
        })
    }
}
