//! The file mailer of the embedded mode: each email is written as `{message id}.eml` in a
//! directory, atomically, so that a developer can open it (and click its links) without a mail
//! server. Emails hold one-time links (verification, password reset, invitations): each file
//! is readable by its owner only (0600), in a directory created 0700.

use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use domain::notifications::{MailError, Mailer, OutboxMessage};
use domain::shared::OutboxMessageId;
use lettre::message::Mailbox;
use uuid::Uuid;

use crate::compose::{TextEncoding, build_message};
use crate::render::render_message;

/// Writes each email to `{dir}/{message id}.eml` (the bytes an SMTP server would receive).
///
/// A resend of the same message overwrites the same file with the same `Message-ID`. The file
/// appears whole or not at all: the email is written to a temporary file in the same directory
/// and renamed over the target. The directory is created on first use (0700, with any missing
/// parent; an existing one keeps its mode); each file is 0600.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
    from: Mailbox,
    public_base_url: String,
}

impl FileMailer {
    /// A mailer writing into `dir`, sending as `from` (`MAIL_FROM`), with links under
    /// `public_base_url` (`PUBLIC_BASE_URL`).
    pub fn new(dir: PathBuf, from: Mailbox, public_base_url: String) -> Self {
        Self { dir, from, public_base_url }
    }

    /// The directory the emails are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a message is written to.
    pub fn path_of(&self, id: OutboxMessageId) -> PathBuf {
        self.dir.join(file_name(id))
    }
}

fn file_name(id: OutboxMessageId) -> String {
    format!("{id}.eml")
}

#[async_trait]
impl Mailer for FileMailer {
    async fn send(&self, message: &OutboxMessage) -> Result<(), MailError> {
        let rendered =
            render_message(message, &self.public_base_url).map_err(|e| MailError::Permanent(e.to_string()))?;
        let bytes = build_message(&self.from, message, &rendered, TextEncoding::EightBit)?.formatted();
        let (dir, name) = (self.dir.clone(), file_name(message.id));
        // File I/O blocks: keep it off the async executor.
        tokio::task::spawn_blocking(move || {
            write_atomically(&dir, &name, &bytes)
                .map_err(|e| MailError::Transient(format!("writing {}: {e}", dir.join(&name).display())))
        })
        .await
        .map_err(|e| MailError::Transient(format!("file mailer task failed: {e}")))?
    }
}

/// Writes `bytes` to `dir/name` through a temporary file in `dir` and a rename, which replaces
/// the target in one step on the same file system.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    private_dir(dir)?;
    // Unique, hidden and not ending in `.eml`, so that nothing watching for emails picks it up.
    let temp = dir.join(format!(".{name}.{}.tmp", Uuid::now_v7().simple()));
    let written = (|| {
        let mut file = private_file(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, dir.join(name))
    })();
    if written.is_err() {
        // Best effort: the temporary file may not even exist.
        let _ = fs::remove_file(&temp);
    }
    written?;
    sync_dir(dir)
}

/// Creates `dir` and any missing parent, 0700.
fn private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// A new file only its owner may read or write; the rename keeps its mode.
fn private_file(path: &Path) -> io::Result<fs::File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Makes the rename durable (on Unix a directory is synced like a file).
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}
