//! Test support for crates that use the domain (enabled by the `mocks` feature): [`MockStore`]
//! holds one mockall mock per repository and hands out transactions that use the same mocks,
//! counting commits so that tests can assert a use case committed (or not).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use async_trait::async_trait;

use crate::accounts::{
    AuthSessionRepository, MockAuthSessionRepository, MockOneTimeTokenRepository, MockUserRepository,
    OneTimeTokenRepository, UserRepository,
};
use crate::attendance::{AttendanceRepository, MockAttendanceRepository};
use crate::audit::{AuditRepository, MockAuditRepository};
use crate::availability::{AvailabilityRepository, MockAvailabilityRepository};
use crate::booking::{BookingRepository, MockBookingRepository};
use crate::bundles::{BundleRepository, MockBundleRepository};
use crate::catalog::{
    CourseRepository, CourseTaRepository, MockCourseRepository, MockCourseTaRepository, MockProductRepository,
    ProductRepository,
};
use crate::group_sessions::{MockTemplateRepository, MockWaitlistRepository, TemplateRepository, WaitlistRepository};
use crate::notifications::{MockOutboxRepository, OutboxRepository};
use crate::reports::{MockReportRepository, ReportRepository};
use crate::series::{MockSeriesRepository, SeriesRepository};
use crate::shared::IdGenerator;
use crate::store::{Repositories, Store, StoreError, Transaction};
use crate::tenancy::{MockOrganizationRepository, OrganizationRepository};
use crate::time_off::{MockTimeOffRepository, TimeOffRepository};

macro_rules! mock_store {
    ($($field:ident: $mock:ident as $port:ident;)*) => {
        /// A [`Store`] made of mocks. Set expectations on the public fields, then wrap it in an
        /// `Arc`. Transactions opened on it use the same mocks.
        #[derive(Default)]
        pub struct MockStore {
            $(
                #[doc = concat!("The mock behind `", stringify!($field), "()`.")]
                pub $field: $mock,
            )*
            begun: AtomicUsize,
            commits: AtomicUsize,
            commit_error: Mutex<Option<StoreError>>,
        }

        impl Repositories for MockStore {
            $(fn $field(&self) -> &dyn $port { &self.$field })*
        }

        impl Repositories for MockTransaction<'_> {
            $(fn $field(&self) -> &dyn $port { &self.store.$field })*
        }
    };
}

mock_store! {
    organizations: MockOrganizationRepository as OrganizationRepository;
    users: MockUserRepository as UserRepository;
    auth_sessions: MockAuthSessionRepository as AuthSessionRepository;
    one_time_tokens: MockOneTimeTokenRepository as OneTimeTokenRepository;
    courses: MockCourseRepository as CourseRepository;
    course_tas: MockCourseTaRepository as CourseTaRepository;
    products: MockProductRepository as ProductRepository;
    availability: MockAvailabilityRepository as AvailabilityRepository;
    bundles: MockBundleRepository as BundleRepository;
    bookings: MockBookingRepository as BookingRepository;
    templates: MockTemplateRepository as TemplateRepository;
    waitlist: MockWaitlistRepository as WaitlistRepository;
    outbox: MockOutboxRepository as OutboxRepository;
    audit: MockAuditRepository as AuditRepository;
    time_off: MockTimeOffRepository as TimeOffRepository;
    series: MockSeriesRepository as SeriesRepository;
    attendance: MockAttendanceRepository as AttendanceRepository;
    reports: MockReportRepository as ReportRepository;
}

impl MockStore {
    /// A store with no expectations: any repository call fails the test.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many transactions were opened.
    pub fn begun(&self) -> usize {
        self.begun.load(Ordering::SeqCst)
    }

    /// How many transactions were committed.
    pub fn commits(&self) -> usize {
        self.commits.load(Ordering::SeqCst)
    }

    /// Makes the next commit fail with `error` (e.g. a lost connection or a serialization failure).
    pub fn fail_next_commit(&self, error: StoreError) {
        *self.commit_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(error);
    }
}

#[async_trait]
impl Store for MockStore {
    async fn begin<'a>(&'a self) -> Result<Box<dyn Transaction + 'a>, StoreError> {
        self.begun.fetch_add(1, Ordering::SeqCst);
        Ok(Box::new(MockTransaction { store: self }))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// A transaction of a [`MockStore`]: its calls go to the store's mocks.
pub struct MockTransaction<'a> {
    store: &'a MockStore,
}

#[async_trait]
impl Transaction for MockTransaction<'_> {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let failure = self.store.commit_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        match failure {
            Some(e) => Err(e),
            None => {
                self.store.commits.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        }
    }
}

/// Deterministic ids for tests: `00000000-0000-0000-0000-0000000f4241`, then `…f4242`, …
/// (counting from one million, far from the small numbers tests use for fixed ids).
#[derive(Debug)]
pub struct SequentialIds(AtomicU64);

impl Default for SequentialIds {
    fn default() -> Self {
        Self(AtomicU64::new(1_000_000))
    }
}

impl IdGenerator for SequentialIds {
    fn new_uuid(&self) -> uuid::Uuid {
        uuid::Uuid::from_u128(u128::from(self.0.fetch_add(1, Ordering::SeqCst) + 1))
    }
}
