//! Authenticating access tokens (failing closed), and warming the revocation list at start-up.

use super::*;
use crate::shared::{Actor, ErrorCode, UseCaseError};
use crate::store::StoreError;

const SESSION: u128 = 500;

fn claims() -> AccessClaims {
    AccessClaims {
        user_id: user_id(TA_1),
        organization_id: org_id(),
        role: Role::Ta,
        session_id: id(SESSION),
        issued_at: now(),
        not_before: now(),
        expires_at: now() + TimeDelta::minutes(15),
    }
}

#[tokio::test]
async fn a_valid_access_token_of_a_live_session_authenticates_its_user() {
    let mut m = Mocks::default();
    m.signer.expect_verify().withf(|t| t == "jwt").returning(|_| Ok(claims()));
    m.revocations.expect_is_revoked().withf(|s| *s == id(SESSION)).times(1).returning(|_| Ok(false));
    let (service, _) = m.build();
    let actor = service.authenticate("jwt", ctx()).await.unwrap();
    assert_eq!(actor, Actor::new(user_id(TA_1), org_id(), Role::Ta, id(SESSION)).with_context(ctx()));
}

#[tokio::test]
async fn bad_tokens_and_revoked_sessions_are_unauthenticated() {
    let mut m = Mocks::default();
    m.signer.expect_verify().withf(|t| t == "forged").returning(|_| Err(InvalidAccessToken));
    m.signer.expect_verify().returning(|_| Ok(claims()));
    m.revocations.expect_is_revoked().times(1).returning(|_| Ok(true));
    let (service, _) = m.build();
    for token in ["forged", "jwt-of-a-revoked-session"] {
        let err = service.authenticate(token, ctx()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Unauthenticated, "{token}");
    }
}

fn revocation_list_down(m: &mut Mocks) {
    m.signer.expect_verify().returning(|_| Ok(claims()));
    m.revocations.expect_is_revoked().returning(|_| Err(StoreError::Unavailable(anyhow::anyhow!("refused"))));
}

#[tokio::test]
async fn with_the_revocation_list_down_a_live_session_is_checked_in_the_database() {
    let mut m = Mocks::default();
    revocation_list_down(&mut m);
    m.store
        .auth_sessions
        .expect_get()
        .withf(|s| *s == id(SESSION))
        .times(1)
        .returning(|_| Ok(Some(session(SESSION, TA_1))));
    let (service, _) = m.build();
    let actor = service.authenticate("jwt", ctx()).await.unwrap();
    assert_eq!(actor.user_id, user_id(TA_1));
}

#[tokio::test]
async fn with_the_revocation_list_down_a_revoked_or_unknown_session_is_still_refused() {
    for stored in [Some(AuthSession { revoked_at: Some(now()), ..session(SESSION, TA_1) }), None] {
        let mut m = Mocks::default();
        revocation_list_down(&mut m);
        m.store.auth_sessions.expect_get().times(1).returning(move |_| Ok(stored.clone()));
        let (service, _) = m.build();
        let err = service.authenticate("jwt", ctx()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Unauthenticated);
    }
}

#[tokio::test]
async fn with_the_revocation_list_and_the_database_down_authentication_fails_closed() {
    let mut m = Mocks::default();
    revocation_list_down(&mut m);
    m.store.auth_sessions.expect_get().returning(|_| Err(StoreError::Unavailable(anyhow::anyhow!("refused"))));
    let (service, _) = m.build();
    let err = service.authenticate("jwt", ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ServiceUnavailable);
}

#[tokio::test]
async fn the_store_s_recent_revocations_are_read_from_the_sessions() {
    let mut m = Mocks::default();
    let since = now() - TimeDelta::seconds(30);
    m.store.auth_sessions.expect_revoked_since().withf(move |s| *s == since).returning(|_| Ok(vec![id(501), id(502)]));
    m.revocations.expect_revoke().never();
    let (service, _) = m.build();
    assert_eq!(service.revoked_since(since).await.unwrap(), vec![id(501), id(502)]);
    assert_eq!(service.access_token_lifetime(), TimeDelta::minutes(15));
}

#[tokio::test]
async fn the_token_subject_needs_a_valid_signature_but_no_revocation_lookup() {
    let mut m = Mocks::default();
    m.signer.expect_verify().withf(|t| t == "forged").returning(|_| Err(InvalidAccessToken));
    m.signer.expect_verify().returning(|_| Ok(claims()));
    m.revocations.expect_is_revoked().never();
    let (service, _) = m.build();
    assert_eq!(service.token_subject("jwt"), Some(user_id(TA_1)));
    assert_eq!(service.token_subject("forged"), None);
}

#[tokio::test]
async fn a_token_verified_once_is_authenticated_by_its_revocation_check_alone() {
    let mut m = Mocks::default();
    m.signer.expect_verify().withf(|t| t == "jwt").times(1).returning(|_| Ok(claims()));
    m.signer.expect_verify().withf(|t| t == "forged").times(1).returning(|_| Err(InvalidAccessToken));
    let mut revoked = mockall::Sequence::new();
    m.revocations.expect_is_revoked().times(1).in_sequence(&mut revoked).returning(|_| Ok(false));
    m.revocations.expect_is_revoked().times(1).in_sequence(&mut revoked).returning(|_| Ok(true));
    let (service, _) = m.build();
    assert_eq!(service.verify_access_token("forged"), None);
    let token = service.verify_access_token("jwt").unwrap();
    assert_eq!((token.user_id(), token.claims()), (user_id(TA_1), &claims()));
    let actor = service.authenticate_verified(&token, ctx()).await.unwrap();
    assert_eq!(actor.user_id, user_id(TA_1));
    // Revoked since: the same verified token is refused.
    let err = service.authenticate_verified(&token, ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Unauthenticated);
}
