//! `BundleService::credit_statement` and `running_balances`: every bundle of the student in
//! its own order, each with its own ledger and the balance after each entry; the student
//! themselves or an admin.

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::fixtures::*;
use crate::shared::{Actor, BundlePurchaseId, ErrorCode, Role, UseCaseError};
use crate::test_world::{World, harness};

fn entry(n: u128, bundle: u128, kind: LedgerKind, at: DateTime<Utc>) -> LedgerEntry {
    LedgerEntry::for_booking(id(n), org_id(), id(bundle), kind, id(500 + n), at)
}

fn lines(bundle: &StatementBundle) -> Vec<(LedgerKind, i64)> {
    bundle.lines.iter().map(|l| (l.entry.kind, l.balance)).collect()
}

/// Student 1's bundle 200 (bought ten days ago) and bundle 150 (bought yesterday, ids the
/// other way round), student 2's bundle 300, and their ledgers.
fn world() -> World {
    let mut world = World::standard();
    let mut older = bundle(200, STUDENT_1);
    older.created_at = now() - TimeDelta::days(10);
    let newer = bundle(150, STUDENT_1);
    let other = bundle(300, STUDENT_2);
    let day = |d: i64| now() - TimeDelta::days(d);
    world.ledger = vec![
        LedgerEntry::purchase(id(1), &older),
        entry(2, 200, LedgerKind::Debit, day(9)),
        entry(3, 200, LedgerKind::Refund, day(8)),
        entry(4, 200, LedgerKind::Debit, day(7)),
        entry(5, 200, LedgerKind::Attended, day(6)),
        LedgerEntry::purchase(id(6), &newer),
        entry(7, 150, LedgerKind::Debit, day(0)),
        LedgerEntry::expire(id(8), &newer, 2, now()),
        LedgerEntry::purchase(id(9), &other),
    ];
    world.bundles = vec![newer, older, other];
    world
}

async fn statement(who: &Actor, student: u128) -> Result<Vec<StatementBundle>, ErrorCode> {
    let h = harness(world());
    BundleService::new(h.core.clone()).credit_statement(who, user_id(student)).await.map_err(|e| e.code())
}

#[tokio::test]
async fn a_student_sees_each_bundle_in_order_with_its_own_running_balance() {
    let bundles = statement(&actor(STUDENT_1, Role::Student), STUDENT_1).await.unwrap();
    let ids: Vec<BundlePurchaseId> = bundles.iter().map(|b| b.bundle.id).collect();
    assert_eq!(ids, [id(200), id(150)], "oldest bundle first, whatever the ledger's order");
    use LedgerKind::{Attended, Debit, Expire, Purchase, Refund};
    assert_eq!(lines(&bundles[0]), [(Purchase, 3), (Debit, 2), (Refund, 3), (Debit, 2), (Attended, 2)]);
    assert_eq!(lines(&bundles[1]), [(Purchase, 3), (Debit, 2), (Expire, 0)]);
}

#[tokio::test]
async fn an_admin_reads_any_students_statement() {
    let bundles = statement(&actor(ADMIN, Role::Admin), STUDENT_2).await.unwrap();
    assert_eq!(bundles.len(), 1);
    assert_eq!(lines(&bundles[0]), [(LedgerKind::Purchase, 3)]);
    let none = statement(&actor(ADMIN, Role::Admin), STUDENT_1).await.unwrap();
    assert_eq!(none.len(), 2);
}

#[tokio::test]
async fn a_bundle_without_entries_has_an_empty_statement() {
    let mut world = world();
    world.ledger.retain(|e| e.bundle_purchase_id != id(150));
    let h = harness(world);
    let bundles = BundleService::new(h.core.clone())
        .credit_statement(&actor(STUDENT_1, Role::Student), user_id(STUDENT_1))
        .await
        .unwrap();
    assert_eq!(bundles[1].bundle.id, id(150));
    assert!(bundles[1].lines.is_empty());
    assert_eq!(bundles[0].lines.len(), 5);
}

#[tokio::test]
async fn another_students_statement_does_not_exist_for_a_student() {
    assert_eq!(statement(&actor(STUDENT_1, Role::Student), STUDENT_2).await.unwrap_err(), ErrorCode::NotFound);
}

#[tokio::test]
async fn tas_have_no_statements_to_read() {
    assert_eq!(statement(&actor(TA_1, Role::Ta), TA_1).await.unwrap_err(), ErrorCode::Forbidden);
    assert_eq!(statement(&actor(TA_1, Role::Ta), STUDENT_1).await.unwrap_err(), ErrorCode::Forbidden);
}

#[tokio::test]
async fn only_students_of_the_organization_have_statements() {
    let admin = actor(ADMIN, Role::Admin);
    for who in [TA_1, ADMIN, 77] {
        assert_eq!(statement(&admin, who).await.unwrap_err(), ErrorCode::NotFound, "{who}");
    }
}

#[test]
fn running_balances_add_each_delta_to_the_balance_before_it() {
    let at = now();
    let deltas = [(LedgerKind::Refund, 1), (LedgerKind::Debit, -1), (LedgerKind::Debit, -1), (LedgerKind::Refund, 1)];
    let entries: Vec<_> = deltas.iter().enumerate().map(|(i, (k, _))| entry(i as u128, 1, *k, at)).collect();
    let balances: Vec<i64> = running_balances(entries).iter().map(|l| l.balance).collect();
    assert_eq!(balances, [1, 0, -1, 0]);
    assert!(running_balances(vec![]).is_empty());
}
