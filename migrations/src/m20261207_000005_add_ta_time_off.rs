//! TA time off: windows that make a TA unavailable, enforced against every session written for
//! that TA (a trigger that also orders a session and a concurrent time off), and the
//! `booking_rescheduled` email kind.
crate::sql::sql_migration!("009_ta_time_off");
