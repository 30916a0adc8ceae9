//! A student's credit statement (`GET /students/{id}/credit-statement`): every bundle with its
//! ledger and the balance after each entry. The last balance of a bundle is its
//! `remainingSessions`, since the store keeps the two equal — unless a booking or a refund
//! commits between the read of the bundles and the read of their ledger (two reads, not one
//! snapshot); reading the statement again shows them equal.

use crate::bundles::{BundlePurchase, BundleService, LedgerEntry};
use crate::shared::error::use_case_error;
use crate::shared::{Actor, Operation, Role, UserId};

use_case_error! {
    /// Errors of [`BundleService::credit_statement`].
    pub enum CreditStatementError { Forbidden, NotFound }
}

/// One ledger entry and the bundle's balance after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// The entry.
    pub entry: LedgerEntry,
    /// The credits left after it.
    pub balance: i64,
}

/// One bundle of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementBundle {
    /// The bundle.
    pub bundle: BundlePurchase,
    /// Its ledger, oldest first, with running balances.
    pub lines: Vec<StatementLine>,
}

/// Running balances of one bundle's entries (oldest first).
pub fn running_balances(entries: Vec<LedgerEntry>) -> Vec<StatementLine> {
    let mut balance = 0;
    entries
        .into_iter()
        .map(|entry| {
            balance += i64::from(entry.delta);
            StatementLine { entry, balance }
        })
        .collect()
}

impl BundleService {
    /// The student's bundles, oldest first, each with its ledger and running balance: the
    /// student themselves or an admin.
    ///
    /// # Errors
    /// `Forbidden` for TAs; `NotFound` for another student, or an id that is not a student of
    /// the organization.
    #[tracing::instrument(skip_all, name = "bundles.credit_statement")]
    pub async fn credit_statement(
        &self,
        actor: &Actor,
        student: UserId,
    ) -> Result<Vec<StatementBundle>, CreditStatementError> {
        if !actor.may(Operation::GetCreditStatement) {
            return Err(CreditStatementError::Forbidden);
        }
        if actor.role != Role::Admin && actor.user_id != student {
            return Err(CreditStatementError::NotFound);
        }
        let org = actor.organization_id;
        let store = &self.core.store;
        let user = store.users().get(org, student).await?;
        if !user.is_some_and(|u| u.role == Role::Student) {
            return Err(CreditStatementError::NotFound);
        }
        let bundles = store.bundles().of_student(org, student).await?;
        let mut entries = store.bundles().ledger_of_student(org, student).await?;
        Ok(bundles
            .into_iter()
            .map(|bundle| {
                let (mine, rest) = entries.drain(..).partition(|e: &LedgerEntry| e.bundle_purchase_id == bundle.id);
                entries = rest;
                StatementBundle { bundle, lines: running_balances(mine) }
            })
            .collect())
    }
}
