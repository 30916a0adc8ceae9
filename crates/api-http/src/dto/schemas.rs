//! Schemas of the OpenAPI document that the derive cannot spell: closed sets of names taken from
//! the domain (time zones, currencies, audit actions, statuses), so that the document lists
//! exactly what the API accepts. The types exist for the document only (`value_type = …`).

use domain::audit::AuditAction;
use domain::shared::{Currency, TimeZoneId};
use domain::tenancy::SLOT_STEPS;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

fn names<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> RefOr<Schema> {
    let values: Vec<&str> = values.into_iter().collect();
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)).description(Some(description)).into()
}

macro_rules! names_schema {
    ($(#[$meta:meta])* $name:ident, $values:expr, $description:expr) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                names($values, $description)
            }
        }

        impl ToSchema for $name {}
    };
}

names_schema!(
    /// An IANA time zone name (a component: the list is long).
    TimeZoneName,
    TimeZoneId::names(),
    "An IANA time zone name, e.g. `Europe/Berlin`."
);
names_schema!(
    /// An active ISO 4217 currency code.
    CurrencyCode,
    Currency::CODES.iter().copied(),
    "An active ISO 4217 currency code, e.g. `EUR` (lower case is accepted too)."
);
names_schema!(
    /// The dotted name of an audited action.
    AuditActionName,
    AuditAction::ALL.iter().map(|a| a.as_str()),
    "An audited action."
);
names_schema!(
    /// A job (email outbox) state.
    JobStatusName,
    ["pending", "retrying", "dead", "sent"],
    "A job state."
);
names_schema!(
    /// A booking state.
    BookingStatusName,
    ["booked", "open", "full", "completed", "cancelled"],
    "A booking state."
);
names_schema!(
    /// A seat's attendance mark.
    AttendanceName,
    domain::booking::Attendance::ALL.iter().map(|a| a.as_str()),
    "`present`; `absent` (a no-show: the booking's `noShow` policy decides); `excused` (refunded)."
);
names_schema!(
    /// A kind of session.
    SessionTypeName,
    ["individual", "group"],
    "A kind of session."
);

names_schema!(
    /// What a late cancellation or a no-show does to a student's payment.
    LateOutcomeName,
    domain::booking::LateOutcome::ALL.iter().map(|o| o.as_str()),
    "`forfeit`: the credit stays spent (a per-session payment is kept); `refund`: it comes back."
);

/// The grid of proposed start times, in minutes.
#[derive(Debug)]
pub struct SlotStep;

impl PartialSchema for SlotStep {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .enum_values(Some(SLOT_STEPS.iter().map(|s| i64::from(*s))))
            .into()
    }
}

impl ToSchema for SlotStep {}

#[cfg(test)]
mod tests {
    use domain::booking::{BookingStatus, SessionType};
    use domain::notifications::JobStatus;
    use utoipa::openapi::schema::Schema;

    use super::*;

    fn values<T: PartialSchema>() -> Vec<String> {
        match T::schema() {
            RefOr::T(Schema::Object(o)) => {
                o.enum_values.unwrap().into_iter().map(|v| v.as_str().unwrap().to_owned()).collect()
            }
            _ => panic!("not an object schema"),
        }
    }

    #[test]
    fn every_listed_name_is_accepted_by_the_domain() {
        for name in values::<TimeZoneName>() {
            assert!(TimeZoneId::parse(&name).is_ok(), "{name}");
        }
        for name in values::<CurrencyCode>() {
            assert!(Currency::parse(&name).is_ok(), "{name}");
        }
        for name in values::<AuditActionName>() {
            assert!(AuditAction::parse(&name).is_ok(), "{name}");
        }
        for name in values::<JobStatusName>() {
            assert!(JobStatus::parse(&name).is_ok(), "{name}");
        }
        for name in values::<BookingStatusName>() {
            assert!(BookingStatus::parse(&name).is_ok(), "{name}");
        }
        for name in values::<SessionTypeName>() {
            assert!(SessionType::parse(&name).is_ok(), "{name}");
        }
        assert_eq!(values::<AuditActionName>().len(), AuditAction::ALL.len());
        assert!(values::<TimeZoneName>().contains(&"Europe/Berlin".to_owned()));
    }
}
