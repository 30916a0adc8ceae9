//! Inviting a TA: an admin creates the TA's account without a password, and the TA sets one
//! through the emailed invitation link (see `password_reset`).

use super::AccountService;
use crate::accounts::model::{TokenPurpose, User};
use crate::audit::{AuditAction, TargetType};
use crate::availability::Availability;
use crate::notifications::EmailPayload;
use crate::shared::error::use_case_error;
use crate::shared::retry::retry_transient;
use crate::shared::{Actor, Email, Operation, PersonName, Role};
use crate::store::{Conflict, ConflictExt};

/// A TA to invite (`POST /tas`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteTa {
    /// The TA's email.
    pub email: Email,
    /// The TA's name.
    pub name: PersonName,
}

use_case_error! {
    /// Errors of [`AccountService::invite_ta`].
    pub enum InviteTaError { Forbidden, EmailTaken }
}

impl AccountService {
    /// Invites a TA into the admin's organization (`POST /tas`): the account (with no password
    /// yet), the default availability (Mon–Fri 09:00–17:00 in the organization's time zone),
    /// the invitation email and the audit event commit together.
    ///
    /// # Errors
    /// `Forbidden` unless an admin; `EmailTaken` when another user of the organization has the
    /// email (a person known at another academy may be invited).
    #[tracing::instrument(skip_all, name = "accounts.invite_ta")]
    pub async fn invite_ta(&self, actor: &Actor, cmd: &InviteTa) -> Result<User, InviteTaError> {
        if !actor.may(Operation::InviteTa) {
            return Err(InviteTaError::Forbidden);
        }
        retry_transient(|| self.try_invite_ta(actor, cmd)).await
    }

    async fn try_invite_ta(&self, actor: &Actor, cmd: &InviteTa) -> Result<User, InviteTaError> {
        let tx = self.core.store.begin().await?;
        let organization = tx.organizations().get(actor.organization_id).await?.ok_or_else(|| {
            anyhow::anyhow!("the organization {} of an authenticated admin is missing", actor.organization_id)
        })?;
        let ta = self.new_user(organization.id, &cmd.email, &cmd.name, Role::Ta);
        tx.users().insert(&ta, None).await.on_conflict(Conflict::EmailTaken, InviteTaError::EmailTaken)?;
        tx.availability().put(organization.id, &Availability::default_for(ta.id, organization.timezone)).await?;
        let organization_name = organization.name.to_string();
        self.mail_link(&*tx, &ta, TokenPurpose::TaInvitation, |token| EmailPayload::TaInvitation {
            organization_name,
            token,
        })
        .await?;
        let target = (TargetType::User, ta.id.into());
        self.core.audit().record(&*tx, actor, AuditAction::TaInvited, target, Some("role=ta".to_owned())).await?;
        tx.commit().await?;
        Ok(ta)
    }
}
