//! Logging in: success, wrong and unknown credentials, timing equality, fail-open throttle.

use super::*;
use crate::audit::AuditAction;
use crate::shared::UseCaseError;
use crate::shared::{BusinessEvent, ErrorCode};
use crate::store::StoreError;

fn login(n: u128, password: &str) -> Login {
    Login { organization_slug: acme(), email: email(n), password: Password::parse(password).unwrap() }
}

/// The user's credentials are looked up and the password verified against `hash`, once.
fn expect_verify(m: &mut Mocks, found: Option<Credentials>, hash: Option<&'static str>, answer: bool) {
    m.store
        .users
        .expect_find_credentials()
        .withf(|slug, _| slug.as_str() == "acme")
        .times(1)
        .returning(move |_, _| Ok(found.clone()));
    m.hasher
        .expect_verify()
        .withf(move |_, h| h.as_ref().map(PasswordHash::as_str) == hash)
        .times(1)
        .returning(move |_, _| Ok(answer));
}

#[tokio::test]
async fn the_right_password_opens_an_audited_session_and_resets_the_failure_count() {
    let mut m = Mocks::default();
    m.with_secrets();
    m.with_signer();
    m.throttle.expect_locked_until().times(1).returning(|_, _, _, _| Ok(None));
    m.throttle
        .expect_reset()
        .withf(|s, e, ip| {
            (*s, e.key().as_str(), *ip) == (ThrottleScope::Login, "acme/user13@example.com", Some(client_ip()))
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    m.throttle.expect_record_failure().never();
    m.store.users.expect_find_credentials().returning(|_, _| Ok(Some(credentials(STUDENT_1, Role::Student))));
    m.hasher
        .expect_verify()
        .withf(|p, h| p.expose() == RIGHT_PASSWORD && h.as_ref().map(PasswordHash::as_str) == Some("phc"))
        .times(1)
        .returning(|_, _| Ok(true));
    let opened = m.expect_session(Some(user_id(STUDENT_1)), "secret-1");
    m.store
        .audit
        .expect_append()
        .withf(|e| {
            (e.action, e.actor_id, e.target_id)
                == (AuditAction::LoginSucceeded, Some(user_id(STUDENT_1)), id(STUDENT_1))
                && e.ip == Some(client_ip())
        })
        .times(1)
        .returning(|_| Ok(()));
    let counted = m.counted.clone();
    let (service, store) = m.build();

    let logged_in = service.login(&login(STUDENT_1, RIGHT_PASSWORD), &ctx()).await.unwrap();

    assert_eq!(store.commits(), 1);
    assert!(counted.events().is_empty(), "a login that succeeds is not a failure");
    assert_eq!(logged_in.user, user(STUDENT_1, Role::Student));
    let session = opened.lock().unwrap().clone().unwrap();
    assert_eq!(logged_in.tokens.access_token.expose(), format!("jwt:{}", session.id));
    assert_eq!(logged_in.tokens.refresh_token.expose(), "secret-1");
}

#[tokio::test]
async fn a_wrong_password_is_counted_audited_and_refused() {
    let mut m = Mocks::default();
    m.throttle.expect_locked_until().returning(|_, _, _, _| Ok(None));
    m.throttle
        .expect_record_failure()
        .withf(|s, e, ip, at| {
            (*s, e.key().as_str(), *ip, *at)
                == (ThrottleScope::Login, "acme/user13@example.com", Some(client_ip()), now())
        })
        .times(1)
        .returning(|_, _, _, _| Ok(FailureCounts { consecutive_from_ip: 1, last_hour_all_ips: 1 }));
    m.throttle.expect_lock().never();
    m.throttle.expect_reset().never();
    expect_verify(&mut m, Some(credentials(STUDENT_1, Role::Student)), Some("phc"), false);
    m.store
        .audit
        .expect_append()
        .withf(|e| (e.action, e.actor_id, e.target_id) == (AuditAction::LoginFailed, None, id(STUDENT_1)))
        .times(1)
        .returning(|_| Ok(()));
    m.expect_no_writes();
    let counted = m.counted.clone();
    let (service, store) = m.build();
    let err = service.login(&login(STUDENT_1, "wrong password"), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCredentials);
    assert_eq!(store.commits(), 0);
    assert_eq!(counted.events(), vec![BusinessEvent::LoginFailed]);
}

#[tokio::test]
async fn an_unknown_email_still_runs_the_hasher_and_is_counted_but_not_audited() {
    let mut m = Mocks::default();
    m.throttle.expect_locked_until().returning(|_, _, _, _| Ok(None));
    m.throttle
        .expect_record_failure()
        .withf(|_, e, _, _| e.key() == "acme/user99@example.com")
        .times(1)
        .returning(|_, _, _, _| Ok(FailureCounts { consecutive_from_ip: 1, last_hour_all_ips: 1 }));
    // Timing equality: the hasher burns the same time against its dummy hash.
    expect_verify(&mut m, None, None, false);
    m.store.audit.expect_append().never();
    m.expect_no_writes();
    let (service, _) = m.build();
    let err = service.login(&login(99, RIGHT_PASSWORD), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn an_unknown_academy_is_answered_and_counted_like_a_wrong_password() {
    let mut m = Mocks::default();
    m.throttle
        .expect_locked_until()
        .withf(|_, e, _, _| e.key() == "nowhere/user13@example.com")
        .returning(|_, _, _, _| Ok(None));
    m.throttle
        .expect_record_failure()
        .withf(|_, e, _, _| e.key() == "nowhere/user13@example.com")
        .times(1)
        .returning(|_, _, _, _| Ok(FailureCounts { consecutive_from_ip: 1, last_hour_all_ips: 1 }));
    // One lookup by slug and email, as for a known academy; then the dummy hash.
    m.store
        .users
        .expect_find_credentials()
        .withf(|slug, e| (slug.as_str(), e.as_str()) == ("nowhere", "user13@example.com"))
        .times(1)
        .returning(|_, _| Ok(None));
    m.hasher.expect_verify().withf(|_, h| h.is_none()).times(1).returning(|_, _| Ok(false));
    m.store.audit.expect_append().never();
    m.expect_no_writes();
    let (service, _) = m.build();
    let cmd = Login { organization_slug: Slug::parse("nowhere").unwrap(), ..login(STUDENT_1, RIGHT_PASSWORD) };
    let err = service.login(&cmd, &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn an_invited_ta_without_a_password_cannot_log_in_whatever_the_hasher_says() {
    let mut m = Mocks::default();
    m.with_quiet_throttle();
    let invited = Credentials { user: user(TA_1, Role::Ta), password_hash: None };
    // Even a hasher that wrongly accepted a missing hash must not let anyone in.
    expect_verify(&mut m, Some(invited), None, true);
    m.store
        .audit
        .expect_append()
        .withf(|e| (e.action, e.target_id) == (AuditAction::LoginFailed, id(TA_1)))
        .times(1)
        .returning(|_| Ok(()));
    m.expect_no_writes();
    let (service, _) = m.build();
    let err = service.login(&login(TA_1, RIGHT_PASSWORD), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn a_locked_email_is_refused_before_any_lookup_with_the_wait_rounded_up() {
    let mut m = Mocks::default();
    let until = now() + TimeDelta::milliseconds(90_500);
    m.throttle
        .expect_locked_until()
        .withf(|s, e, ip, at| {
            (*s, e.key().as_str(), *ip, *at)
                == (ThrottleScope::Login, "acme/user13@example.com", Some(client_ip()), now())
        })
        .times(1)
        .returning(move |_, _, _, _| Ok(Some(until)));
    m.store.users.expect_find_credentials().never();
    m.hasher.expect_verify().never();
    m.throttle.expect_record_failure().never();
    m.expect_no_writes();
    let counted = m.counted.clone();
    let (service, _) = m.build();
    let err = service.login(&login(STUDENT_1, RIGHT_PASSWORD), &ctx()).await.unwrap_err();
    assert!(matches!(err, LoginError::AccountLocked(RetryAfter { seconds: 91 })), "{err:?}");
    assert_eq!(counted.events(), vec![BusinessEvent::LoginLocked]);
    assert_eq!(err.code(), ErrorCode::AccountLocked);
}

#[tokio::test]
async fn with_the_throttle_store_down_logins_still_work() {
    let mut m = Mocks::default();
    m.with_secrets();
    m.with_signer();
    let down = || StoreError::Unavailable(anyhow::anyhow!("redis: connection refused"));
    m.throttle.expect_locked_until().times(1).returning(move |_, _, _, _| Err(down()));
    m.throttle.expect_reset().times(1).returning(move |_, _, _| Err(down()));
    expect_verify(&mut m, Some(credentials(STUDENT_1, Role::Student)), Some("phc"), true);
    m.expect_session(Some(user_id(STUDENT_1)), "secret-1");
    m.store.audit.expect_append().times(1).returning(|_| Ok(()));
    let (service, store) = m.build();
    assert!(service.login(&login(STUDENT_1, RIGHT_PASSWORD), &ctx()).await.is_ok());
    assert_eq!(store.commits(), 1);
}

#[tokio::test]
async fn with_the_throttle_store_down_a_wrong_password_is_still_refused() {
    let mut m = Mocks::default();
    m.throttle.expect_locked_until().returning(|_, _, _, _| Ok(None));
    m.throttle
        .expect_record_failure()
        .times(1)
        .returning(|_, _, _, _| Err(StoreError::Unavailable(anyhow::anyhow!("timeout"))));
    m.throttle.expect_lock().never();
    expect_verify(&mut m, Some(credentials(STUDENT_1, Role::Student)), Some("phc"), false);
    m.store.audit.expect_append().withf(|e| e.action == AuditAction::LoginFailed).times(1).returning(|_| Ok(()));
    let (service, _) = m.build();
    let err = service.login(&login(STUDENT_1, "wrong password"), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidCredentials);
}

#[test]
fn retry_after_rounds_up_to_whole_seconds_and_is_never_zero() {
    assert_eq!(RetryAfter::between(now(), now() + TimeDelta::minutes(15)).seconds, 900);
    assert_eq!(RetryAfter::between(now(), now() + TimeDelta::milliseconds(1)).seconds, 1);
    assert_eq!(RetryAfter::between(now(), now() + TimeDelta::milliseconds(1_001)).seconds, 2);
    assert_eq!(RetryAfter::between(now(), now()).seconds, 1);
}
