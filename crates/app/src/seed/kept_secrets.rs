//! [`KeptSecrets`]: the seeder's token generator, which remembers what it makes.

use std::sync::{Mutex, PoisonError};

use adapters_security::RandomTokens;
use domain::accounts::{SecretGenerator, TokenHash};
use domain::shared::Secret;

/// Random tokens (as in production) that are also remembered with their hashes, so that the
/// seeder can use the links its own use cases mail.
#[derive(Default)]
pub(super) struct KeptSecrets {
    kept: Mutex<Vec<(Secret, TokenHash)>>,
}

impl KeptSecrets {
    /// The tokens made so far, forgotten here.
    pub(super) fn take(&self) -> Vec<(Secret, TokenHash)> {
        std::mem::take(&mut *self.kept.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl SecretGenerator for KeptSecrets {
    fn generate(&self) -> (Secret, TokenHash) {
        let made = RandomTokens.generate();
        self.kept.lock().unwrap_or_else(PoisonError::into_inner).push(made.clone());
        made
    }

    fn hash(&self, token: &str) -> TokenHash {
        RandomTokens.hash(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_token_made_is_kept_once_with_its_hash() {
        let secrets = KeptSecrets::default();
        let made = [secrets.generate(), secrets.generate()];
        assert_ne!(made[0].0.expose(), made[1].0.expose());
        let kept = secrets.take();
        assert_eq!(kept, made.to_vec());
        for (secret, hash) in &kept {
            assert_eq!(secrets.hash(secret.expose()), *hash, "hashed as production does");
        }
        assert!(secrets.take().is_empty());
    }
}
