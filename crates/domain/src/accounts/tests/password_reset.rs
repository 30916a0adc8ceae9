//! Asking for a reset link, and setting a new password with a reset or invitation link.

use super::*;
use crate::audit::{AuditAction, TargetType};
use crate::shared::{ErrorCode, UseCaseError};
use crate::store::StoreError;

/// A reset asked for `email` at the academy `slug`.
fn reset_request(slug: &str, email: &str) -> RequestPasswordReset {
    RequestPasswordReset { organization_slug: Slug::parse(slug).unwrap(), email: Email::parse(email).unwrap() }
}

#[tokio::test]
async fn a_reset_request_does_the_same_work_whether_or_not_the_address_has_an_account() {
    // A user's address, an address unknown at the academy, an academy that does not exist: the
    // request path checks and counts the subject and queues the request, and nothing else. The
    // store has no expectation on users, so any user lookup would fail the test.
    for (slug, address) in
        [("acme", "user13@example.com"), ("acme", "nobody@example.com"), ("nowhere", "user13@example.com")]
    {
        let key = format!("{slug}/{address}");
        let mut m = Mocks::default();
        let k = key.clone();
        m.throttle
            .expect_locked_until()
            .withf(move |s, e, ip, _| {
                (*s, e.key(), *ip) == (ThrottleScope::PasswordReset, k.clone(), Some(client_ip()))
            })
            .times(1)
            .returning(|_, _, _, _| Ok(None));
        m.throttle
            .expect_record_failure()
            .withf(move |s, e, _, at| (*s, e.key(), *at) == (ThrottleScope::PasswordReset, key.clone(), now()))
            .times(1)
            .returning(|_, _, _, _| Ok(FailureCounts { consecutive_from_ip: 1, last_hour_all_ips: 1 }));
        m.store
            .one_time_tokens
            .expect_queue_reset_request()
            .withf(move |r| (r.organization_slug.as_str(), r.email.as_str(), r.requested_at) == (slug, address, now()))
            .times(1)
            .returning(|_| Ok(()));
        m.store.one_time_tokens.expect_insert().never();
        m.store.outbox.expect_enqueue().never();
        let (service, store) = m.build();
        service.request_password_reset(&reset_request(slug, address), &ctx()).await.unwrap();
        assert_eq!(store.begun(), 0, "{slug}/{address}: no transaction on the request path");
    }
}

#[tokio::test]
async fn a_locked_address_queues_no_reset_request() {
    let mut m = Mocks::default();
    m.throttle.expect_locked_until().returning(|_, _, _, _| Ok(Some(now() + TimeDelta::seconds(30))));
    m.throttle.expect_record_failure().never();
    m.expect_no_writes();
    let (service, _) = m.build();
    let err = service.request_password_reset(&reset_request("acme", "user13@example.com"), &ctx()).await.unwrap_err();
    assert!(matches!(err, PasswordResetRequestError::AccountLocked(RetryAfter { seconds: 30 })), "{err:?}");
}

/// The link `link` is `token`; the new password hashes to `new-phc`.
fn confirm_store(m: &mut Mocks, token: Option<OneTimeToken>) {
    m.with_secrets();
    m.store.one_time_tokens.expect_find().withf(|h| *h == hash_of("link")).returning(move |_| Ok(token.clone()));
}

/// Everything a successful confirmation writes for `owner`, whose sessions 501 and 502 end.
fn expect_reset_writes(m: &mut Mocks, owner: u128, via: &'static str) {
    m.hasher
        .expect_hash()
        .withf(|p| p.expose() == RIGHT_PASSWORD)
        .times(1)
        .returning(|_| Ok(PasswordHash::new("new-phc")));
    m.store.one_time_tokens.expect_consume().withf(|t, _| *t == id(700)).times(1).returning(|_, _| Ok(true));
    m.store
        .users
        .expect_set_password()
        .withf(move |o, u, h| (*o, *u, h.as_str()) == (org_id(), user_id(owner), "new-phc"))
        .times(1)
        .returning(|_, _, _| Ok(()));
    m.store
        .users
        .expect_mark_email_verified()
        .withf(move |_, u| *u == user_id(owner))
        .times(1)
        .returning(|_, _| Ok(()));
    m.store
        .auth_sessions
        .expect_revoke_all()
        .withf(move |o, u, at| (*o, *u, *at) == (org_id(), user_id(owner), now()))
        .times(1)
        .returning(|_, _, _| Ok(vec![id(501), id(502)]));
    m.store
        .one_time_tokens
        .expect_consume_all()
        .withf(move |_, u, purposes, _| {
            *u == user_id(owner)
                && purposes.contains(&TokenPurpose::PasswordReset)
                && purposes.contains(&TokenPurpose::TaInvitation)
        })
        .times(1)
        .returning(|_, _, _, _| Ok(()));
    m.store
        .audit
        .expect_append()
        .withf(move |e| {
            (e.action, e.actor_id, e.target_id) == (AuditAction::PasswordReset, Some(user_id(owner)), id(owner))
                && e.detail.as_deref() == Some(via)
        })
        .times(1)
        .returning(|_| Ok(()));
    // Each session the reset ends is audited too, in the same transaction.
    m.store
        .audit
        .expect_append()
        .withf(move |e| {
            (e.action, e.actor_id, e.target_type)
                == (AuditAction::SessionRevoked, Some(user_id(owner)), TargetType::Session)
                && [id(501), id(502)].contains(&e.target_id)
                && e.detail.as_deref() == Some("reason=password_reset")
        })
        .times(2)
        .returning(|_| Ok(()));
}

#[tokio::test]
async fn a_reset_sets_the_password_ends_every_session_and_uses_up_every_link() {
    let mut m = Mocks::default();
    confirm_store(&mut m, Some(one_time_token(STUDENT_1, TokenPurpose::PasswordReset)));
    expect_reset_writes(&mut m, STUDENT_1, "via=password_reset");
    m.revocations
        .expect_revoke()
        .withf(|s, until| [id(501), id(502)].contains(s) && *until == now() + TimeDelta::minutes(15))
        .times(2)
        .returning(|_, _| Ok(()));
    let (service, store) = m.build();
    service.confirm_password_reset(&Secret::new("link"), &new_password(), &ctx()).await.unwrap();
    assert_eq!(store.commits(), 1);
}

#[tokio::test]
async fn an_invitation_link_sets_a_tas_first_password() {
    let mut m = Mocks::default();
    confirm_store(&mut m, Some(one_time_token(TA_1, TokenPurpose::TaInvitation)));
    expect_reset_writes(&mut m, TA_1, "via=ta_invitation");
    m.revocations.expect_revoke().times(2).returning(|_, _| Ok(()));
    let (service, _) = m.build();
    assert!(service.confirm_password_reset(&Secret::new("link"), &new_password(), &ctx()).await.is_ok());
}

#[tokio::test]
async fn a_committed_reset_succeeds_even_if_the_revocation_list_is_down() {
    let mut m = Mocks::default();
    confirm_store(&mut m, Some(one_time_token(STUDENT_1, TokenPurpose::PasswordReset)));
    expect_reset_writes(&mut m, STUDENT_1, "via=password_reset");
    // Both sessions are tried even though the first push fails.
    m.revocations.expect_revoke().times(2).returning(|_, _| Err(StoreError::Unavailable(anyhow::anyhow!("down"))));
    let (service, _) = m.build();
    assert!(service.confirm_password_reset(&Secret::new("link"), &new_password(), &ctx()).await.is_ok());
}

#[tokio::test]
async fn unknown_expired_used_and_verification_links_cannot_reset_and_cost_no_hash() {
    let mut expired = one_time_token(STUDENT_1, TokenPurpose::PasswordReset);
    expired.expires_at = now() - TimeDelta::seconds(1);
    let mut used = one_time_token(STUDENT_1, TokenPurpose::PasswordReset);
    used.used_at = Some(now() - TimeDelta::minutes(1));
    let verification = one_time_token(STUDENT_1, TokenPurpose::EmailVerification);
    for (i, token) in [None, Some(expired), Some(used), Some(verification)].into_iter().enumerate() {
        let mut m = Mocks::default();
        confirm_store(&mut m, token);
        m.hasher.expect_hash().never();
        m.store.users.expect_set_password().never();
        m.store.auth_sessions.expect_revoke_all().never();
        m.revocations.expect_revoke().never();
        let (service, store) = m.build();
        let err = service.confirm_password_reset(&Secret::new("link"), &new_password(), &ctx()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidToken, "case {i}");
        assert_eq!(store.begun(), 0, "case {i}");
    }
}

#[tokio::test]
async fn a_link_used_concurrently_changes_nothing() {
    let mut m = Mocks::default();
    confirm_store(&mut m, Some(one_time_token(STUDENT_1, TokenPurpose::PasswordReset)));
    m.hasher.expect_hash().returning(|_| Ok(PasswordHash::new("new-phc")));
    m.store.one_time_tokens.expect_consume().times(1).returning(|_, _| Ok(false));
    m.store.users.expect_set_password().never();
    m.store.auth_sessions.expect_revoke_all().never();
    m.store.audit.expect_append().never();
    m.revocations.expect_revoke().never();
    let (service, store) = m.build();
    let err = service.confirm_password_reset(&Secret::new("link"), &new_password(), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidToken);
    assert_eq!(store.commits(), 0);
}
