//! Use cases of the group-sessions context: templates, scheduling, seats with waitlist
//! promotion, and the waitlist itself.

mod promote;
mod seats;
mod session;
mod templates;
mod waitlist;

pub use seats::*;
pub use templates::*;
pub use waitlist::*;

use crate::core::Core;

/// Group-session templates, sessions, seats and waitlists.
#[derive(Clone)]
pub struct GroupSessionService {
    core: Core,
}

impl GroupSessionService {
    /// A service over the core ports.
    pub fn new(core: Core) -> Self {
        Self { core }
    }
}
