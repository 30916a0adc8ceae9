//! Listing and revoking one's own sessions, and `GET /me`.

use super::*;
use crate::audit::AuditAction;
use crate::shared::{ErrorCode, OrganizationId, UseCaseError};

#[tokio::test]
async fn sessions_are_listed_with_the_current_one_marked() {
    let mut m = Mocks::default();
    let current = 1000 + STUDENT_1;
    m.store
        .auth_sessions
        .expect_list_active()
        .withf(|o, u| (*o, *u) == (org_id(), user_id(STUDENT_1)))
        .returning(move |_, _| Ok(vec![session(current, STUDENT_1), session(501, STUDENT_1)]));
    let (service, _) = m.build();
    let listed = service.list_sessions(&caller(STUDENT_1, Role::Student)).await.unwrap();
    let marks: Vec<(SessionId, bool)> = listed.iter().map(|i| (i.session.id, i.current)).collect();
    assert_eq!(marks, vec![(id(current), true), (id(501), false)]);
}

#[tokio::test]
async fn revoking_an_own_session_is_audited_and_refuses_its_access_tokens() {
    let mut m = Mocks::default();
    m.store.auth_sessions.expect_get().returning(|s| Ok(Some(session(s.as_uuid().as_u128(), STUDENT_1))));
    m.store
        .auth_sessions
        .expect_revoke()
        .withf(|s, at| (*s, *at) == (id(501), now()))
        .times(1)
        .returning(|_, _| Ok(true));
    m.store
        .audit
        .expect_append()
        .withf(|e| {
            (e.action, e.actor_id, e.target_id) == (AuditAction::SessionRevoked, Some(user_id(STUDENT_1)), id(501))
                && e.detail.as_deref() == Some("reason=revoked_by_user")
        })
        .times(1)
        .returning(|_| Ok(()));
    m.revocations
        .expect_revoke()
        .withf(|s, until| (*s, *until) == (id(501), now() + TimeDelta::minutes(15)))
        .times(1)
        .returning(|_, _| Ok(()));
    let (service, store) = m.build();
    service.revoke_session(&caller(STUDENT_1, Role::Student), id(501)).await.unwrap();
    assert_eq!(store.commits(), 1);
}

#[tokio::test]
async fn another_users_another_organizations_and_unknown_sessions_are_not_found() {
    let mut foreign = session(503, STUDENT_1);
    foreign.organization_id = id::<OrganizationId>(OTHER_ORG);
    for found in [Some(session(502, STUDENT_2)), Some(foreign), None] {
        let mut m = Mocks::default();
        m.store.auth_sessions.expect_get().returning(move |_| Ok(found.clone()));
        m.store.auth_sessions.expect_revoke().never();
        m.revocations.expect_revoke().never();
        let (service, _) = m.build();
        let err = service.revoke_session(&caller(STUDENT_1, Role::Student), id(502)).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotFound);
    }
}

#[tokio::test]
async fn revoking_an_already_revoked_session_is_fine_and_not_audited_again() {
    let mut m = Mocks::default();
    m.store.auth_sessions.expect_get().returning(|_| Ok(Some(session(501, STUDENT_1))));
    m.store.auth_sessions.expect_revoke().times(1).returning(|_, _| Ok(false));
    m.store.audit.expect_append().never();
    m.revocations.expect_revoke().times(1).returning(|_, _| Ok(()));
    let (service, _) = m.build();
    assert!(service.revoke_session(&caller(STUDENT_1, Role::Student), id(501)).await.is_ok());
}

#[tokio::test]
async fn a_committed_revocation_succeeds_even_when_the_revocation_list_is_unreachable() {
    let mut m = Mocks::default();
    m.store.auth_sessions.expect_get().returning(|_| Ok(Some(session(501, STUDENT_1))));
    m.store.auth_sessions.expect_revoke().returning(|_, _| Ok(true));
    m.store.audit.expect_append().returning(|_| Ok(()));
    m.revocations
        .expect_revoke()
        .returning(|_, _| Err(crate::store::StoreError::Unavailable(anyhow::anyhow!("refused"))));
    let (service, store) = m.build();
    assert!(service.revoke_session(&caller(STUDENT_1, Role::Student), id(501)).await.is_ok());
    assert_eq!(store.commits(), 1, "the revocation is committed in the store, its truth");
}

#[tokio::test]
async fn me_is_the_callers_own_account() {
    let mut m = Mocks::default();
    m.store
        .users
        .expect_get()
        .withf(|o, u| (*o, *u) == (org_id(), user_id(TA_1)))
        .returning(|_, _| Ok(Some(user(TA_1, Role::Ta))));
    let (service, _) = m.build();
    assert_eq!(service.me(&caller(TA_1, Role::Ta)).await.unwrap(), user(TA_1, Role::Ta));
}

#[tokio::test]
async fn me_of_a_missing_user_is_not_found() {
    let mut m = Mocks::default();
    m.store.users.expect_get().returning(|_, _| Ok(None));
    let (service, _) = m.build();
    assert_eq!(service.me(&caller(TA_1, Role::Ta)).await.unwrap_err().code(), ErrorCode::NotFound);
}
