//! What giving up a seat does to its payment (a cancellation, or a student leaving a group
//! session): a refund gives the bundle credit back (`refund` ledger entry) and marks the seat
//! refunded; a forfeit keeps the credit spent (`forfeit` entry). Ledger changes are audited.

use crate::audit::{AuditAction, TargetType};
use crate::booking::{Booking, CreditOutcome, Seat};
use crate::bundles::{LedgerEntry, LedgerKind};
use crate::core::Core;
use crate::shared::Actor;
use crate::store::{Repositories, StoreError};

/// Settles one seat's payment inside the caller's transaction.
///
/// # Errors
/// Store failures, and an unexpected error when a refund finds no spent credit to give back
/// (the ledger would then disagree with the balance: the transaction must not commit).
pub(crate) async fn settle_seat(
    core: &Core,
    repos: &dyn Repositories,
    actor: &Actor,
    booking: &Booking,
    seat: &Seat,
    outcome: CreditOutcome,
) -> Result<(), StoreError> {
    let org = booking.organization_id;
    let now = core.now();
    if outcome == CreditOutcome::Refund {
        repos.bookings().mark_seat_refunded(org, booking.id, seat.student_id).await?;
    }
    let Some(bundle) = seat.bundle_purchase_id else { return Ok(()) };
    let (kind, action) = match outcome {
        CreditOutcome::Refund => {
            if !repos.bundles().refund(org, bundle).await? {
                return Err(StoreError::Unexpected(anyhow::anyhow!("bundle {bundle} has no spent credit to refund")));
            }
            (LedgerKind::Refund, AuditAction::LedgerRefund)
        }
        CreditOutcome::Forfeit => (LedgerKind::Forfeit, AuditAction::LedgerForfeit),
    };
    repos.bundles().append_ledger(&LedgerEntry::for_booking(core.new_id(), org, bundle, kind, booking.id, now)).await?;
    let detail = format!("booking={} student={}", booking.id, seat.student_id);
    core.audit().record(repos, actor, action, (TargetType::BundlePurchase, bundle.into()), Some(detail)).await
}
