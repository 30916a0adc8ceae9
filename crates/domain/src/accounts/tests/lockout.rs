//! The lockout policy as logins see it: five failures from one IP, a hundred from any.

use chrono::{DateTime, Utc};

use super::*;
use crate::audit::AuditAction;

fn login(password: &str) -> Login {
    Login { organization_slug: acme(), email: email(STUDENT_1), password: Password::parse(password).unwrap() }
}

#[tokio::test]
async fn five_failures_lock_the_ip_and_the_sixth_attempt_is_refused_even_with_the_right_password() {
    let mut m = Mocks::default();
    // A throttle with memory: failures count up, and the lock set is read back.
    let lock = Arc::new(Mutex::new(None::<DateTime<Utc>>));
    let read = lock.clone();
    m.throttle
        .expect_locked_until()
        .withf(|s, e, ip, _| {
            (*s, e.key().as_str(), *ip) == (ThrottleScope::Login, "acme/user13@example.com", Some(client_ip()))
        })
        .times(6)
        .returning(move |_, _, _, _| Ok(*read.lock().unwrap()));
    let failures = Arc::new(AtomicU32::new(0));
    m.throttle.expect_record_failure().times(5).returning(move |_, _, _, _| {
        let n = failures.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(FailureCounts { consecutive_from_ip: n, last_hour_all_ips: n })
    });
    let set = lock.clone();
    m.throttle
        .expect_lock()
        .withf(|s, e, ip, until| {
            (*s, e.key().as_str(), *ip, *until)
                == (ThrottleScope::Login, "acme/user13@example.com", Some(client_ip()), now() + TimeDelta::minutes(15))
        })
        .times(1)
        .returning(move |_, _, _, until| {
            *set.lock().unwrap() = Some(until);
            Ok(())
        });
    m.store.users.expect_find_credentials().times(5).returning(|_, _| Ok(Some(credentials(STUDENT_1, Role::Student))));
    m.hasher.expect_verify().times(5).returning(|_, _| Ok(false));
    m.store.audit.expect_append().withf(|e| e.action == AuditAction::LoginFailed).times(5).returning(|_| Ok(()));
    m.store
        .audit
        .expect_append()
        .withf(|e| (e.action, e.detail.as_deref(), e.actor_id) == (AuditAction::AccountLocked, Some("scope=ip"), None))
        .times(1)
        .returning(|_| Ok(()));
    m.throttle.expect_reset().never();
    m.expect_no_writes();
    let (service, _) = m.build();

    for attempt in 1..=5 {
        let err = service.login(&login("wrong password"), &ctx()).await.unwrap_err();
        assert!(matches!(err, LoginError::InvalidCredentials), "attempt {attempt}: {err:?}");
    }
    let err = service.login(&login(RIGHT_PASSWORD), &ctx()).await.unwrap_err();
    assert!(matches!(err, LoginError::AccountLocked(RetryAfter { seconds: 900 })), "{err:?}");
}

#[tokio::test]
async fn a_hundred_failures_in_an_hour_from_any_ips_lock_the_email_for_everyone() {
    let mut m = Mocks::default();
    m.throttle.expect_locked_until().returning(|_, _, _, _| Ok(None));
    m.throttle
        .expect_record_failure()
        .returning(|_, _, _, _| Ok(FailureCounts { consecutive_from_ip: 1, last_hour_all_ips: 100 }));
    m.throttle
        .expect_lock()
        .withf(|s, _, ip, until| (*s, *ip, *until) == (ThrottleScope::Login, None, now() + TimeDelta::minutes(15)))
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    m.store.users.expect_find_credentials().returning(|_, _| Ok(Some(credentials(STUDENT_1, Role::Student))));
    m.hasher.expect_verify().returning(|_, _| Ok(false));
    m.store.audit.expect_append().withf(|e| e.action == AuditAction::LoginFailed).times(1).returning(|_| Ok(()));
    m.store
        .audit
        .expect_append()
        .withf(|e| (e.action, e.detail.as_deref()) == (AuditAction::AccountLocked, Some("scope=all_ips")))
        .times(1)
        .returning(|_| Ok(()));
    let (service, _) = m.build();
    let err = service.login(&login("wrong password"), &ctx()).await.unwrap_err();
    assert!(matches!(err, LoginError::InvalidCredentials), "{err:?}");
}

#[tokio::test]
async fn failures_for_an_unknown_email_lock_it_the_same_way_without_an_audit_event() {
    let mut m = Mocks::default();
    m.throttle.expect_locked_until().returning(|_, _, _, _| Ok(None));
    m.throttle
        .expect_record_failure()
        .returning(|_, _, _, _| Ok(FailureCounts { consecutive_from_ip: 5, last_hour_all_ips: 5 }));
    m.throttle
        .expect_lock()
        .withf(|_, e, ip, _| (e.key().as_str(), *ip) == ("acme/user13@example.com", Some(client_ip())))
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    m.store.users.expect_find_credentials().returning(|_, _| Ok(None));
    m.hasher.expect_verify().withf(|_, h| h.is_none()).times(1).returning(|_, _| Ok(false));
    m.store.audit.expect_append().never();
    let (service, _) = m.build();
    let err = service.login(&login("wrong password"), &ctx()).await.unwrap_err();
    assert!(matches!(err, LoginError::InvalidCredentials), "{err:?}");
}
