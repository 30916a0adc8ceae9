//! The embedded default's files under the data directory: the SQLite database's folder and the
//! JWT signing key, generated once and kept so that tokens survive restarts without any
//! configuration.
//!
//! They are the owner's alone, whatever the umask: the folders created here are 0700, the key
//! 0600, and the SQLite database is created empty with 0600 before SQLite opens it, so that its
//! `-wal` and `-shm` files, which SQLite creates with the database's own mode, are 0600 too. A
//! database file left broader by an older version is narrowed at start; an existing folder
//! keeps its mode (it may be shared, like the working directory).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use base64::Engine as _;
use domain::shared::Secret;

use crate::settings::Settings;

/// The file keeping the generated JWT key.
pub const JWT_SECRET_FILE: &str = "jwt-secret";

/// The file of a SQLite URL (`sqlite://data/engify.db?mode=rwc` → `data/engify.db`), if any.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(path))
}

/// The folder of a SQLite URL's file (`sqlite://data/engify.db?mode=rwc` → `data`), if any.
pub fn sqlite_folder(url: &str) -> Option<PathBuf> {
    sqlite_file(url)?.parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf)
}

/// Creates the folders the embedded mode writes to, and the SQLite database file (empty, which
/// SQLite takes for a new database), both private.
///
/// # Errors
/// When a folder or the file cannot be created.
pub fn prepare(settings: &Settings) -> anyhow::Result<()> {
    let Some(file) = sqlite_file(&settings.database_url) else { return Ok(()) };
    if let Some(folder) = sqlite_folder(&settings.database_url) {
        create_private_dir(&folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    match private_file(&file) {
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(anyhow::Error::new(error).context(format!("creating {}", file.display()))),
    }
    for companion in ["", "-wal", "-shm", "-journal"] {
        let mut path = file.clone().into_os_string();
        path.push(companion);
        narrow(Path::new(&path));
    }
    Ok(())
}

/// Creates `dir` and any missing parent, each 0700; an existing one keeps its mode.
///
/// # Errors
/// When a folder cannot be created.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// A new file only its owner may read or write (`AlreadyExists` if it is there).
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Narrows an existing file that others may read to 0600; a failure is logged, not fatal (the
/// file may belong to another user who lets this one write it).
#[cfg(unix)]
fn narrow(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(metadata) = fs::metadata(path) else { return };
    if metadata.permissions().mode() & 0o077 == 0 {
        return;
    }
    match fs::set_permissions(path, fs::Permissions::from_mode(0o600)) {
        Ok(()) => tracing::info!(path = %path.display(), "narrowed to mode 0600"),
        Err(error) => tracing::warn!(path = %path.display(), error = %error, "could not narrow to mode 0600"),
    }
}

#[cfg(not(unix))]
fn narrow(_path: &Path) {}

/// The JWT signing key: `JWT_SECRET`, else the key kept in the data directory (generated on
/// first use: 48 random bytes, base64url).
///
/// # Errors
/// When the kept key cannot be read or written, or is too short.
pub fn jwt_secret(settings: &Settings) -> anyhow::Result<Secret> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.clone());
    }
    let path = settings.data_dir.join(JWT_SECRET_FILE);
    if path.exists() {
        let kept = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let kept = kept.trim();
        anyhow::ensure!(kept.len() >= 32, "{} holds a key shorter than 32 bytes", path.display());
        return Ok(Secret::new(kept));
    }
    create_private_dir(&settings.data_dir).with_context(|| format!("creating {}", settings.data_dir.display()))?;
    let mut bytes = [0u8; 48];
    rand::fill(&mut bytes);
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    write_private(&path, key.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a JWT signing key for the embedded mode");
    Ok(Secret::new(key))
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    private_file(path)?.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(sqlite_file("sqlite://data/engify.db?mode=rwc"), Some(PathBuf::from("data/engify.db")));
        assert_eq!(sqlite_file("sqlite:///var/lib/engify/db.sqlite"), Some(PathBuf::from("/var/lib/engify/db.sqlite")));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_database_left_readable_by_others_is_narrowed_and_a_new_one_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = std::env::temp_dir().join(format!("engify-embedded-{}", uuid::Uuid::now_v7().simple()));
        let mut settings = crate::settings::Settings::from_env(&std::collections::HashMap::new()).unwrap();
        settings.database_url = format!("sqlite://{}/new/engify.db?mode=rwc", dir.display());
        prepare(&settings).unwrap();
        assert_eq!((mode(&dir), mode(&dir.join("new")), mode(&dir.join("new/engify.db"))), (0o700, 0o700, 0o600));

        let old = dir.join("old");
        fs::create_dir(&old).unwrap();
        fs::set_permissions(&old, fs::Permissions::from_mode(0o755)).unwrap();
        for file in ["engify.db", "engify.db-wal"] {
            fs::write(old.join(file), b"").unwrap();
            fs::set_permissions(old.join(file), fs::Permissions::from_mode(0o644)).unwrap();
        }
        settings.database_url = format!("sqlite://{}/engify.db", old.display());
        prepare(&settings).unwrap();
        assert_eq!((mode(&old.join("engify.db")), mode(&old.join("engify.db-wal"))), (0o600, 0o600));
        assert_eq!(mode(&old), 0o755, "an existing folder keeps its mode");
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn sqlite_urls_name_their_folder() {
        assert_eq!(sqlite_folder("sqlite://data/engify.db?mode=rwc"), Some(PathBuf::from("data")));
        assert_eq!(sqlite_folder("sqlite:///var/lib/engify/db.sqlite"), Some(PathBuf::from("/var/lib/engify")));
        assert_eq!(sqlite_folder("sqlite://engify.db"), None);
        assert_eq!(sqlite_folder("sqlite::memory:"), None);
        assert_eq!(sqlite_folder("postgres://x"), None);
    }

    #[test]
    fn the_generated_key_is_kept_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("engify-embedded-{}", uuid::Uuid::now_v7().simple()));
        let mut settings = crate::settings::Settings::from_env(&std::collections::HashMap::new()).unwrap();
        settings.data_dir = dir.clone();
        let first = jwt_secret(&settings).unwrap();
        let second = jwt_secret(&settings).unwrap();
        assert_eq!(first, second);
        assert!(first.expose().len() >= 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join(JWT_SECRET_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = fs::remove_dir_all(dir);
    }
}
