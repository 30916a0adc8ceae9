//! Accounts: users and roles, passwords and their policy, sessions with rotating refresh
//! tokens, lockout, email verification, password reset and TA invitation.

mod lookup;
mod model;
mod ports;
mod service;
#[cfg(test)]
mod tests;

pub(crate) use lookup::user_with_role;
pub use model::*;
pub use ports::*;
pub use service::*;
