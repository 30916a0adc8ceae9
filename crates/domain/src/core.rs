//! [`Core`]: the ports every use-case service needs (store, clock, id generator), and the
//! recorders built from them for the audit trail and the email outbox.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::audit::AuditRecorder;
use crate::notifications::OutboxWriter;
use crate::shared::{Clock, IdGenerator};
use crate::store::Store;

/// The ports shared by every service. Cheap to clone.
#[derive(Clone)]
pub struct Core {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The current time.
    pub clock: Arc<dyn Clock>,
    /// Fresh ids.
    pub ids: Arc<dyn IdGenerator>,
}

impl Core {
    /// Bundles the three ports.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, ids: Arc<dyn IdGenerator>) -> Self {
        Self { store, clock, ids }
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A fresh typed id.
    pub fn new_id<I: From<Uuid>>(&self) -> I {
        I::from(self.ids.new_uuid())
    }

    /// A recorder of audit events.
    pub fn audit(&self) -> AuditRecorder {
        AuditRecorder::new(self.ids.clone(), self.clock.clone())
    }

    /// A writer of outbox messages.
    pub fn outbox(&self) -> OutboxWriter {
        OutboxWriter::new(self.ids.clone(), self.clock.clone())
    }
}
