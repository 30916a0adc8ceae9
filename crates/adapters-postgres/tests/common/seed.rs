//! Seeds an academy through the repositories: an organization (UTC, default settings), an
//! admin, two TAs teaching one course (Mon–Fri 09:00–17:00), students, a per-session price, a
//! 3-session bundle product and a 10-seat group template. Services over it run at a fixed
//! "now": Tuesday 2026-12-01 08:00Z.
#![allow(clippy::unwrap_used, reason = "test setup: a failure to seed fails the test")]

use std::sync::Arc;

use adapters_postgres::SeaStore;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use domain::accounts::User;
use domain::availability::Availability;
use domain::catalog::{Course, CourseCode, CourseDescription, CourseTitle, Product, ProductKind, ProductName};
use domain::core::Core;
use domain::group_sessions::{Capacity, GroupSessionTemplate, TemplateTitle};
use domain::scheduling::SessionDuration;
use domain::shared::{Cents, Currency, Email, FixedClock, PersonName, Role, TimeZoneId, UuidV7Generator};
use domain::store::{Repositories, Store};
use domain::tenancy::{OrgName, OrgSettings, Organization, Slug};
use uuid::Uuid;

/// The fixed "now" of services in these tests.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()
}

/// Wednesday 2026-12-02 at `hour:minute` UTC.
/// The buffer of bookings inserted where the buffer does not matter.
pub const NO_BUFFER: TimeDelta = TimeDelta::zero();

pub fn wednesday(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, hour, minute, 0).unwrap()
}

/// Services' ports over the store, at [`now`].
pub fn core(store: &Arc<SeaStore>) -> Core {
    let dyn_store: Arc<dyn Store> = store.clone();
    Core::new(dyn_store, Arc::new(FixedClock(now())), Arc::new(UuidV7Generator))
}

/// What [`academy`] created.
pub struct Academy {
    pub org: Organization,
    pub admin: User,
    pub tas: Vec<User>,
    pub students: Vec<User>,
    pub course: Course,
    pub session_price: Product,
    pub bundle_product: Product,
    pub template: GroupSessionTemplate,
}

fn user(org: &Organization, role: Role, label: &str) -> User {
    let id = Uuid::now_v7();
    User {
        id: id.into(),
        organization_id: org.id,
        email: Email::parse(&format!("{label}-{}@example.com", id.simple())).unwrap(),
        name: PersonName::parse(label).unwrap(),
        role,
        email_verified: true,
        created_at: now(),
    }
}

/// Stores a purchased bundle with its `purchase` ledger entry, in one transaction as the service
/// does: PostgreSQL checks at commit that the balance equals the ledger.
pub async fn store_bundle(store: &SeaStore, bundle: &domain::bundles::BundlePurchase) {
    let tx = store.begin().await.unwrap();
    tx.bundles().insert(bundle).await.unwrap();
    if bundle.remaining_sessions > 0 {
        let mut purchase = domain::bundles::LedgerEntry::purchase(Uuid::now_v7().into(), bundle);
        purchase.delta = i32::try_from(bundle.remaining_sessions).unwrap();
        tx.bundles().append_ledger(&purchase).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// A new organization with `students` students.
pub async fn academy(store: &SeaStore, students: usize) -> Academy {
    let org = Organization {
        id: Uuid::now_v7().into(),
        name: OrgName::parse("Acme Tutoring").unwrap(),
        slug: Slug::parse(&format!("acme-{}", &Uuid::now_v7().simple().to_string()[20..])).unwrap(),
        timezone: TimeZoneId::UTC,
        currency: Currency::EUR,
        settings: OrgSettings::default(),
        created_at: now(),
    };
    store.organizations().insert(&org).await.unwrap();
    let admin = user(&org, Role::Admin, "admin");
    store.users().insert(&admin, None).await.unwrap();
    let mut tas = Vec::new();
    for label in ["ta-one", "ta-two"] {
        let ta = user(&org, Role::Ta, label);
        store.users().insert(&ta, None).await.unwrap();
        store.availability().put(org.id, &Availability::default_for(ta.id, org.timezone)).await.unwrap();
        tas.push(ta);
    }
    let mut all_students = Vec::new();
    for n in 0..students {
        let s = user(&org, Role::Student, &format!("student-{n:03}"));
        store.users().insert(&s, None).await.unwrap();
        all_students.push(s);
    }
    let course = Course {
        id: Uuid::now_v7().into(),
        organization_id: org.id,
        code: CourseCode::parse("MATH-101").unwrap(),
        title: CourseTitle::parse("Algebra").unwrap(),
        description: CourseDescription::parse("").unwrap(),
        active: true,
        policy: domain::booking::PolicyTerms::default(),
        created_at: now(),
    };
    store.courses().insert(&course).await.unwrap();
    for ta in &tas {
        store.course_tas().assign(org.id, course.id, ta.id).await.unwrap();
    }
    let product = |kind, name: &str, cents| Product {
        id: Uuid::now_v7().into(),
        organization_id: org.id,
        course_id: course.id,
        kind,
        name: ProductName::parse(name).unwrap(),
        price: Cents::new(cents).unwrap(),
        currency: Currency::EUR,
        active: true,
        created_at: now(),
    };
    let session_price = product(ProductKind::SingleSession, "One session", 5_000);
    let bundle_product = product(ProductKind::Bundle { session_count: 3, validity_days: 30 }, "Three sessions", 12_000);
    store.products().insert(&session_price).await.unwrap();
    store.products().insert(&bundle_product).await.unwrap();
    let template = GroupSessionTemplate {
        id: Uuid::now_v7().into(),
        organization_id: org.id,
        course_id: course.id,
        ta_id: tas[0].id,
        title: TemplateTitle::parse("Exam prep").unwrap(),
        capacity: Capacity::new(10).unwrap(),
        duration: SessionDuration::from_minutes(60).unwrap(),
        price_per_student: Cents::new(2_000).unwrap(),
        currency: Currency::EUR,
        active: true,
        created_at: now(),
    };
    store.templates().insert(&template).await.unwrap();
    Academy { org, admin, tas, students: all_students, course, session_price, bundle_product, template }
}
