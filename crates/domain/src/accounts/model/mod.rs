//! The model of the accounts context.

mod lockout;
mod one_time_token;
mod password;
mod reset_request;
mod session;
mod user;

pub use lockout::*;
pub use one_time_token::*;
pub use password::*;
pub use reset_request::*;
pub use session::*;
pub use user::*;
