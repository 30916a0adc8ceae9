//! Account emails: each carries a single-use link with a token (email verification, password
//! reset, TA invitation) and says how long the link works. These functions build the template
//! context: `link`, `valid_for` and, for the invitation, `organization`.

use domain::accounts::TokenPurpose;
use domain::shared::Secret;
use minijinja::{Value, context};

use super::format::{lifetime, token_link};

/// The page that confirms an address.
pub const VERIFY_EMAIL_PATH: &str = "/verify-email";
/// The page that sets a new password (after a reset request or an invitation).
pub const RESET_PASSWORD_PATH: &str = "/reset-password";

/// Asks a new user to confirm their address.
pub fn email_verification(token: &Secret, public_base_url: &str) -> Value {
    context! {
        link => token_link(public_base_url, VERIFY_EMAIL_PATH, token.expose()),
        valid_for => lifetime(TokenPurpose::EmailVerification.lifetime()),
    }
}

/// Carries the link that sets a new password.
pub fn password_reset(token: &Secret, public_base_url: &str) -> Value {
    context! {
        link => token_link(public_base_url, RESET_PASSWORD_PATH, token.expose()),
        valid_for => lifetime(TokenPurpose::PasswordReset.lifetime()),
    }
}

/// Invites a new TA to set a password and join the organization.
pub fn ta_invitation(organization_name: &str, token: &Secret, public_base_url: &str) -> Value {
    context! {
        organization => organization_name,
        link => token_link(public_base_url, RESET_PASSWORD_PATH, token.expose()),
        valid_for => lifetime(TokenPurpose::TaInvitation.lifetime()),
    }
}
