//! Account emails: each carries a single-use link with a token (email verification, password
//! reset, TA invitation) and says how long the link works.

use domain::accounts::TokenPurpose;
use domain::shared::Secret;

use super::RenderedEmail;
use super::format::{greeting, lifetime, sign_off, token_link};

/// The page that confirms an address.
pub const VERIFY_EMAIL_PATH: &str = "/verify-email";
/// The page that sets a new password (after a reset request or an invitation).
pub const RESET_PASSWORD_PATH: &str = "/reset-password";

/// Asks a new user to confirm their address.
pub fn email_verification(recipient_name: &str, token: &Secret, public_base_url: &str) -> RenderedEmail {
    let link = token_link(public_base_url, VERIFY_EMAIL_PATH, token.expose());
    let valid_for = lifetime(TokenPurpose::EmailVerification.lifetime());
    RenderedEmail {
        subject: "Confirm your email address".to_owned(),
        text: format!(
            "{}\n\n\
             Please confirm your email address by opening this link:\n\n\
             {link}\n\n\
             The link works once and expires in {valid_for}. If you did not create an account, \
             you can ignore this email.\n\n\
             {}\n",
            greeting(recipient_name),
            sign_off(None),
        ),
    }
}

/// Carries the link that sets a new password.
pub fn password_reset(recipient_name: &str, token: &Secret, public_base_url: &str) -> RenderedEmail {
    let link = token_link(public_base_url, RESET_PASSWORD_PATH, token.expose());
    let valid_for = lifetime(TokenPurpose::PasswordReset.lifetime());
    RenderedEmail {
        subject: "Reset your password".to_owned(),
        text: format!(
            "{}\n\n\
             Someone asked to reset the password of your account. To choose a new password, \
             open this link:\n\n\
             {link}\n\n\
             The link works once and expires in {valid_for}. Setting a new password signs you out \
             everywhere. If you did not ask for this, ignore this email: your password stays as \
             it is.\n\n\
             {}\n",
            greeting(recipient_name),
            sign_off(None),
        ),
    }
}

/// Invites a new TA to set a password and join the organization.
pub fn ta_invitation(
    recipient_name: &str,
    organization_name: &str,
    token: &Secret,
    public_base_url: &str,
) -> RenderedEmail {
    let link = token_link(public_base_url, RESET_PASSWORD_PATH, token.expose());
    let valid_for = lifetime(TokenPurpose::TaInvitation.lifetime());
    RenderedEmail {
        subject: format!("{organization_name} invites you to teach on Engify"),
        text: format!(
            "{}\n\n\
             {organization_name} has added you as a teaching assistant. To accept, choose your \
             password here:\n\n\
             {link}\n\n\
             The link works once and expires in {valid_for}.\n\n\
             {}\n",
            greeting(recipient_name),
            sign_off(Some(organization_name)),
        ),
    }
}
