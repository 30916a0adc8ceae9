//! One-time tokens leave the outbox with their email: the write that marks a verification,
//! reset or invitation email `sent` (one statement for the whole batch) or `dead` erases the
//! token from the stored payload, which then reads as `LinkErased`; a retry keeps it, and
//! emails without a link are left as they were.
#![allow(clippy::unwrap_used, reason = "a test fails by panicking, helpers included")]

mod common;
mod fixtures;

use chrono::TimeDelta;
use domain::notifications::{Claim, EmailKind, EmailPayload, JobStatus, OutboxMessage};
use domain::shared::{OutboxMessageId, Secret};
use domain::store::Repositories;
use fixtures::{at, message, org, payloads};
use test_support::Backend;

const LEASE: TimeDelta = TimeDelta::minutes(5);

/// How many stored payloads contain `text` (the raw JSON, as a reader of the database sees it).
async fn payloads_containing(t: &common::TestStore, text: &str) -> i64 {
    let payload = match t.backend {
        Backend::Postgres => "payload::text",
        Backend::Sqlite => "payload",
    };
    t.scalar(&format!("SELECT count(*) FROM outbox_messages WHERE {payload} LIKE '%{text}%'")).await
}

/// A verification, a reset and an invitation email, each with its own token, and a receipt,
/// queued in `org`'s outbox.
async fn queued_link_emails(repos: &dyn Repositories, org: domain::shared::OrganizationId) -> Vec<OutboxMessage> {
    let receipt = payloads().into_iter().find(|p| p.kind() == EmailKind::BundleReceipt).unwrap();
    let messages: Vec<OutboxMessage> = [
        EmailPayload::EmailVerification { token: Secret::new("verify-secret-1") },
        EmailPayload::PasswordReset { token: Secret::new("reset-secret-2") },
        EmailPayload::TaInvitation { organization_name: "Acme".into(), token: Secret::new("invite-secret-3") },
        receipt,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, payload)| OutboxMessage { payload, ..message(org, i64::try_from(i).unwrap()) })
    .collect();
    for m in &messages {
        repos.outbox().enqueue(m).await.unwrap();
    }
    messages
}

fn erased(m: &OutboxMessage) -> EmailPayload {
    match m.kind() {
        kind @ (EmailKind::EmailVerification | EmailKind::PasswordReset | EmailKind::TaInvitation) => {
            EmailPayload::LinkErased { kind }
        }
        _ => m.payload.clone(),
    }
}

#[tokio::test]
async fn marking_a_batch_sent_erases_every_link_token_in_the_same_write() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let messages = queued_link_emails(repos, acme.id).await;
        assert_eq!(payloads_containing(&t, "-secret-").await, 3, "{b:?}: tokens stored until sent");
        let claims: Vec<Claim> =
            repos.outbox().claim_due(at(5), 10, LEASE).await.unwrap().iter().filter_map(OutboxMessage::claim).collect();
        // Claimed messages still carry their tokens: the worker sends them from these copies.
        assert_eq!(payloads_containing(&t, "-secret-").await, 3, "{b:?}");

        let mut recorded = repos.outbox().mark_sent(&claims, at(6)).await.unwrap();
        recorded.sort();
        let mut all: Vec<OutboxMessageId> = messages.iter().map(|m| m.id).collect();
        all.sort();
        assert_eq!(recorded, all, "{b:?}");

        assert_eq!(payloads_containing(&t, "-secret-").await, 0, "{b:?}: no token left in the outbox");
        for m in &messages {
            let stored = repos.outbox().get(acme.id, m.id).await.unwrap().unwrap();
            assert_eq!((stored.status, stored.kind()), (JobStatus::Sent, m.kind()), "{b:?}");
            assert_eq!(stored.payload, erased(m), "{b:?}: {:?}", m.kind());
        }
    }
}

#[tokio::test]
async fn a_dead_email_loses_its_token_and_a_retried_one_keeps_it() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        queued_link_emails(repos, acme.id).await;
        let claimed = repos.outbox().claim_due(at(5), 10, LEASE).await.unwrap();
        let (retried, dead) = claimed.split_at(2);
        for m in retried {
            assert!(repos.outbox().mark_failed(m.claim().unwrap(), 1, "421 busy", Some(at(9))).await.unwrap());
        }
        for m in dead {
            assert!(repos.outbox().mark_failed(m.claim().unwrap(), 8, "550 no such user", None).await.unwrap());
        }

        for m in retried {
            let stored = repos.outbox().get(acme.id, m.id).await.unwrap().unwrap();
            assert_eq!(
                (stored.status, &stored.payload),
                (JobStatus::Retrying, &m.payload),
                "{b:?}: kept for the retry"
            );
        }
        for m in dead {
            let stored = repos.outbox().get(acme.id, m.id).await.unwrap().unwrap();
            assert_eq!((stored.status, stored.payload.clone()), (JobStatus::Dead, erased(m)), "{b:?}");
        }
        let kept = retried.iter().filter(|m| erased(m) != m.payload).count();
        assert_eq!(payloads_containing(&t, "-secret-").await, i64::try_from(kept).unwrap(), "{b:?}");
    }
}
