//! Password hashing with Argon2id: PHC strings, OWASP parameters, the work kept off the async
//! executor, and a dummy hash that makes a login for an unknown email cost as much as one for a
//! known email with a wrong password.

use std::num::NonZeroUsize;
use std::sync::Arc;

use anyhow::Context as _;
use argon2::password_hash::phc::PasswordHash as PhcHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use async_trait::async_trait;
use domain::accounts::{Password, PasswordHash, PasswordHasher};
use tokio::sync::Semaphore;

/// Argon2id with the OWASP parameters: 19 456 KiB of memory, 2 passes, 1 lane.
///
/// Hashing and verifying run on Tokio's blocking pool (each takes tens of milliseconds of CPU
/// and 19 MiB of memory), at most as many at once as the machine has cores: a burst of logins
/// waits in line instead of starting hundreds of threads that would fight for the same cores
/// and hold 19 MiB each.
///
/// Verification takes its parameters from the stored PHC string, so hashes made with older
/// or stronger parameters keep verifying (an unknown email then costs what a hash of the
/// current parameters costs).
#[derive(Clone)]
pub struct Argon2Hasher {
    argon2: Argon2<'static>,
    /// The hash of a random password, verified against when there is no stored hash.
    dummy: Arc<str>,
    /// Bounds the hashes computed at once.
    permits: Arc<Semaphore>,
}

impl Argon2Hasher {
    /// OWASP's memory cost, in KiB.
    pub const MEMORY_KIB: u32 = 19_456;
    /// OWASP's number of passes.
    pub const ITERATIONS: u32 = 2;
    /// OWASP's degree of parallelism.
    pub const PARALLELISM: u32 = 1;

    /// A hasher with the OWASP parameters. Computes the dummy hash once, here.
    ///
    /// # Errors
    /// When the dummy hash cannot be computed (no OS randomness for its salt).
    pub fn new() -> Result<Self, anyhow::Error> {
        Self::with_params(Self::MEMORY_KIB, Self::ITERATIONS, Self::PARALLELISM)
    }

    /// A hasher with other Argon2id parameters: stronger ones for production, or cheap ones
    /// for other crates' tests that hash many passwords. The dummy hash uses the same
    /// parameters, so that timing stays equal.
    ///
    /// # Errors
    /// When the parameters are out of Argon2's range, or the dummy hash cannot be computed.
    pub fn with_params(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self, anyhow::Error> {
        let params = Params::new(memory_kib, iterations, parallelism, None)
            .map_err(|e| anyhow::anyhow!("invalid Argon2 parameters: {e}"))?;
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        // The dummy's password is random so that no typed password can ever match it.
        let mut secret = [0u8; 32];
        rand::fill(&mut secret);
        let dummy = argon2
            .hash_password(&secret)
            .map_err(|e| anyhow::anyhow!("computing the dummy password hash: {e}"))?
            .to_string();
        let cores = std::thread::available_parallelism().map_or(2, NonZeroUsize::get);
        Ok(Self { argon2, dummy: dummy.into(), permits: Arc::new(Semaphore::new(cores)) })
    }

    /// Runs Argon2 work on the blocking pool, once a permit is free.
    async fn run_blocking<T, F>(&self, work: F) -> Result<T, anyhow::Error>
    where
        F: FnOnce(Argon2<'static>) -> Result<T, anyhow::Error> + Send + 'static,
        T: Send + 'static,
    {
        let permit = Arc::clone(&self.permits).acquire_owned().await.context("password hasher closed")?;
        let argon2 = self.argon2.clone();
        tokio::task::spawn_blocking(move || {
            // The permit is held for exactly the duration of the work.
            let _permit = permit;
            work(argon2)
        })
        .await
        .context("password hashing task failed")?
    }
}

impl std::fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Argon2Hasher").field("params", self.argon2.params()).finish_non_exhaustive()
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, anyhow::Error> {
        let password = password.expose().to_owned();
        self.run_blocking(move |argon2| {
            let phc =
                argon2.hash_password(password.as_bytes()).map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?;
            Ok(PasswordHash::new(phc.to_string()))
        })
        .await
    }

    async fn verify(&self, password: &Password, hash: Option<PasswordHash>) -> Result<bool, anyhow::Error> {
        let password = password.expose().to_owned();
        let known = hash.is_some();
        let phc = hash.map_or_else(|| self.dummy.to_string(), |h| h.as_str().to_owned());
        let matches = self
            .run_blocking(move |argon2| {
                let parsed = PhcHash::new(&phc).map_err(|e| anyhow::anyhow!("malformed stored password hash: {e}"))?;
                // A PHC string may legally omit salt and output; a stored hash never does, and
                // without an output nothing could ever match.
                if parsed.salt.is_none() || parsed.hash.is_none() {
                    anyhow::bail!("malformed stored password hash: no salt or output");
                }
                match argon2.verify_password(password.as_bytes(), &parsed) {
                    Ok(()) => Ok(true),
                    Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
                    Err(e) => Err(anyhow::anyhow!("verifying a password: {e}")),
                }
            })
            .await?;
        // The dummy cannot match (its password is random and never leaves this value); the
        // check keeps `None` false whatever happens.
        Ok(known && matches)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    /// An unknown email must cost what a wrong password costs: the dummy it is verified against
    /// is an Argon2id hash with exactly the hasher's parameters (checked on the hash itself,
    /// not with a stopwatch: timings in tests are noise).
    #[tokio::test]
    async fn the_dummy_hash_has_the_parameters_of_real_hashes() {
        let hasher = Argon2Hasher::with_params(64, 3, 1).unwrap();
        let real = hasher.hash(&Password::parse("violet-kettle-harbor-92").unwrap()).await.unwrap();
        let (dummy, real) = (PhcHash::new(&hasher.dummy).unwrap(), PhcHash::new(real.as_str()).unwrap());
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.algorithm.as_str(), "argon2id");
        assert_eq!(dummy.params.get_decimal("t"), Some(3));
    }
}
