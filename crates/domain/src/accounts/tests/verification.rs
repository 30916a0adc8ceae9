//! Verifying an address with its link, and asking for a new link.

use super::*;
use crate::shared::{ErrorCode, UseCaseError};

/// The store finds `token` for the link `link`.
fn link_store(m: &mut Mocks, token: Option<OneTimeToken>) {
    m.with_secrets();
    m.store.one_time_tokens.expect_find().withf(|h| *h == hash_of("link")).returning(move |_| Ok(token.clone()));
}

#[tokio::test]
async fn a_verification_link_verifies_the_address_and_is_used_up() {
    let mut m = Mocks::default();
    link_store(&mut m, Some(one_time_token(STUDENT_1, TokenPurpose::EmailVerification)));
    m.store
        .one_time_tokens
        .expect_consume()
        .withf(|t, at| (*t, *at) == (id(700), now()))
        .times(1)
        .returning(|_, _| Ok(true));
    m.store
        .users
        .expect_mark_email_verified()
        .withf(|o, u| (*o, *u) == (org_id(), user_id(STUDENT_1)))
        .times(1)
        .returning(|_, _| Ok(()));
    let (service, store) = m.build();
    service.verify_email(&Secret::new("link"), &ctx()).await.unwrap();
    assert_eq!(store.commits(), 1);
}

#[tokio::test]
async fn unknown_expired_used_and_wrong_purpose_links_are_invalid() {
    let mut expired = one_time_token(STUDENT_1, TokenPurpose::EmailVerification);
    expired.expires_at = now();
    let mut used = one_time_token(STUDENT_1, TokenPurpose::EmailVerification);
    used.used_at = Some(now() - TimeDelta::minutes(1));
    let reset = one_time_token(STUDENT_1, TokenPurpose::PasswordReset);
    for (i, token) in [None, Some(expired), Some(used), Some(reset)].into_iter().enumerate() {
        let mut m = Mocks::default();
        link_store(&mut m, token);
        m.store.one_time_tokens.expect_consume().never();
        m.store.users.expect_mark_email_verified().never();
        let (service, store) = m.build();
        let err = service.verify_email(&Secret::new("link"), &ctx()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidToken, "case {i}");
        assert_eq!(store.begun(), 0, "case {i}");
    }
}

#[tokio::test]
async fn a_link_used_concurrently_is_invalid_and_verifies_nothing() {
    let mut m = Mocks::default();
    link_store(&mut m, Some(one_time_token(STUDENT_1, TokenPurpose::EmailVerification)));
    m.store.one_time_tokens.expect_consume().times(1).returning(|_, _| Ok(false));
    m.store.users.expect_mark_email_verified().never();
    let (service, store) = m.build();
    let err = service.verify_email(&Secret::new("link"), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidToken);
    assert_eq!(store.commits(), 0);
}

fn unverified(n: u128) -> User {
    User { email_verified: false, ..user(n, Role::Student) }
}

/// The caller is `found`, of the `acme` academy; requests are counted per academy, email and IP.
fn resend_store(m: &mut Mocks, found: User) {
    m.store.users.expect_get().returning(move |_, _| Ok(Some(found.clone())));
    m.store.organizations.expect_get().withf(|o| *o == org_id()).returning(|_| Ok(Some(org())));
    m.throttle
        .expect_locked_until()
        .withf(|s, e, ip, _| {
            (*s, e.key().as_str(), *ip)
                == (ThrottleScope::EmailVerification, "acme/user13@example.com", Some(client_ip()))
        })
        .returning(|_, _, _, _| Ok(None));
}

#[tokio::test]
async fn a_resend_counts_the_request_and_mails_a_new_link() {
    let mut m = Mocks::default();
    m.with_secrets();
    resend_store(&mut m, unverified(STUDENT_1));
    m.throttle
        .expect_record_failure()
        .withf(|s, e, ip, at| {
            (*s, e.key().as_str(), *ip, *at)
                == (ThrottleScope::EmailVerification, "acme/user13@example.com", Some(client_ip()), now())
        })
        .times(1)
        .returning(|_, _, _, _| Ok(FailureCounts { consecutive_from_ip: 1, last_hour_all_ips: 1 }));
    m.expect_link(TokenPurpose::EmailVerification, "user13@example.com", "secret-1");
    let (service, store) = m.build();
    service.resend_verification(&caller(STUDENT_1, Role::Student)).await.unwrap();
    assert_eq!(store.commits(), 1);
}

#[tokio::test]
async fn a_verified_user_gets_no_new_link() {
    let mut m = Mocks::default();
    resend_store(&mut m, user(STUDENT_1, Role::Student));
    m.throttle.expect_record_failure().times(1).returning(|_, _, _, _| Ok(FailureCounts::default()));
    m.expect_no_writes();
    let (service, store) = m.build();
    assert!(service.resend_verification(&caller(STUDENT_1, Role::Student)).await.is_ok());
    assert_eq!(store.begun(), 0);
}

#[tokio::test]
async fn the_fifth_resend_locks_further_requests_from_the_ip() {
    let mut m = Mocks::default();
    m.with_secrets();
    resend_store(&mut m, unverified(STUDENT_1));
    m.throttle
        .expect_record_failure()
        .returning(|_, _, _, _| Ok(FailureCounts { consecutive_from_ip: 5, last_hour_all_ips: 5 }));
    m.throttle
        .expect_lock()
        .withf(|s, _, ip, until| {
            (*s, *ip, *until) == (ThrottleScope::EmailVerification, Some(client_ip()), now() + TimeDelta::minutes(15))
        })
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    m.expect_link(TokenPurpose::EmailVerification, "user13@example.com", "secret-1");
    let (service, _) = m.build();
    assert!(service.resend_verification(&caller(STUDENT_1, Role::Student)).await.is_ok());
}

#[tokio::test]
async fn a_locked_resend_is_refused_and_sends_nothing() {
    let mut m = Mocks::default();
    m.store.users.expect_get().returning(|_, _| Ok(Some(unverified(STUDENT_1))));
    m.store.organizations.expect_get().returning(|_| Ok(Some(org())));
    m.throttle.expect_locked_until().returning(|_, _, _, _| Ok(Some(now() + TimeDelta::minutes(10))));
    m.throttle.expect_record_failure().never();
    m.expect_no_writes();
    let (service, _) = m.build();
    let err = service.resend_verification(&caller(STUDENT_1, Role::Student)).await.unwrap_err();
    assert!(matches!(err, ResendVerificationError::AccountLocked(RetryAfter { seconds: 600 })), "{err:?}");
}
