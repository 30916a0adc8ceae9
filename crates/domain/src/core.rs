//! [`Core`]: the ports every use-case service needs (store, clock, id generator, business
//! metrics), and the recorders built from them for the audit trail and the email outbox.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::audit::AuditRecorder;
use crate::notifications::OutboxWriter;
use crate::shared::{BusinessEvent, BusinessMetrics, Clock, IdGenerator, NoMetrics};
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
    /// Where business events are counted ([`NoMetrics`] unless [`Core::with_metrics`]).
    pub metrics: Arc<dyn BusinessMetrics>,
}

impl Core {
    /// Bundles the three ports, counting no business events.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, ids: Arc<dyn IdGenerator>) -> Self {
        Self { store, clock, ids, metrics: Arc::new(NoMetrics) }
    }

    /// The same ports, counting business events in `metrics`.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Arc<dyn BusinessMetrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Counts a business event (call it after the change's commit).
    pub fn count(&self, event: BusinessEvent) {
        self.metrics.record(event);
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
