//! The embedded mode's files are its owner's alone: the data directory it creates is 0700, the
//! SQLite database with its `-wal` and `-shm` files and every `.eml` the file mailer writes are
//! 0600, whatever the process's umask lets through.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use crate::helpers::spawn_with;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

#[tokio::test]
async fn the_database_and_email_files_are_private() {
    // The database this test starts over is not used: the app creates its own in its data dir.
    let unused = Arc::new(test_support::sqlite::database().await);
    let app = spawn_with(unused, |s| {
        s.database_url = format!("sqlite://{}/engify.db?mode=rwc", s.data_dir.display());
    })
    .await;
    app.sign_up("private-files").await;
    app.register("private-files", "sam@private-files.test").await;
    app.email("sam@private-files.test", "Confirm your email", 0).await;

    let dir = &app.data_dir;
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    for file in ["engify.db", "engify.db-wal", "engify.db-shm"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
    let outbox = dir.join("outbox");
    assert_eq!(mode(&outbox), 0o700, "outbox/");
    let emails: Vec<_> = std::fs::read_dir(&outbox).unwrap().flatten().map(|e| e.path()).collect();
    assert!(!emails.is_empty());
    for email in emails {
        assert_eq!(mode(&email), 0o600, "{}", email.display());
    }
}
