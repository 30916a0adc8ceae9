//! Typed identifiers. Every entity has its own id type so that a `CourseId` can never be passed
//! where a `UserId` is expected; all are UUIDs (v7 in production, so they sort by creation).

use std::fmt;

use uuid::Uuid;

macro_rules! id_type {
    ($($(#[$meta:meta])* $name:ident;)*) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    )*};
}

id_type! {
    /// An organization (tenant).
    OrganizationId;
    /// A user of any role.
    UserId;
    /// A course.
    CourseId;
    /// A product of a course.
    ProductId;
    /// A bundle purchase.
    BundlePurchaseId;
    /// An entry of a bundle's credit ledger.
    LedgerEntryId;
    /// A booking (an individual or group session).
    BookingId;
    /// A group-session template.
    TemplateId;
    /// A waitlist entry.
    WaitlistEntryId;
    /// A window of a TA's time off.
    TimeOffId;
    /// A recurring series of individual bookings.
    SeriesId;
    /// An authentication session (one login on one device).
    SessionId;
    /// A refresh token of a session.
    RefreshTokenId;
    /// A one-time token (verification, reset, invitation).
    OneTimeTokenId;
    /// A password-reset request waiting for the worker.
    ResetRequestId;
    /// A message of the email outbox.
    OutboxMessageId;
    /// An audit event.
    AuditEventId;
}

/// Produces fresh unique identifiers.
///
/// Implementations MUST never return the same value twice and SHOULD return time-ordered
/// UUIDs (v7) so that ids sort by creation.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait IdGenerator: Send + Sync {
    /// A new identifier.
    fn new_uuid(&self) -> Uuid;
}

/// UUID v7 identifiers from the system clock and the operating system's randomness.
#[derive(Debug, Default, Clone, Copy)]
pub struct UuidV7Generator;

impl IdGenerator for UuidV7Generator {
    fn new_uuid(&self) -> Uuid {
        Uuid::now_v7()
    }
}

/// Typed helper: `let id: BookingId = next_id(ids);`.
pub fn next_id<I: From<Uuid>>(ids: &dyn IdGenerator) -> I {
    I::from(ids.new_uuid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v7_ids_are_unique_and_ordered() {
        let g = UuidV7Generator;
        let a: BookingId = next_id(&g);
        let b: BookingId = next_id(&g);
        assert_ne!(a, b);
        assert!(a < b, "v7 ids sort by creation");
    }

    #[test]
    fn debug_names_the_type() {
        let id = UserId::from_uuid(Uuid::nil());
        assert_eq!(format!("{id:?}"), "UserId(00000000-0000-0000-0000-000000000000)");
        assert_eq!(id.to_string(), "00000000-0000-0000-0000-000000000000");
    }
}
