//! Tests of recurring series.

mod recurrence_brute_force;
mod recurrence_expansion;
mod recurrence_parse;
