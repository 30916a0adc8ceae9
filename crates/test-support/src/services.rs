//! Whether tests must have their external services, and how a missing one is reported.

/// Whether `ENGIFY_REQUIRE_SERVICES=1`: a missing service fails the test instead of skipping it.
pub fn required() -> bool {
    std::env::var("ENGIFY_REQUIRE_SERVICES").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Reports a missing service: panics when services are required, else writes one line naming
/// the test, saying what it skipped and why.
///
/// The line goes to the process's stderr handle itself, not through `eprintln!`: libtest
/// captures what `eprintln!` prints in a test that passes, so the user running `cargo test`
/// would never see it.
///
/// # Panics
/// When `ENGIFY_REQUIRE_SERVICES=1`.
pub fn missing(service: &str, why: &str) {
    use std::io::Write as _;
    assert!(!required(), "{service} is required (ENGIFY_REQUIRE_SERVICES=1) but unavailable: {why}");
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let line = format!(
        "skipped: {test}: the part needing {service} did not run ({why}); set TEST_DATABASE_URL / TEST_REDIS_URL or start Docker\n"
    );
    // Nothing sensible to do if stderr itself is gone.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

#[cfg(test)]
mod tests {
    /// Run only as the child of the test below: a passing test that skips its PostgreSQL part.
    #[test]
    #[ignore = "run by `the_skip_line_shows_for_a_passing_test` as a child process"]
    fn a_test_that_skips_its_postgres_part() {
        super::missing("PostgreSQL", "TEST_DATABASE_URL unset");
    }

    #[test]
    fn the_skip_line_shows_for_a_passing_test() {
        let me = std::env::current_exe().expect("the test binary");
        let child = std::process::Command::new(me)
            .args(["--ignored", "--exact", "services::tests::a_test_that_skips_its_postgres_part"])
            .env_remove("ENGIFY_REQUIRE_SERVICES")
            .output()
            .expect("the test binary runs");
        let stderr = String::from_utf8_lossy(&child.stderr);
        assert!(child.status.success(), "{stderr}");
        assert!(
            stderr
                .contains("skipped: services::tests::a_test_that_skips_its_postgres_part: the part needing PostgreSQL"),
            "libtest swallowed the line: {stderr}"
        );
    }
}
