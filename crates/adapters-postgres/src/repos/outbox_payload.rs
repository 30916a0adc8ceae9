//! The JSON of an outbox message's payload, one explicit shape per [`EmailPayload`] variant
//! (the domain has no serde, and a stored format should not move when a Rust type does).
//! Field names are camelCase like the API's; instants are RFC 3339 UTC with microseconds, time
//! zones their IANA name, money integer cents plus a currency code, ids uuid strings. Secrets
//! (link tokens, under `token`) are stored in plain because the email is sent after the
//! transaction commits, and only until then: the write that marks the message `sent` or `dead`
//! removes `token` (`outbox.rs`), and such a payload reads as [`EmailPayload::LinkErased`].
//! The kind lives in its own column; reading checks the payload against it.

use chrono::{DateTime, SecondsFormat, Utc};
use domain::notifications::{
    Audience, EmailKind, EmailPayload, PreviousSlot, RescheduleAudience, SeriesDetails, SessionDetails,
};
use domain::shared::{BookingId, Cents, Currency, Secret, SeriesId, TimeZoneId};
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
        "sequence": s.sequence,
    })
}

/// `sessions` as `{startsAt, endsAt}` and `skipped` as `{startsAt, code}`, earliest first as
/// given.
fn series(s: &SeriesDetails) -> Value {
    let sessions: Vec<Value> =
        s.sessions.iter().map(|&(start, end)| json!({ "startsAt": instant(start), "endsAt": instant(end) })).collect();
    let skipped: Vec<Value> =
        s.skipped.iter().map(|(at, code)| json!({ "startsAt": instant(*at), "code": code })).collect();
    json!({
        "seriesId": s.series_id.as_uuid().to_string(),
        "courseTitle": s.course_title,
        "taName": s.ta_name,
        "organizationName": s.organization_name,
        "timezone": s.timezone.name(),
        "sessions": sessions,
        "skipped": skipped,
    })
}

/// A digest's listed sessions as `{startsAt, endsAt, courseTitle}`, oldest first as given.
fn digest_sessions(sessions: &[(DateTime<Utc>, DateTime<Utc>, String)]) -> Vec<Value> {
    sessions
        .iter()
        .map(
            |(start, end, title)| json!({ "startsAt": instant(*start), "endsAt": instant(*end), "courseTitle": title }),
        )
        .collect()
}

const fn audience_name(a: Audience) -> &'static str {
    match a {
        Audience::Student => "student",
        Audience::Ta => "ta",
    }
}

const fn reschedule_audience_name(a: RescheduleAudience) -> &'static str {
    match a {
        RescheduleAudience::Student => "student",
        RescheduleAudience::Ta => "ta",
        RescheduleAudience::FormerTa => "formerTa",
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
        EmailPayload::GroupJoinConfirmation { session: s }
        | EmailPayload::WaitlistPromotion { session: s }
        | EmailPayload::TaNoShowRefund { session: s } => json!({ "session": session(s) }),
        EmailPayload::Cancellation { session: s, reason, refunded } => json!({
            "session": session(s),
            "reason": reason,
            "refunded": refunded,
        }),
        EmailPayload::BookingRescheduled { session: s, previous, audience, reason } => json!({
            "session": session(s),
            "previous": {
                "startsAt": instant(previous.starts_at),
                "endsAt": instant(previous.ends_at),
                "taName": previous.ta_name,
            },
            "audience": reschedule_audience_name(*audience),
            "reason": reason,
        }),
        EmailPayload::SeriesConfirmation { series: s, audience, student_name } => json!({
            "series": series(s),
            "audience": audience_name(*audience),
            "studentName": student_name,
        }),
        EmailPayload::SeriesCancellation { series: s, reason, refunded } => json!({
            "series": series(s),
            "reason": reason,
            "refunded": refunded,
        }),
        EmailPayload::AttendanceDigest { organization_name, timezone, total, sessions } => json!({
            "organizationName": organization_name,
            "timezone": timezone.name(),
            "total": total,
            "sessions": digest_sessions(sessions),
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
            audience: o.audience()?,
            student_name: o.text("studentName")?,
        },
        EmailKind::GroupJoinConfirmation => EmailPayload::GroupJoinConfirmation { session: o.session()? },
        EmailKind::WaitlistPromotion => EmailPayload::WaitlistPromotion { session: o.session()? },
        EmailKind::Cancellation => EmailPayload::Cancellation {
            session: o.session()?,
            reason: o.optional(Value::as_str, "reason", "a string")?.map(str::to_owned),
            refunded: o.optional(Value::as_bool, "refunded", "a boolean")?,
        },
        EmailKind::BookingRescheduled => EmailPayload::BookingRescheduled {
            session: o.session()?,
            previous: o.previous()?,
            audience: match o.text("audience")?.as_str() {
                "student" => RescheduleAudience::Student,
                "ta" => RescheduleAudience::Ta,
                "formerTa" => RescheduleAudience::FormerTa,
                other => return Err(format!("unknown audience {other:?}")),
            },
            reason: o.optional(Value::as_str, "reason", "a string")?.map(str::to_owned),
        },
        EmailKind::SeriesConfirmation => EmailPayload::SeriesConfirmation {
            series: o.series()?,
            audience: o.audience()?,
            student_name: o.text("studentName")?,
        },
        EmailKind::SeriesCancellation => EmailPayload::SeriesCancellation {
            series: o.series()?,
            reason: o.optional(Value::as_str, "reason", "a string")?.map(str::to_owned),
            refunded: o.optional(
                |v| v.as_u64().and_then(|n| u32::try_from(n).ok()),
                "refunded",
                "a non-negative 32-bit integer",
            )?,
        },
        EmailKind::TaNoShowRefund => EmailPayload::TaNoShowRefund { session: o.session()? },
        // `total` counts every waiting session and the list only the oldest ones: they need
        // not match, so nothing compares them.
        EmailKind::AttendanceDigest => EmailPayload::AttendanceDigest {
            organization_name: o.text("organizationName")?,
            timezone: o.zone("timezone")?,
            total: o.get(
                "total",
                |v| v.as_u64().and_then(|n| u32::try_from(n).ok()),
                "a non-negative 32-bit integer",
            )?,
            sessions: o
                .each("sessions", |s| Ok((s.instant("startsAt")?, s.instant("endsAt")?, s.text("courseTitle")?)))?,
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
            // A payload queued before emails carried calendar invitations has no sequence: it
            // reads as 0 rather than failing, so that an email still waiting at the upgrade is
            // sent (its invitation at worst ranks below a later one of the same booking).
            sequence: s
                .optional(
                    |v| v.as_u64().and_then(|n| u32::try_from(n).ok()),
                    "sequence",
                    "a non-negative 32-bit integer",
                )?
                .unwrap_or(0),
        })
    }

    /// `audience`: `student` or `ta`.
    fn audience(&self) -> Result<Audience, String> {
        match self.text("audience")?.as_str() {
            "student" => Ok(Audience::Student),
            "ta" => Ok(Audience::Ta),
            other => Err(format!("unknown audience {other:?}")),
        }
    }

    /// The array `key`, each element an object read by `read`; an error names the element too
    /// (`` `sessions[1]`: `endsAt` is not a string ``).
    fn each<T>(&self, key: &str, read: impl Fn(&Obj<'a>) -> Result<T, String>) -> Result<Vec<T>, String> {
        let array = self.get(key, Value::as_array, "an array")?;
        array
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let element = format!("`{key}[{i}]`");
                read(&Obj::of(v, &element)?).map_err(|e| format!("{element}: {e}"))
            })
            .collect()
    }

    /// `series`: its `sessions` as `{startsAt, endsAt}` and `skipped` as `{startsAt, code}`.
    fn series(&self) -> Result<SeriesDetails, String> {
        let s = Obj::of(self.0.get("series").unwrap_or(&Value::Null), "`series`")?;
        let id = s.get("seriesId", Value::as_str, "a string")?;
        Ok(SeriesDetails {
            series_id: SeriesId::from_uuid(Uuid::parse_str(id).map_err(|e| format!("`seriesId`: {e}"))?),
            course_title: s.text("courseTitle")?,
            ta_name: s.text("taName")?,
            organization_name: s.text("organizationName")?,
            timezone: s.zone("timezone")?,
            sessions: s.each("sessions", |o| Ok((o.instant("startsAt")?, o.instant("endsAt")?)))?,
            skipped: s.each("skipped", |o| Ok((o.instant("startsAt")?, o.text("code")?)))?,
        })
    }

    fn previous(&self) -> Result<PreviousSlot, String> {
        let p = Obj::of(self.0.get("previous").unwrap_or(&Value::Null), "`previous`")?;
        Ok(PreviousSlot {
            starts_at: p.instant("startsAt")?,
            ends_at: p.instant("endsAt")?,
            ta_name: p.text("taName")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).expect("a valid fixture instant").with_timezone(&Utc)
    }

    fn rescheduled(audience: RescheduleAudience, reason: Option<&str>) -> EmailPayload {
        EmailPayload::BookingRescheduled {
            session: SessionDetails {
                booking_id: BookingId::from_uuid(Uuid::now_v7()),
                course_title: "Algebra — groups & rings".into(),
                ta_name: "Grace Hopper".into(),
                starts_at: at("2026-12-02T09:00:00.123456Z"),
                ends_at: at("2026-12-02T10:00:00Z"),
                timezone: TimeZoneId::parse("Asia/Kolkata").expect("a valid fixture zone"),
                organization_name: "Acme \"Tutoring\"".into(),
                sequence: 2,
            },
            previous: PreviousSlot {
                starts_at: at("2026-10-24T12:00:00Z"),
                ends_at: at("2026-10-24T13:30:00.5Z"),
                ta_name: "Alan Turing".into(),
            },
            audience,
            reason: reason.map(str::to_owned),
        }
    }

    #[test]
    fn a_reschedule_round_trips_for_every_audience_with_and_without_a_reason() {
        for audience in [RescheduleAudience::Student, RescheduleAudience::Ta, RescheduleAudience::FormerTa] {
            for reason in [Some("TA is ill"), None] {
                let payload = rescheduled(audience, reason);
                let read = from_json(EmailKind::BookingRescheduled, &to_json(&payload));
                assert_eq!(read, Ok(payload), "{audience:?} {reason:?}");
            }
        }
    }

    #[test]
    fn a_reschedule_is_stored_in_its_documented_shape() {
        let value = to_json(&rescheduled(RescheduleAudience::FormerTa, None));
        assert_eq!(
            value["previous"],
            json!({
                "startsAt": "2026-10-24T12:00:00.000000Z",
                "endsAt": "2026-10-24T13:30:00.500000Z",
                "taName": "Alan Turing",
            })
        );
        assert_eq!((&value["audience"], &value["reason"]), (&json!("formerTa"), &Value::Null));
        assert_eq!(value["session"]["taName"], "Grace Hopper");
        assert_eq!(value["session"]["startsAt"], "2026-12-02T09:00:00.123456Z");
        assert_eq!(value["session"]["sequence"], 2);
        let names = |p| to_json(&rescheduled(p, Some("x")))["audience"].clone();
        assert_eq!(
            (names(RescheduleAudience::Student), names(RescheduleAudience::Ta)),
            (json!("student"), json!("ta"))
        );
    }

    #[test]
    fn a_malformed_reschedule_names_the_field() {
        let valid = to_json(&rescheduled(RescheduleAudience::Student, Some("x")));
        let broken = |edit: &dyn Fn(&mut Map<String, Value>)| {
            let mut value = valid.clone();
            edit(value.as_object_mut().expect("an object"));
            from_json(EmailKind::BookingRescheduled, &value).expect_err("malformed")
        };
        assert_eq!(broken(&|o| _ = o.remove("previous")), "`previous` is not an object");
        let no_ta = |o: &mut Map<String, Value>| _ = o["previous"].as_object_mut().map(|p| p.remove("taName"));
        assert_eq!(broken(&no_ta), "`taName` is not a string");
        let bad_start = |o: &mut Map<String, Value>| o["previous"]["startsAt"] = json!("yesterday");
        assert!(broken(&bad_start).starts_with("`startsAt`: "), "{}", broken(&bad_start));
        assert_eq!(broken(&|o| _ = o.insert("audience".into(), json!("admin"))), "unknown audience \"admin\"");
        assert_eq!(broken(&|o| _ = o.remove("audience")), "`audience` is not a string");
        assert_eq!(broken(&|o| _ = o.insert("reason".into(), json!(3))), "`reason` is not a string");
        assert_eq!(broken(&|o| _ = o.remove("session")), "`session` is not an object");
    }

    #[test]
    fn a_session_stored_without_a_sequence_reads_as_sequence_0_and_a_bad_one_names_the_field() {
        let payload = rescheduled(RescheduleAudience::Ta, None);
        let mut value = to_json(&payload);
        let session = value["session"].as_object_mut().expect("an object");
        session.remove("sequence");
        let EmailPayload::BookingRescheduled { session, .. } =
            from_json(EmailKind::BookingRescheduled, &value).expect("a payload from before invitations reads")
        else {
            unreachable!("the kind decides the variant")
        };
        assert_eq!(session.sequence, 0);
        for bad in [json!(-1), json!("2"), json!(u64::from(u32::MAX) + 1)] {
            value["session"]["sequence"] = bad.clone();
            let error = from_json(EmailKind::BookingRescheduled, &value).expect_err("malformed");
            assert_eq!(error, "`sequence` is not a non-negative 32-bit integer", "{bad}");
        }
    }

    /// Two sessions across Paris's switch to summer time (microseconds kept), one skipped.
    fn series_details(skipped: bool) -> SeriesDetails {
        SeriesDetails {
            series_id: SeriesId::from_uuid(Uuid::nil()),
            course_title: "Algebra — groups & rings".into(),
            ta_name: "Grace Hopper".into(),
            organization_name: "Acme \"Tutoring\"".into(),
            timezone: TimeZoneId::parse("Europe/Paris").expect("a valid fixture zone"),
            sessions: vec![
                (at("2027-03-24T17:00:00.123456Z"), at("2027-03-24T18:00:00Z")),
                (at("2027-03-31T16:00:00Z"), at("2027-03-31T17:30:00.5Z")),
            ],
            skipped: if skipped { vec![(at("2027-04-07T16:00:00Z"), "ta_unavailable".into())] } else { Vec::new() },
        }
    }

    fn series_confirmation(audience: Audience, skipped: bool) -> EmailPayload {
        EmailPayload::SeriesConfirmation {
            series: series_details(skipped),
            audience,
            student_name: "Ada Lovelace".into(),
        }
    }

    fn series_cancellation(reason: Option<&str>, refunded: Option<u32>) -> EmailPayload {
        EmailPayload::SeriesCancellation { series: series_details(false), reason: reason.map(str::to_owned), refunded }
    }

    #[test]
    fn series_emails_round_trip_for_every_audience_reason_and_refund() {
        for audience in [Audience::Student, Audience::Ta] {
            for skipped in [true, false] {
                let payload = series_confirmation(audience, skipped);
                let read = from_json(EmailKind::SeriesConfirmation, &to_json(&payload));
                assert_eq!(read, Ok(payload), "{audience:?} {skipped}");
            }
        }
        for reason in [Some("Course withdrawn"), None] {
            for refunded in [Some(0), Some(2), Some(u32::MAX), None] {
                let payload = series_cancellation(reason, refunded);
                let read = from_json(EmailKind::SeriesCancellation, &to_json(&payload));
                assert_eq!(read, Ok(payload), "{reason:?} {refunded:?}");
            }
        }
        let empty = EmailPayload::SeriesCancellation {
            series: SeriesDetails { sessions: Vec::new(), ..series_details(false) },
            reason: None,
            refunded: None,
        };
        assert_eq!(from_json(EmailKind::SeriesCancellation, &to_json(&empty)), Ok(empty));
    }

    #[test]
    fn series_emails_are_stored_in_their_documented_shape() {
        let confirmation = to_json(&series_confirmation(Audience::Ta, true));
        assert_eq!(
            confirmation,
            json!({
                "series": {
                    "seriesId": "00000000-0000-0000-0000-000000000000",
                    "courseTitle": "Algebra — groups & rings",
                    "taName": "Grace Hopper",
                    "organizationName": "Acme \"Tutoring\"",
                    "timezone": "Europe/Paris",
                    "sessions": [
                        { "startsAt": "2027-03-24T17:00:00.123456Z", "endsAt": "2027-03-24T18:00:00.000000Z" },
                        { "startsAt": "2027-03-31T16:00:00.000000Z", "endsAt": "2027-03-31T17:30:00.500000Z" },
                    ],
                    "skipped": [{ "startsAt": "2027-04-07T16:00:00.000000Z", "code": "ta_unavailable" }],
                },
                "audience": "ta",
                "studentName": "Ada Lovelace",
            })
        );
        assert_eq!(to_json(&series_confirmation(Audience::Student, false))["audience"], "student");
        let cancellation = to_json(&series_cancellation(Some("Course withdrawn"), Some(1)));
        assert_eq!(
            (&cancellation["reason"], &cancellation["refunded"], &cancellation["series"]["skipped"]),
            (&json!("Course withdrawn"), &json!(1), &json!([]))
        );
        assert_eq!(cancellation["series"]["sessions"], confirmation["series"]["sessions"]);
        let ta_copy = to_json(&series_cancellation(None, None));
        assert_eq!((&ta_copy["reason"], &ta_copy["refunded"]), (&Value::Null, &Value::Null));
        let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
        assert_eq!(keys(&ta_copy), Some(vec!["reason".into(), "refunded".into(), "series".into()]));
    }

    #[test]
    fn a_malformed_series_confirmation_names_the_field() {
        let valid = to_json(&series_confirmation(Audience::Student, true));
        let broken = |edit: &dyn Fn(&mut Map<String, Value>)| {
            let mut value = valid.clone();
            edit(value.as_object_mut().expect("an object"));
            from_json(EmailKind::SeriesConfirmation, &value).expect_err("malformed")
        };
        assert_eq!(broken(&|o| _ = o.remove("series")), "`series` is not an object");
        assert_eq!(broken(&|o| o["series"]["seriesId"] = json!(7)), "`seriesId` is not a string");
        assert!(broken(&|o| o["series"]["seriesId"] = json!("s-1")).starts_with("`seriesId`: "));
        let no_title = |o: &mut Map<String, Value>| _ = o["series"].as_object_mut().map(|s| s.remove("courseTitle"));
        assert_eq!(broken(&no_title), "`courseTitle` is not a string");
        assert!(broken(&|o| o["series"]["timezone"] = json!("Mars/Olympus")).starts_with("`timezone` "));
        assert_eq!(broken(&|o| o["series"]["sessions"] = json!({})), "`sessions` is not an array");
        assert_eq!(broken(&|o| o["series"]["sessions"][1] = json!("soon")), "`sessions[1]` is not an object");
        let no_end =
            |o: &mut Map<String, Value>| _ = o["series"]["sessions"][1].as_object_mut().map(|s| s.remove("endsAt"));
        assert_eq!(broken(&no_end), "`sessions[1]`: `endsAt` is not a string");
        let bad_start = |o: &mut Map<String, Value>| o["series"]["sessions"][0]["startsAt"] = json!("yesterday");
        assert!(broken(&bad_start).starts_with("`sessions[0]`: `startsAt`: "), "{}", broken(&bad_start));
        let no_skipped = |o: &mut Map<String, Value>| _ = o["series"].as_object_mut().map(|s| s.remove("skipped"));
        assert_eq!(broken(&no_skipped), "`skipped` is not an array");
        assert_eq!(broken(&|o| o["series"]["skipped"][0]["code"] = json!(409)), "`skipped[0]`: `code` is not a string");
        assert_eq!(broken(&|o| _ = o.insert("audience".into(), json!("formerTa"))), "unknown audience \"formerTa\"");
        assert_eq!(broken(&|o| _ = o.remove("audience")), "`audience` is not a string");
        assert_eq!(broken(&|o| _ = o.remove("studentName")), "`studentName` is not a string");
    }

    #[test]
    fn a_malformed_series_cancellation_names_the_field() {
        let valid = to_json(&series_cancellation(Some("x"), Some(2)));
        let broken = |edit: &dyn Fn(&mut Map<String, Value>)| {
            let mut value = valid.clone();
            edit(value.as_object_mut().expect("an object"));
            from_json(EmailKind::SeriesCancellation, &value).expect_err("malformed")
        };
        let refund_error = "`refunded` is not a non-negative 32-bit integer";
        for refunded in [json!(-1), json!(1.5), json!("2"), json!(true), json!(u64::from(u32::MAX) + 1)] {
            assert_eq!(broken(&|o| _ = o.insert("refunded".into(), refunded.clone())), refund_error, "{refunded}");
        }
        assert_eq!(broken(&|o| _ = o.insert("reason".into(), json!(["late"]))), "`reason` is not a string");
        assert_eq!(broken(&|o| _ = o.remove("series")), "`series` is not an object");
        assert_eq!(broken(&|o| o["series"]["sessions"][0] = json!(null)), "`sessions[0]` is not an object");
        let mut absent = valid.clone();
        absent.as_object_mut().expect("an object").retain(|k, _| k == "series");
        let read = from_json(EmailKind::SeriesCancellation, &absent);
        assert_eq!(read, Ok(series_cancellation(None, None)), "a missing reason or refund reads as none");
    }

    fn no_show_refund() -> EmailPayload {
        let EmailPayload::BookingRescheduled { session, .. } = rescheduled(RescheduleAudience::Student, None) else {
            unreachable!("rescheduled builds a reschedule")
        };
        EmailPayload::TaNoShowRefund { session }
    }

    /// A digest in Auckland time (microseconds kept), listing `listed` of `total` sessions.
    fn digest(total: u32, listed: usize) -> EmailPayload {
        let sessions = [
            (at("2026-12-01T20:00:00.123456Z"), at("2026-12-01T21:00:00Z"), "Algebra — groups & rings".to_owned()),
            (at("2026-12-02T20:00:00Z"), at("2026-12-02T21:30:00.5Z"), "Topology \"101\"".to_owned()),
        ];
        EmailPayload::AttendanceDigest {
            organization_name: "Acme \"Tutoring\"".into(),
            timezone: TimeZoneId::parse("Pacific/Auckland").expect("a valid fixture zone"),
            total,
            sessions: sessions.into_iter().take(listed).collect(),
        }
    }

    #[test]
    fn attendance_emails_round_trip() {
        let refund = no_show_refund();
        assert_eq!(from_json(EmailKind::TaNoShowRefund, &to_json(&refund)), Ok(refund));
        for (total, listed) in [(2, 2), (45, 2), (u32::MAX, 1), (0, 0)] {
            let payload = digest(total, listed);
            assert_eq!(from_json(EmailKind::AttendanceDigest, &to_json(&payload)), Ok(payload), "{total} {listed}");
        }
    }

    #[test]
    fn attendance_emails_are_stored_in_their_documented_shape() {
        let refund = to_json(&no_show_refund());
        let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
        assert_eq!(keys(&refund), Some(vec!["session".into()]));
        assert_eq!(refund["session"]["startsAt"], "2026-12-02T09:00:00.123456Z");
        assert_eq!(
            to_json(&digest(45, 2)),
            json!({
                "organizationName": "Acme \"Tutoring\"",
                "timezone": "Pacific/Auckland",
                "total": 45,
                "sessions": [
                    {
                        "startsAt": "2026-12-01T20:00:00.123456Z",
                        "endsAt": "2026-12-01T21:00:00.000000Z",
                        "courseTitle": "Algebra — groups & rings",
                    },
                    {
                        "startsAt": "2026-12-02T20:00:00.000000Z",
                        "endsAt": "2026-12-02T21:30:00.500000Z",
                        "courseTitle": "Topology \"101\"",
                    },
                ],
            })
        );
    }

    #[test]
    fn a_malformed_attendance_digest_names_the_field() {
        let valid = to_json(&digest(45, 2));
        let broken = |edit: &dyn Fn(&mut Map<String, Value>)| {
            let mut value = valid.clone();
            edit(value.as_object_mut().expect("an object"));
            from_json(EmailKind::AttendanceDigest, &value).expect_err("malformed")
        };
        let total_error = "`total` is not a non-negative 32-bit integer";
        for total in [json!(-1), json!(1.5), json!("45"), json!(null), json!(u64::from(u32::MAX) + 1)] {
            assert_eq!(broken(&|o| _ = o.insert("total".into(), total.clone())), total_error, "{total}");
        }
        assert_eq!(broken(&|o| _ = o.remove("total")), total_error);
        assert_eq!(broken(&|o| _ = o.remove("organizationName")), "`organizationName` is not a string");
        assert!(broken(&|o| o["timezone"] = json!("Mars/Olympus")).starts_with("`timezone` "));
        assert_eq!(broken(&|o| o["sessions"] = json!({})), "`sessions` is not an array");
        assert_eq!(broken(&|o| o["sessions"][1] = json!("soon")), "`sessions[1]` is not an object");
        let no_title =
            |o: &mut Map<String, Value>| _ = o["sessions"][1].as_object_mut().map(|s| s.remove("courseTitle"));
        assert_eq!(broken(&no_title), "`sessions[1]`: `courseTitle` is not a string");
        let bad_end = |o: &mut Map<String, Value>| o["sessions"][0]["endsAt"] = json!("later");
        assert!(broken(&bad_end).starts_with("`sessions[0]`: `endsAt`: "), "{}", broken(&bad_end));
        let no_refund_session = from_json(EmailKind::TaNoShowRefund, &json!({}));
        assert_eq!(no_refund_session, Err("`session` is not an object".to_owned()));
    }
}
