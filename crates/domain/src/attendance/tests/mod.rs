//! Tests of attendance: the rules (settlement, who may mark until when, which marks a request
//! may carry, completion), recording marks with the in-memory world, the TA's list of sessions
//! to mark, and the morning digests.

mod digest;
mod record_changes;
mod record_first;
mod record_no_show;
mod record_refusals;
mod refusals;
mod settlement;
mod support;
mod unmarked;
