//! The outbox as admins see it: every payload kind round-trips through its JSON, lists are
//! newest first per organization, only dead or retrying jobs are requeued, and counts.

mod common;
mod fixtures;

use domain::notifications::{JobStatus, OutboxCounts, OutboxMessage};
use domain::shared::{Cursor, OutboxMessageId};
use domain::store::Repositories;
use fixtures::{at, message, new_id, org, payloads, walk};

#[tokio::test]
async fn every_payload_kind_round_trips() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        for (i, payload) in payloads().into_iter().enumerate() {
            let minutes = i64::try_from(i).unwrap();
            let m = OutboxMessage { payload, ..message(acme.id, minutes) };
            repos.outbox().enqueue(&m).await.unwrap();
            assert_eq!(repos.outbox().get(acme.id, m.id).await.unwrap(), Some(m.clone()), "{b:?}: {:?}", m.kind());
        }
    }
}

#[tokio::test]
async fn every_field_round_trips_whatever_the_status() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let acme = org(repos, "acme").await;
        let retrying = OutboxMessage {
            status: JobStatus::Retrying,
            attempts: 3,
            last_error: Some("421 4.7.0 try again later".into()),
            next_attempt_at: at(30),
            ..message(acme.id, 1)
        };
        let sent = OutboxMessage {
            status: JobStatus::Sent,
            attempts: 1,
            sent_at: Some(at(2)),
            recipient_name: "Zoë O'Brien".into(),
            ..message(acme.id, 2)
        };
        let dead = OutboxMessage {
            status: JobStatus::Dead,
            attempts: 8,
            last_error: Some("550".into()),
            ..message(acme.id, 3)
        };
        for m in [&retrying, &sent, &dead] {
            repos.outbox().enqueue(m).await.unwrap();
            assert_eq!(repos.outbox().get(acme.id, m.id).await.unwrap().as_ref(), Some(m), "{b:?}: {:?}", m.status);
        }
    }
}

#[tokio::test]
async fn messages_are_listed_newest_first_per_organization() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let mut all = Vec::new();
        for minutes in [5, 1, 9, 3, 3, 3, 7, 0] {
            let mut m = message(acme.id, minutes);
            if minutes == 3 || minutes == 9 {
                m.status = JobStatus::Dead;
            }
            repos.outbox().enqueue(&m).await.unwrap();
            all.push(m);
        }
        let foreign = message(other.id, 4);
        repos.outbox().enqueue(&foreign).await.unwrap();
        all.sort_by_key(|m| std::cmp::Reverse((m.created_at, m.id)));

        let ids = |ms: &[OutboxMessage]| ms.iter().map(|m| m.id).collect::<Vec<_>>();
        let cursor = |m: &OutboxMessage| Cursor::instant(m.created_at, m.id);
        let read = |status| move |p| async move { repos.outbox().list(acme.id, status, &p).await.unwrap() };
        let (listed, pages) = walk(3, read(None), cursor).await;
        assert_eq!(ids(&listed), ids(&all), "{b:?}");
        assert_eq!(pages, 3, "{b:?}");

        let dead: Vec<OutboxMessage> = all.iter().filter(|m| m.status == JobStatus::Dead).cloned().collect();
        let (listed, _) = walk(2, read(Some(JobStatus::Dead)), cursor).await;
        assert_eq!(ids(&listed), ids(&dead), "{b:?}: dead only");
        let (listed, _) = walk(2, read(Some(JobStatus::Sent)), cursor).await;
        assert!(listed.is_empty(), "{b:?}");

        assert_eq!(repos.outbox().get(acme.id, foreign.id).await.unwrap(), None, "{b:?}");
        let theirs = repos.outbox().list(other.id, None, &fixtures::page(10, None)).await.unwrap();
        assert_eq!(ids(&theirs), vec![foreign.id], "{b:?}");
    }
}

#[tokio::test]
async fn only_dead_or_retrying_messages_are_requeued() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        let failed = |status| OutboxMessage {
            status,
            attempts: 5,
            last_error: Some("550 mailbox unavailable".into()),
            next_attempt_at: at(90),
            ..message(acme.id, 1)
        };
        let (dead, retrying) = (failed(JobStatus::Dead), failed(JobStatus::Retrying));
        let pending = message(acme.id, 2);
        let sent = OutboxMessage { status: JobStatus::Sent, sent_at: Some(at(3)), ..message(acme.id, 3) };
        for m in [&dead, &retrying, &pending, &sent] {
            repos.outbox().enqueue(m).await.unwrap();
        }

        assert!(!repos.outbox().requeue(other.id, dead.id, at(60)).await.unwrap(), "{b:?}: another organization");
        for m in [&dead, &retrying] {
            assert!(repos.outbox().requeue(acme.id, m.id, at(60)).await.unwrap(), "{b:?}: {:?}", m.status);
            let requeued =
                OutboxMessage { status: JobStatus::Pending, attempts: 0, next_attempt_at: at(60), ..m.clone() };
            assert_eq!(repos.outbox().get(acme.id, m.id).await.unwrap(), Some(requeued), "{b:?}: last_error kept");
            assert!(!repos.outbox().requeue(acme.id, m.id, at(61)).await.unwrap(), "{b:?}: now pending");
        }
        for m in [&pending, &sent] {
            assert!(!repos.outbox().requeue(acme.id, m.id, at(60)).await.unwrap(), "{b:?}: {:?}", m.status);
            assert_eq!(repos.outbox().get(acme.id, m.id).await.unwrap().as_ref(), Some(m), "{b:?}: unchanged");
        }
        let unknown: OutboxMessageId = new_id();
        assert!(!repos.outbox().requeue(acme.id, unknown, at(60)).await.unwrap(), "{b:?}");
    }
}

#[tokio::test]
async fn counts_span_organizations_and_pending_includes_retrying() {
    for t in common::stores().await {
        let (repos, b) = (&*t.store, t.backend);
        let (acme, other) = (org(repos, "acme").await, org(repos, "other").await);
        assert_eq!(repos.outbox().counts().await.unwrap(), OutboxCounts::default(), "{b:?}");
        let with = |org, status| OutboxMessage {
            status,
            sent_at: (status == JobStatus::Sent).then(|| at(1)),
            ..message(org, 0)
        };
        let statuses = [
            (acme.id, JobStatus::Pending),
            (other.id, JobStatus::Pending),
            (acme.id, JobStatus::Retrying),
            (acme.id, JobStatus::Dead),
            (other.id, JobStatus::Dead),
            (other.id, JobStatus::Dead),
            (acme.id, JobStatus::Sent),
        ];
        for (org, status) in statuses {
            repos.outbox().enqueue(&with(org, status)).await.unwrap();
        }
        assert_eq!(repos.outbox().counts().await.unwrap(), OutboxCounts { pending: 3, dead: 3 }, "{b:?}");
    }
}
