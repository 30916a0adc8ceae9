//! Inviting a TA.

use super::*;
use crate::audit::AuditAction;
use crate::availability::Availability;
use crate::shared::{ErrorCode, PersonName, TimeZoneId, UseCaseError};
use crate::store::{Conflict, StoreError};

fn invite() -> InviteTa {
    InviteTa { email: Email::parse("grace@example.com").unwrap(), name: PersonName::parse("Grace Hopper").unwrap() }
}

fn paris() -> TimeZoneId {
    TimeZoneId::parse("Europe/Paris").unwrap()
}

#[tokio::test]
async fn an_admin_invites_a_ta_with_default_hours_an_invitation_and_an_audit_event_in_one_commit() {
    let mut m = Mocks::default();
    m.with_secrets();
    m.store
        .organizations
        .expect_get()
        .returning(|_| Ok(Some(crate::tenancy::Organization { timezone: paris(), ..org() })));
    m.store
        .users
        .expect_insert()
        .withf(|u, h| {
            (u.organization_id, u.role, u.email_verified, u.email.as_str())
                == (org_id(), Role::Ta, false, "grace@example.com")
                && h.is_none()
        })
        .times(1)
        .returning(|_, _| Ok(()));
    m.store
        .availability
        .expect_put()
        .withf(|o, a| *o == org_id() && *a == Availability::default_for(a.ta_id(), paris()))
        .times(1)
        .returning(|_, _| Ok(()));
    m.store
        .one_time_tokens
        .expect_insert()
        .withf(|t| {
            (t.purpose, t.token_hash.clone(), t.expires_at)
                == (TokenPurpose::TaInvitation, hash_of("secret-1"), now() + TimeDelta::days(7))
        })
        .times(1)
        .returning(|_| Ok(()));
    m.store
        .outbox
        .expect_enqueue()
        .withf(|msg| {
            msg.recipient.as_str() == "grace@example.com"
                && matches!(&msg.payload, EmailPayload::TaInvitation { organization_name, token }
                    if organization_name == "Acme Tutoring" && token.expose() == "secret-1")
        })
        .times(1)
        .returning(|_| Ok(()));
    m.store
        .audit
        .expect_append()
        .withf(|e| {
            (e.action, e.actor_id, e.detail.as_deref())
                == (AuditAction::TaInvited, Some(user_id(ADMIN)), Some("role=ta"))
        })
        .times(1)
        .returning(|_| Ok(()));
    let (service, store) = m.build();

    let ta = service.invite_ta(&caller(ADMIN, Role::Admin), &invite()).await.unwrap();

    assert_eq!(store.commits(), 1);
    assert_eq!((ta.role, ta.name.as_str()), (Role::Ta, "Grace Hopper"));
}

#[tokio::test]
async fn only_admins_invite_and_nothing_is_read_otherwise() {
    let mut m = Mocks::default();
    m.store.organizations.expect_get().never();
    m.expect_no_writes();
    let (service, store) = m.build();
    for role in [Role::Ta, Role::Student] {
        let err = service.invite_ta(&caller(TA_1, role), &invite()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Forbidden);
    }
    assert_eq!(store.begun(), 0);
}

#[tokio::test]
async fn inviting_a_taken_email_is_refused_and_nothing_else_is_written() {
    let mut m = Mocks::default();
    m.store.organizations.expect_get().returning(|_| Ok(Some(org())));
    m.store.users.expect_insert().times(1).returning(|_, _| Err(StoreError::Conflict(Conflict::EmailTaken)));
    m.store.availability.expect_put().never();
    m.store.one_time_tokens.expect_insert().never();
    m.store.outbox.expect_enqueue().never();
    m.store.audit.expect_append().never();
    let (service, store) = m.build();
    let err = service.invite_ta(&caller(ADMIN, Role::Admin), &invite()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::EmailTaken);
    assert_eq!(store.commits(), 0);
}
