//! Reading and replacing TA availability with mocked ports: the default for a TA who never set
//! one, tenant scoping, and who may replace whose.

use chrono::Weekday;

use super::*;
use crate::fixtures::*;
use crate::shared::{Role, TimeZoneId, UserId};
use crate::tenancy::Organization;
use crate::testing::MockStore;

fn berlin() -> TimeZoneId {
    TimeZoneId::parse("Europe/Berlin").unwrap()
}

fn org_in_berlin() -> Organization {
    Organization { timezone: berlin(), ..org() }
}

/// Saturdays 10:00–14:00 in Kolkata: nothing like the default.
fn saturdays(ta: u128) -> Availability {
    let range = TimeRange::new(WallTime::parse("10:00").unwrap(), WallTime::parse("14:00").unwrap()).unwrap();
    let weekly = vec![WeeklyHours { weekday: Weekday::Sat, range }];
    Availability::new(id(ta), TimeZoneId::parse("Asia/Kolkata").unwrap(), weekly, vec![]).unwrap()
}

/// A store whose organization (in Berlin) has the fixture users, each answered only when asked
/// with the organization's id.
fn members() -> MockStore {
    let mut store = MockStore::new();
    store.organizations.expect_get().returning(|o| Ok((o == org_id()).then(org_in_berlin)));
    store.users.expect_get().returning(|o, u: UserId| {
        let n = u.as_uuid().as_u128();
        let role = match n {
            ADMIN => Role::Admin,
            TA_1 | TA_2 => Role::Ta,
            STUDENT_1 | STUDENT_2 => Role::Student,
            _ => return Ok(None),
        };
        Ok((o == org_id()).then(|| user(n, role)))
    });
    store
}

#[tokio::test]
async fn every_member_reads_a_tas_stored_availability() {
    let mut store = members();
    store
        .availability
        .expect_get()
        .withf(|o, t| (*o, *t) == (org_id(), user_id(TA_1)))
        .times(3)
        .returning(|_, _| Ok(Some(saturdays(TA_1))));
    let service = AvailabilityService::new(core(store));
    for role in Role::ALL {
        assert_eq!(service.get(&actor(ADMIN, role), user_id(TA_1)).await.unwrap(), saturdays(TA_1), "{role}");
    }
}

#[tokio::test]
async fn a_ta_who_never_set_hours_works_mon_to_fri_nine_to_five_in_the_organizations_zone() {
    let mut store = members();
    store.availability.expect_get().times(1).returning(|_, _| Ok(None));
    let service = AvailabilityService::new(core(store));

    let read = service.get(&actor(STUDENT_1, Role::Student), user_id(TA_2)).await.unwrap();

    assert_eq!(read, Availability::default_for(user_id(TA_2), berlin()));
    assert_eq!(read.timezone(), berlin());
}

#[tokio::test]
async fn only_tas_of_the_organization_have_an_availability() {
    let mut store = members();
    store.availability.expect_get().never();
    let service = AvailabilityService::new(core(store));
    let admin = actor(ADMIN, Role::Admin);
    for (who, target) in
        [(admin.clone(), STUDENT_1), (admin.clone(), ADMIN), (admin, 999), (stranger(Role::Admin), TA_1)]
    {
        let err = service.get(&who, user_id(target)).await.unwrap_err();
        assert!(matches!(err, GetAvailabilityError::NotFound), "user {target}");
    }
}

#[tokio::test]
async fn an_admin_replaces_any_tas_availability_and_a_ta_their_own() {
    let mut store = members();
    store
        .availability
        .expect_put()
        .withf(|o, a| *o == org_id() && *a == saturdays(TA_1))
        .times(2)
        .returning(|_, _| Ok(()));
    let service = AvailabilityService::new(core(store));
    for who in [actor(ADMIN, Role::Admin), actor(TA_1, Role::Ta)] {
        assert_eq!(service.put(&who, &saturdays(TA_1)).await.unwrap(), saturdays(TA_1));
    }
}

#[tokio::test]
async fn a_ta_may_not_replace_another_tas_availability() {
    let mut store = members();
    store.availability.expect_put().never();
    let service = AvailabilityService::new(core(store));
    let err = service.put(&actor(TA_1, Role::Ta), &saturdays(TA_2)).await.unwrap_err();
    assert!(matches!(err, PutAvailabilityError::Forbidden));
}

#[tokio::test]
async fn students_may_not_replace_availability_and_nothing_is_read() {
    let mut store = MockStore::new();
    store.users.expect_get().never();
    store.availability.expect_put().never();
    let service = AvailabilityService::new(core(store));
    let err = service.put(&actor(STUDENT_1, Role::Student), &saturdays(TA_1)).await.unwrap_err();
    assert!(matches!(err, PutAvailabilityError::Forbidden));
}

#[tokio::test]
async fn the_target_must_be_a_ta_of_the_organization_before_ownership_is_judged() {
    let mut store = members();
    store.availability.expect_put().never();
    let service = AvailabilityService::new(core(store));
    let cases = [
        (actor(ADMIN, Role::Admin), STUDENT_1),
        (actor(ADMIN, Role::Admin), 999),
        (actor(TA_1, Role::Ta), 999),
        (stranger(Role::Admin), TA_1),
    ];
    for (who, target) in cases {
        let err = service.put(&who, &saturdays(target)).await.unwrap_err();
        assert!(matches!(err, PutAvailabilityError::NotFound), "user {target}");
    }
}

#[test]
fn missing_rows_default_one_per_ta_in_the_order_asked() {
    let tas = [user_id(TA_2), user_id(TA_1)];
    let all = availabilities_or_default(&tas, vec![saturdays(TA_1)], berlin());
    assert_eq!(all, vec![Availability::default_for(user_id(TA_2), berlin()), saturdays(TA_1)]);
    assert_eq!(availability_or_default(user_id(TA_1), Some(saturdays(TA_1)), berlin()), saturdays(TA_1));
    assert_eq!(availability_or_default(user_id(TA_1), None, TimeZoneId::UTC), availability(TA_1));
}
