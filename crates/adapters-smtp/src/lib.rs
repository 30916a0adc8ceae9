#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod compose;
mod file_mailer;
pub mod invitation;
pub mod render;
mod smtp_mailer;

pub use file_mailer::FileMailer;
/// The sender and recipient type the mailers take (lettre's), so that callers need not depend on lettre.
pub use lettre::message::Mailbox;
pub use smtp_mailer::{SmtpConfig, SmtpConfigError, SmtpMailer};
