//! The embedded default's files under the data directory: the SQLite database's folder and the
//! JWT signing key, generated once and kept (readable by the owner only) so that tokens survive
//! restarts without any configuration.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use base64::Engine as _;
use domain::shared::Secret;

use crate::settings::Settings;

/// The file keeping the generated JWT key.
pub const JWT_SECRET_FILE: &str = "jwt-secret";

/// The folder of a SQLite URL's file (`sqlite://data/engify.db?mode=rwc` → `data`), if any.
pub fn sqlite_folder(url: &str) -> Option<PathBuf> {
    let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()).map(Path::to_path_buf)
}

/// Creates the folders the embedded mode writes to.
///
/// # Errors
/// When a folder cannot be created.
pub fn prepare(settings: &Settings) -> anyhow::Result<()> {
    if let Some(folder) = sqlite_folder(&settings.database_url) {
        fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    Ok(())
}

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
    fs::create_dir_all(&settings.data_dir).with_context(|| format!("creating {}", settings.data_dir.display()))?;
    let mut bytes = [0u8; 48];
    rand::fill(&mut bytes);
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    write_private(&path, key.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a JWT signing key for the embedded mode");
    Ok(Secret::new(key))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

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
