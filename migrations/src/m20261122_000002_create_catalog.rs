//! Courses, course-TA assignments, products, TA availability.
crate::sql::sql_migration!("002_catalog");
