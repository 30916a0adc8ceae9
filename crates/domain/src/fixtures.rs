//! Fixtures for the domain's own unit tests: one organization with an admin, two TAs, two
//! students, a course with products and a template, at a fixed "now" (Tuesday 2026-12-01 08:00Z).
#![allow(dead_code, reason = "a shared toolbox: each test module uses part of it")]

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use uuid::Uuid;

use crate::accounts::User;
use crate::availability::Availability;
use crate::booking::{Booking, NewIndividualBooking, Payment};
use crate::bundles::BundlePurchase;
use crate::catalog::{Course, CourseCode, CourseDescription, CourseTitle, Product, ProductKind, ProductName};
use crate::core::Core;
use crate::group_sessions::{Capacity, GroupSessionTemplate, TemplateTitle};
use crate::scheduling::SessionDuration;
use crate::shared::{
    Actor, BookingId, Cents, CourseId, Currency, Email, FixedClock, Interval, OrganizationId, PersonName, ProductId,
    RequestContext, Role, SessionId, TemplateId, TimeZoneId, UserId,
};
use crate::store::Store;
use crate::tenancy::{OrgName, OrgSettings, Organization, Slug};
use crate::testing::{MockStore, SequentialIds};

/// Fixed ids.
pub const ORG: u128 = 1;
pub const OTHER_ORG: u128 = 2;
pub const ADMIN: u128 = 10;
pub const TA_1: u128 = 11;
pub const TA_2: u128 = 12;
pub const STUDENT_1: u128 = 13;
pub const STUDENT_2: u128 = 14;
pub const COURSE: u128 = 20;
pub const SESSION_PRICE: u128 = 30;
pub const BUNDLE_PRODUCT: u128 = 31;
pub const TEMPLATE: u128 = 40;

/// A typed id from a small number.
pub fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

/// The fixed "now": Tuesday 2026-12-01 08:00Z.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()
}

/// An instant `hours` after now.
pub fn in_hours(hours: i64) -> DateTime<Utc> {
    now() + TimeDelta::hours(hours)
}

/// Minute `n` after 2026-12-01 00:00Z: a compact time line for rule tests.
pub fn at(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap() + TimeDelta::minutes(n)
}

/// `[at(a), at(b))`.
pub fn iv(a: i64, b: i64) -> Interval {
    Interval::new(at(a), at(b)).unwrap()
}

/// `[start, start + minutes)`.
pub fn interval(start: DateTime<Utc>, minutes: i64) -> Interval {
    Interval::new(start, start + TimeDelta::minutes(minutes)).unwrap()
}

/// Core over a mock store, a fixed clock and sequential ids.
pub fn core(store: MockStore) -> Core {
    core_at(store, now())
}

/// Core at another instant.
pub fn core_at(store: MockStore, at: DateTime<Utc>) -> Core {
    let store: Arc<dyn Store> = Arc::new(store);
    Core::new(store, Arc::new(FixedClock(at)), Arc::new(SequentialIds::default()))
}

/// The organization (UTC, EUR, default settings).
pub fn org() -> Organization {
    Organization {
        id: id(ORG),
        name: OrgName::parse("Acme Tutoring").unwrap(),
        slug: Slug::parse("acme").unwrap(),
        timezone: TimeZoneId::UTC,
        currency: Currency::EUR,
        settings: OrgSettings::default(),
        created_at: now() - TimeDelta::days(100),
    }
}

/// A user of the organization.
pub fn user(n: u128, role: Role) -> User {
    User {
        id: id(n),
        organization_id: id(ORG),
        email: Email::parse(&format!("user{n}@example.com")).unwrap(),
        name: PersonName::parse(&format!("User {n}")).unwrap(),
        role,
        email_verified: true,
        created_at: now() - TimeDelta::days(50),
    }
}

/// The actor of user `n` with role `role`.
pub fn actor(n: u128, role: Role) -> Actor {
    Actor::new(id(n), id(ORG), role, id::<SessionId>(1000 + n)).with_context(RequestContext {
        request_id: "req-test".into(),
        ip: None,
        user_agent: None,
    })
}

/// An actor of another organization.
pub fn stranger(role: Role) -> Actor {
    Actor::new(id(99), id(OTHER_ORG), role, id::<SessionId>(1099))
}

/// The course (active).
pub fn course() -> Course {
    Course {
        id: id(COURSE),
        organization_id: id(ORG),
        code: CourseCode::parse("MATH-101").unwrap(),
        title: CourseTitle::parse("Algebra").unwrap(),
        description: CourseDescription::parse("").unwrap(),
        active: true,
        policy: crate::booking::PolicyTerms::default(),
        created_at: now() - TimeDelta::days(40),
    }
}

/// The course's active single-session product (50.00).
pub fn session_price() -> Product {
    Product {
        id: id(SESSION_PRICE),
        organization_id: id(ORG),
        course_id: id(COURSE),
        kind: ProductKind::SingleSession,
        name: ProductName::parse("One session").unwrap(),
        price: Cents::new(5_000).unwrap(),
        currency: Currency::EUR,
        active: true,
        created_at: now() - TimeDelta::days(30),
    }
}

/// The course's bundle product (3 sessions, 30 days, 120.00).
pub fn bundle_product() -> Product {
    Product {
        id: id(BUNDLE_PRODUCT),
        organization_id: id(ORG),
        course_id: id(COURSE),
        kind: ProductKind::Bundle { session_count: 3, validity_days: 30 },
        name: ProductName::parse("Three sessions").unwrap(),
        price: Cents::new(12_000).unwrap(),
        currency: Currency::EUR,
        active: true,
        created_at: now() - TimeDelta::days(30),
    }
}

/// A bundle of the bundle product bought by `student` a day ago.
pub fn bundle(n: u128, student: u128) -> BundlePurchase {
    BundlePurchase::buy(id(n), id(student), &bundle_product(), now() - TimeDelta::days(1)).unwrap()
}

/// Mon–Fri 09:00–17:00 UTC.
pub fn availability(ta: u128) -> Availability {
    Availability::default_for(id(ta), TimeZoneId::UTC)
}

/// A booked individual session of TA `ta` for `student`, paid per session.
pub fn individual(n: u128, ta: u128, student: u128, at: Interval) -> Booking {
    Booking::individual(
        NewIndividualBooking {
            id: id::<BookingId>(n),
            organization_id: id(ORG),
            course_id: id::<CourseId>(COURSE),
            ta_id: id(ta),
            student_id: id(student),
            interval: at,
            payment: Payment::PerSession(Cents::new(5_000).unwrap()),
            currency: Currency::EUR,
            created_by: id(student),
            policy: crate::booking::BookingPolicy::default(),
        },
        now() - TimeDelta::days(2),
    )
}

/// The group template of TA 1 (capacity 3, 60 minutes, 20.00).
pub fn template() -> GroupSessionTemplate {
    GroupSessionTemplate {
        id: id::<TemplateId>(TEMPLATE),
        organization_id: id(ORG),
        course_id: id(COURSE),
        ta_id: id(TA_1),
        title: TemplateTitle::parse("Exam prep").unwrap(),
        capacity: Capacity::new(3).unwrap(),
        duration: SessionDuration::from_minutes(60).unwrap(),
        price_per_student: Cents::new(2_000).unwrap(),
        currency: Currency::EUR,
        active: true,
        created_at: now() - TimeDelta::days(20),
    }
}

/// An open group session of the template, with no seats.
pub fn group_session(n: u128, at: Interval) -> Booking {
    template().session(id(n), at, crate::booking::BookingPolicy::default(), id(ADMIN), now() - TimeDelta::days(2))
}

/// The product ids, for matching.
pub fn product_id(n: u128) -> ProductId {
    id(n)
}

/// The organization id.
pub fn org_id() -> OrganizationId {
    id(ORG)
}

/// A user id.
pub fn user_id(n: u128) -> UserId {
    id(n)
}
