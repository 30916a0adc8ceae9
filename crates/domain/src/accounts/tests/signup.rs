//! Sign-up of an academy and registration of a student.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::*;
use crate::shared::{Currency, ErrorCode, PersonName, TimeZoneId, UseCaseError};
use crate::store::{Conflict, StoreError};
use crate::tenancy::{OrgName, OrgSettings, Slug};

fn account(email: &str) -> NewAccount {
    NewAccount {
        email: Email::parse(email).unwrap(),
        password: new_password(),
        name: PersonName::parse("Ada Lovelace").unwrap(),
    }
}

fn sign_up_cmd() -> SignUp {
    SignUp {
        name: OrgName::parse("Acme Tutoring").unwrap(),
        slug: Slug::parse("acme").unwrap(),
        timezone: None,
        currency: None,
        admin: account("ada@example.com"),
    }
}

fn register_cmd() -> RegisterStudent {
    RegisterStudent { organization_slug: Slug::parse("acme").unwrap(), account: account("bob@example.com") }
}

/// A hasher that hashes the test password once, as `phc`.
fn expect_hash_once(m: &mut Mocks) {
    m.hasher.expect_hash().withf(|p| p.expose() == RIGHT_PASSWORD).times(1).returning(|_| Ok(PasswordHash::new("phc")));
}

#[tokio::test]
async fn sign_up_creates_academy_admin_session_and_verification_email_in_one_commit() {
    let mut m = Mocks::default();
    m.with_secrets();
    m.with_signer();
    // The password is hashed before the transaction writes anything.
    let hashed = Arc::new(AtomicBool::new(false));
    let flag = hashed.clone();
    m.hasher.expect_hash().times(1).returning(move |_| {
        flag.store(true, Ordering::SeqCst);
        Ok(PasswordHash::new("phc"))
    });
    m.store
        .organizations
        .expect_insert()
        .withf(move |o| {
            hashed.load(Ordering::SeqCst)
                && (o.slug.as_str(), o.timezone, o.currency) == ("acme", TimeZoneId::UTC, Currency::EUR)
                && (o.settings, o.created_at) == (OrgSettings::default(), now())
        })
        .times(1)
        .returning(|_| Ok(()));
    m.store
        .users
        .expect_insert()
        .withf(|u, h| {
            (u.role, u.email_verified, u.email.as_str()) == (Role::Admin, false, "ada@example.com")
                && h.as_ref().map(PasswordHash::as_str) == Some("phc")
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let opened = m.expect_session(None, "secret-1");
    m.expect_link(TokenPurpose::EmailVerification, "ada@example.com", "secret-2");
    let (service, store) = m.build();

    let signed = service.sign_up(&sign_up_cmd(), &ctx()).await.unwrap();

    assert_eq!(store.commits(), 1);
    let session = opened.lock().unwrap().clone().unwrap();
    assert_eq!((session.user_id, session.organization_id), (signed.user.id, signed.organization.id));
    assert_eq!(signed.user.organization_id, signed.organization.id);
    assert_eq!(signed.tokens.access_token.expose(), format!("jwt:{}", session.id));
    assert_eq!((signed.tokens.refresh_token.expose(), signed.tokens.expires_in), ("secret-1", 900));
}

#[tokio::test]
async fn sign_up_keeps_the_chosen_time_zone_and_currency() {
    let mut m = Mocks::default();
    m.with_secrets();
    m.with_signer();
    expect_hash_once(&mut m);
    let paris = TimeZoneId::parse("Europe/Paris").unwrap();
    let chf = Currency::parse("CHF").unwrap();
    m.store
        .organizations
        .expect_insert()
        .withf(move |o| (o.timezone, o.currency) == (paris, chf))
        .times(1)
        .returning(|_| Ok(()));
    m.store.users.expect_insert().returning(|_, _| Ok(()));
    m.expect_session(None, "secret-1");
    m.expect_link(TokenPurpose::EmailVerification, "ada@example.com", "secret-2");
    let (service, _) = m.build();
    let cmd = SignUp { timezone: Some(paris), currency: Some(chf), ..sign_up_cmd() };
    let signed = service.sign_up(&cmd, &ctx()).await.unwrap();
    assert_eq!((signed.organization.timezone, signed.organization.currency), (paris, chf));
}

#[tokio::test]
async fn a_taken_slug_is_refused_and_nothing_else_is_written() {
    let mut m = Mocks::default();
    expect_hash_once(&mut m);
    m.store.organizations.expect_insert().times(1).returning(|_| Err(StoreError::Conflict(Conflict::SlugTaken)));
    m.expect_no_writes();
    m.signer.expect_sign().never();
    let (service, store) = m.build();
    let err = service.sign_up(&sign_up_cmd(), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::SlugTaken);
    assert_eq!(store.commits(), 0);
}

#[test]
fn a_sign_up_never_answers_email_taken() {
    // Emails are unique within an organization and a new one has no users: its admin may use
    // an email known at other academies, and the answer must not tell whether it is.
    assert!(!SignUpError::CODES.contains(&ErrorCode::EmailTaken));
    assert!(RegisterError::CODES.contains(&ErrorCode::EmailTaken), "registration still answers it within its academy");
}

#[tokio::test]
async fn a_transient_failure_reruns_the_sign_up_without_hashing_again() {
    let mut m = Mocks::default();
    m.with_secrets();
    m.with_signer();
    expect_hash_once(&mut m);
    let mut first = true;
    m.store.organizations.expect_insert().times(2).returning(move |_| {
        if std::mem::take(&mut first) { Err(StoreError::Transient(anyhow::anyhow!("40001"))) } else { Ok(()) }
    });
    m.store.users.expect_insert().times(1).returning(|_, _| Ok(()));
    m.expect_session(None, "secret-1");
    m.expect_link(TokenPurpose::EmailVerification, "ada@example.com", "secret-2");
    let (service, store) = m.build();
    assert!(service.sign_up(&sign_up_cmd(), &ctx()).await.is_ok());
    assert_eq!((store.begun(), store.commits()), (2, 1));
}

#[tokio::test]
async fn a_student_registers_with_an_academy_and_is_logged_in() {
    let mut m = Mocks::default();
    m.with_secrets();
    m.with_signer();
    expect_hash_once(&mut m);
    m.store.organizations.expect_find_by_slug().withf(|s| s.as_str() == "acme").returning(|_| Ok(Some(org())));
    m.store
        .users
        .expect_insert()
        .withf(|u, h| {
            (u.organization_id, u.role, u.email_verified) == (org_id(), Role::Student, false)
                && h.as_ref().map(PasswordHash::as_str) == Some("phc")
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let opened = m.expect_session(None, "secret-1");
    m.expect_link(TokenPurpose::EmailVerification, "bob@example.com", "secret-2");
    let (service, store) = m.build();

    let logged_in = service.register(&register_cmd(), &ctx()).await.unwrap();

    assert_eq!(store.commits(), 1);
    assert_eq!((logged_in.user.role, logged_in.user.email.as_str()), (Role::Student, "bob@example.com"));
    let session = opened.lock().unwrap().clone().unwrap();
    assert_eq!(session.user_id, logged_in.user.id);
    assert_eq!(logged_in.tokens.access_token.expose(), format!("jwt:{}", session.id));
}

#[tokio::test]
async fn registering_with_an_unknown_slug_is_not_found_and_costs_no_hash() {
    let mut m = Mocks::default();
    m.store.organizations.expect_find_by_slug().returning(|_| Ok(None));
    m.hasher.expect_hash().never();
    m.expect_no_writes();
    let (service, _) = m.build();
    let err = service.register(&register_cmd(), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn registering_with_a_taken_email_is_refused() {
    let mut m = Mocks::default();
    expect_hash_once(&mut m);
    m.store.organizations.expect_find_by_slug().returning(|_| Ok(Some(org())));
    m.store.users.expect_insert().times(1).returning(|_, _| Err(StoreError::Conflict(Conflict::EmailTaken)));
    m.store.auth_sessions.expect_insert().never();
    m.store.outbox.expect_enqueue().never();
    let (service, store) = m.build();
    let err = service.register(&register_cmd(), &ctx()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::EmailTaken);
    assert_eq!(store.commits(), 0);
}
