use std::sync::Arc;

use chrono::{TimeZone, Utc};

use super::*;
use crate::shared::{Actor, Currency, OrganizationId, Role, SessionId, TimeZoneId, UserId};
use crate::testing::MockStore;

fn org(id: OrganizationId) -> Organization {
    Organization {
        id,
        name: OrgName::parse("Acme Tutoring").unwrap(),
        slug: Slug::parse("acme").unwrap(),
        timezone: TimeZoneId::parse("Europe/Berlin").unwrap(),
        currency: Currency::EUR,
        settings: OrgSettings::default(),
        created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
    }
}

fn actor(role: Role, org: OrganizationId) -> Actor {
    Actor::new(UserId::from_uuid(uuid::Uuid::now_v7()), org, role, SessionId::from_uuid(uuid::Uuid::now_v7()))
}

#[tokio::test]
async fn members_read_their_own_organization() {
    let id = OrganizationId::from_uuid(uuid::Uuid::now_v7());
    let mut store = MockStore::new();
    store.organizations.expect_get().withf(move |o| *o == id).returning(move |o| Ok(Some(org(o))));
    let service = OrganizationService::new(Arc::new(store));
    for role in Role::ALL {
        assert_eq!(service.get(&actor(role, id)).await.unwrap().id, id);
    }
}

#[tokio::test]
async fn only_admins_update_and_nothing_is_written_otherwise() {
    let id = OrganizationId::from_uuid(uuid::Uuid::now_v7());
    let store = MockStore::new(); // any repository call would fail the test
    let service = OrganizationService::new(Arc::new(store));
    for role in [Role::Ta, Role::Student] {
        let err = service.update(&actor(role, id), &OrganizationPatch::default()).await.unwrap_err();
        assert!(matches!(err, UpdateOrganizationError::Forbidden));
    }
}

#[tokio::test]
async fn admin_update_applies_the_patch() {
    let id = OrganizationId::from_uuid(uuid::Uuid::now_v7());
    let mut store = MockStore::new();
    store.organizations.expect_get().returning(move |o| Ok(Some(org(o))));
    store
        .organizations
        .expect_update()
        .withf(|o| {
            o.name.as_str() == "Renamed" && o.settings.buffer_minutes() == 10 && o.timezone.name() == "Asia/Kolkata"
        })
        .times(1)
        .returning(|_| Ok(()));
    let service = OrganizationService::new(Arc::new(store));
    let patch = OrganizationPatch {
        name: Some(OrgName::parse("Renamed").unwrap()),
        timezone: Some(TimeZoneId::parse("Asia/Kolkata").unwrap()),
        currency: None,
        settings: OrgSettingsPatch::parse(RawSettings { buffer_minutes: Some(10), ..RawSettings::default() }).unwrap(),
    };
    let updated = service.update(&actor(Role::Admin, id), &patch).await.unwrap();
    assert_eq!(updated.currency, Currency::EUR);
    assert_eq!(updated.settings.slot_step_minutes(), 30);
}

#[tokio::test]
async fn a_vanished_organization_is_not_found() {
    let id = OrganizationId::from_uuid(uuid::Uuid::now_v7());
    let mut store = MockStore::new();
    store.organizations.expect_get().returning(|_| Ok(None));
    let service = OrganizationService::new(Arc::new(store));
    assert!(matches!(service.get(&actor(Role::Student, id)).await, Err(GetOrganizationError::NotFound)));
}
