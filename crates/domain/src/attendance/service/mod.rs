//! Use cases of attendance: recording marks (and settling the seats), the sessions a TA still
//! has to mark, and the morning digests about them.

mod digest;
mod record;
mod settle;
mod unmarked;

pub use digest::*;
pub use record::*;
pub use unmarked::*;

use crate::core::Core;

/// Attendance, its settlement, and the reminders to record it.
#[derive(Clone)]
pub struct AttendanceService {
    core: Core,
}

impl AttendanceService {
    /// A service over the core ports.
    pub fn new(core: Core) -> Self {
        Self { core }
    }
}
