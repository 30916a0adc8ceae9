//! Writing a seat's settlement in the ledger: reversing the one in force (if any) and writing
//! the new one (if any), each entry carrying the seat's settlement round, with the bundle's
//! balance moved in the same transaction and the credit movements audited.

use crate::attendance::SeatOutcome;
use crate::audit::{AuditAction, TargetType};
use crate::booking::{Booking, Seat};
use crate::bundles::{LedgerEntry, LedgerKind};
use crate::core::Core;
use crate::shared::Actor;
use crate::store::{Repositories, StoreError};

/// Why a seat's settlement could not change.
#[derive(Debug)]
pub(crate) enum SettleError {
    /// Reversing a refund needs the credit back, and the student has spent it since (or it
    /// expired): the bundle has no credit left to take.
    CreditSpent,
    /// The store failed.
    Store(StoreError),
}

impl From<StoreError> for SettleError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// A change of one seat's settlement: from `before` (in force, of the seat's current round) to
/// `after` (written in round `to_round`, the round the seat is left at).
pub(crate) struct SettlementChange<'a> {
    pub booking: &'a Booking,
    pub seat: &'a Seat,
    pub before: Option<SeatOutcome>,
    pub after: Option<SeatOutcome>,
    pub to_round: u32,
}

const fn ledger_kind(outcome: SeatOutcome) -> LedgerKind {
    match outcome {
        SeatOutcome::Attended => LedgerKind::Attended,
        SeatOutcome::Forfeit => LedgerKind::Forfeit,
        SeatOutcome::Refund => LedgerKind::Refund,
    }
}

const fn audit_action(outcome: SeatOutcome) -> AuditAction {
    match outcome {
        SeatOutcome::Attended => AuditAction::LedgerAttended,
        SeatOutcome::Forfeit => AuditAction::LedgerForfeit,
        SeatOutcome::Refund => AuditAction::LedgerRefund,
    }
}

/// Writes the change's ledger entries for a seat paid with a bundle (a seat paid per session
/// has no ledger: its `refunded` flag says it all).
pub(crate) async fn write_settlement(
    core: &Core,
    repos: &dyn Repositories,
    actor: &Actor,
    change: &SettlementChange<'_>,
) -> Result<(), SettleError> {
    let SettlementChange { booking, seat, before, after, to_round } = *change;
    let Some(bundle) = seat.bundle_purchase_id else { return Ok(()) };
    let org = booking.organization_id;
    let now = core.now();
    let entry = |kind: LedgerKind, round: u32| {
        LedgerEntry::for_booking(core.new_id(), org, bundle, kind, booking.id, now).in_round(round)
    };
    let detail = format!("booking={} student={}", booking.id, seat.student_id);
    let target = (TargetType::BundlePurchase, bundle.into());
    if let Some(previous) = before {
        if previous == SeatOutcome::Refund && !repos.bundles().debit(org, bundle).await? {
            return Err(SettleError::CreditSpent);
        }
        let settled = entry(ledger_kind(previous), seat.settlement_round);
        repos.bundles().append_ledger(&LedgerEntry::reversal_of(core.new_id(), &settled, now)).await?;
        let detail = Some(format!("{detail} reversed={}", previous.as_str()));
        core.audit().record(repos, actor, AuditAction::LedgerReversal, target, detail).await?;
    }
    if let Some(next) = after {
        if next == SeatOutcome::Refund && !repos.bundles().refund(org, bundle).await? {
            let message = anyhow::anyhow!("bundle {bundle} has no spent credit to refund");
            return Err(SettleError::Store(StoreError::Unexpected(message)));
        }
        repos.bundles().append_ledger(&entry(ledger_kind(next), to_round)).await?;
        core.audit().record(repos, actor, audit_action(next), target, Some(detail)).await?;
    }
    Ok(())
}
