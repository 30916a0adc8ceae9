//! Whether tests must have their external services, and how a missing one is reported.

/// Whether `ENGIFY_REQUIRE_SERVICES=1`: a missing service fails the test instead of skipping it.
pub fn required() -> bool {
    std::env::var("ENGIFY_REQUIRE_SERVICES").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Reports a missing service: panics when services are required, else prints one line saying
/// the test is skipped and why.
///
/// # Panics
/// When `ENGIFY_REQUIRE_SERVICES=1`.
#[allow(clippy::print_stderr, reason = "the one visible line of a skipped test")]
pub fn missing(service: &str, why: &str) {
    assert!(!required(), "{service} is required (ENGIFY_REQUIRE_SERVICES=1) but unavailable: {why}");
    eprintln!("skipped: no {service} ({why}); set TEST_DATABASE_URL/TEST_REDIS_URL or start Docker");
}
