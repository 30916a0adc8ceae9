//! Refresh-token rotation and reuse, and logout.

use super::*;
use crate::audit::AuditAction;
use crate::shared::{ErrorCode, UseCaseError};
use crate::store::StoreError;

const SESSION: u128 = 500;

/// Session 500 of student 1, whose refresh token `rt-old` (token 600) is `token`.
fn refresh_store(m: &mut Mocks, token: RefreshToken, session: AuthSession) {
    m.store
        .auth_sessions
        .expect_find_refresh_token()
        .withf(|h| *h == hash_of("rt-old"))
        .returning(move |_| Ok(Some(token.clone())));
    m.store.auth_sessions.expect_get().withf(|s| *s == id(SESSION)).returning(move |_| Ok(Some(session.clone())));
}

/// The session is revoked once with an anonymous audit event giving `reason`, and pushed to the
/// revocation list for one access-token lifetime.
fn expect_revocation(m: &mut Mocks, actor: Option<UserId>, reason: &'static str) {
    m.store
        .auth_sessions
        .expect_revoke()
        .withf(|s, at| (*s, *at) == (id(SESSION), now()))
        .times(1)
        .returning(|_, _| Ok(true));
    m.store
        .audit
        .expect_append()
        .withf(move |e| {
            (e.action, e.target_id, e.actor_id) == (AuditAction::SessionRevoked, id(SESSION), actor)
                && e.detail.as_deref() == Some(reason)
        })
        .times(1)
        .returning(|_| Ok(()));
    m.revocations
        .expect_revoke()
        .withf(|s, until| (*s, *until) == (id(SESSION), now() + TimeDelta::minutes(15)))
        .times(1)
        .returning(|_, _| Ok(()));
}

#[tokio::test]
async fn a_refresh_rotates_the_token_and_issues_a_new_pair() {
    let mut m = Mocks::default();
    m.with_secrets();
    m.with_signer();
    refresh_store(&mut m, refresh_token(600, SESSION, "rt-old"), session(SESSION, STUDENT_1));
    m.store.users.expect_get().returning(|_, u| Ok(Some(user(u.as_uuid().as_u128(), Role::Student))));
    m.store
        .auth_sessions
        .expect_mark_rotated()
        .withf(|t, at| (*t, *at) == (id(600), now()))
        .times(1)
        .returning(|_, _| Ok(true));
    m.store
        .auth_sessions
        .expect_insert_refresh_token()
        .withf(|t| {
            (t.session_id, t.token_hash.clone(), t.rotated_at) == (id(SESSION), hash_of("secret-1"), None)
                && t.expires_at == now() + TimeDelta::days(30)
        })
        .times(1)
        .returning(|_| Ok(()));
    m.store
        .auth_sessions
        .expect_touch()
        .withf(|s, at| (*s, *at) == (id(SESSION), now()))
        .times(1)
        .returning(|_, _| Ok(()));
    m.store.auth_sessions.expect_revoke().never();
    m.revocations.expect_revoke().never();
    let (service, store) = m.build();

    let renewed = service.refresh(&Secret::new("rt-old"), &ctx()).await.unwrap();

    assert_eq!(store.commits(), 1);
    assert_eq!(renewed.user.id, user_id(STUDENT_1));
    assert_eq!(renewed.tokens.refresh_token.expose(), "secret-1");
    assert_eq!(renewed.tokens.access_token.expose(), format!("jwt:{}", id::<SessionId>(SESSION)));
}

#[tokio::test]
async fn unknown_expired_and_revoked_session_tokens_are_invalid() {
    let mut expired = refresh_token(600, SESSION, "rt-old");
    expired.expires_at = now();
    let mut revoked = session(SESSION, STUDENT_1);
    revoked.revoked_at = Some(now() - TimeDelta::minutes(1));
    let cases = [
        (None, session(SESSION, STUDENT_1)),
        (Some(expired), session(SESSION, STUDENT_1)),
        (Some(refresh_token(600, SESSION, "rt-old")), revoked),
    ];
    for (i, (token, session)) in cases.into_iter().enumerate() {
        let mut m = Mocks::default();
        m.with_secrets();
        m.store.auth_sessions.expect_find_refresh_token().returning(move |_| Ok(token.clone()));
        m.store.auth_sessions.expect_get().returning(move |_| Ok(Some(session.clone())));
        m.store.auth_sessions.expect_mark_rotated().never();
        m.store.auth_sessions.expect_revoke().never();
        m.revocations.expect_revoke().never();
        let (service, _) = m.build();
        let err = service.refresh(&Secret::new("rt-old"), &ctx()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidRefreshToken, "case {i}");
    }
}

#[tokio::test]
async fn replaying_a_rotated_token_revokes_the_whole_session_at_once() {
    let mut m = Mocks::default();
    m.with_secrets();
    let mut rotated = refresh_token(600, SESSION, "rt-old");
    rotated.rotated_at = Some(now() - TimeDelta::minutes(5));
    refresh_store(&mut m, rotated, session(SESSION, STUDENT_1));
    expect_revocation(&mut m, None, "reason=refresh_token_reused");
    m.store.auth_sessions.expect_mark_rotated().never();
    m.store.auth_sessions.expect_insert_refresh_token().never();
    m.signer.expect_sign().never();
    let (service, store) = m.build();
    let err = service.refresh(&Secret::new("rt-old"), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RefreshTokenReused);
    assert_eq!(store.commits(), 1);
}

#[tokio::test]
async fn losing_a_concurrent_rotation_is_treated_as_reuse() {
    let mut m = Mocks::default();
    m.with_secrets();
    refresh_store(&mut m, refresh_token(600, SESSION, "rt-old"), session(SESSION, STUDENT_1));
    m.store.users.expect_get().returning(|_, _| Ok(Some(user(STUDENT_1, Role::Student))));
    m.store.auth_sessions.expect_mark_rotated().times(1).returning(|_, _| Ok(false));
    m.store.auth_sessions.expect_insert_refresh_token().never();
    m.store.auth_sessions.expect_touch().never();
    expect_revocation(&mut m, None, "reason=refresh_token_reused");
    m.signer.expect_sign().never();
    let (service, store) = m.build();
    let err = service.refresh(&Secret::new("rt-old"), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RefreshTokenReused);
    // The losing rotation is rolled back; only the revocation commits.
    assert_eq!((store.begun(), store.commits()), (2, 1));
}

#[tokio::test]
async fn reuse_is_reported_even_when_the_revocation_list_is_down() {
    let mut m = Mocks::default();
    m.with_secrets();
    let mut rotated = refresh_token(600, SESSION, "rt-old");
    rotated.rotated_at = Some(now() - TimeDelta::minutes(5));
    refresh_store(&mut m, rotated, session(SESSION, STUDENT_1));
    m.store.auth_sessions.expect_revoke().times(1).returning(|_, _| Ok(true));
    m.store.audit.expect_append().times(1).returning(|_| Ok(()));
    m.revocations.expect_revoke().times(1).returning(|_, _| Err(StoreError::Unavailable(anyhow::anyhow!("down"))));
    let (service, store) = m.build();
    let err = service.refresh(&Secret::new("rt-old"), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RefreshTokenReused);
    assert_eq!(store.commits(), 1);
}

#[tokio::test]
async fn logging_out_revokes_the_session_and_refuses_its_access_tokens() {
    let mut m = Mocks::default();
    m.with_secrets();
    refresh_store(&mut m, refresh_token(600, SESSION, "rt-old"), session(SESSION, STUDENT_1));
    expect_revocation(&mut m, Some(user_id(STUDENT_1)), "reason=logout");
    let (service, store) = m.build();
    service.logout(&caller(STUDENT_1, Role::Student), &Secret::new("rt-old")).await.unwrap();
    assert_eq!(store.commits(), 1);
}

#[tokio::test]
async fn logging_out_twice_is_fine_and_records_one_event() {
    let mut m = Mocks::default();
    m.with_secrets();
    let mut ended = session(SESSION, STUDENT_1);
    ended.revoked_at = Some(now() - TimeDelta::minutes(1));
    refresh_store(&mut m, refresh_token(600, SESSION, "rt-old"), ended);
    m.store.auth_sessions.expect_revoke().times(1).returning(|_, _| Ok(false));
    m.store.audit.expect_append().never();
    // Pushed again, so that a logout retried after a failed push completes it.
    m.revocations.expect_revoke().times(1).returning(|_, _| Ok(()));
    let (service, _) = m.build();
    assert!(service.logout(&caller(STUDENT_1, Role::Student), &Secret::new("rt-old")).await.is_ok());
}

#[tokio::test]
async fn logging_out_with_someone_elses_or_an_unknown_token_is_invalid() {
    for token in [Some(refresh_token(600, SESSION, "rt-old")), None] {
        let mut m = Mocks::default();
        m.with_secrets();
        m.store.auth_sessions.expect_find_refresh_token().returning(move |_| Ok(token.clone()));
        m.store.auth_sessions.expect_get().returning(|_| Ok(Some(session(SESSION, STUDENT_2))));
        m.store.auth_sessions.expect_revoke().never();
        m.revocations.expect_revoke().never();
        let (service, _) = m.build();
        let err = service.logout(&caller(STUDENT_1, Role::Student), &Secret::new("rt-old")).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidRefreshToken);
    }
}
