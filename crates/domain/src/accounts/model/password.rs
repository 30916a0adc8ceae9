//! Passwords: what a user types, the policy a new one must pass, and the stored hash.

use std::fmt;

use crate::shared::Secret;
use crate::shared::validation::InvalidValue;

/// A password as typed at login: 1..=1024 characters (the bound keeps hashing cost bounded;
/// the stricter policy applies only to new passwords).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Password(Secret);

impl Password {
    /// Checks the length only.
    ///
    /// # Errors
    /// When empty or longer than 1024 characters.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        match raw.chars().count() {
            0 => Err(InvalidValue::new("must not be empty")),
            1..=1024 => Ok(Self(Secret::new(raw))),
            _ => Err(InvalidValue::new("must be at most 1024 characters")),
        }
    }

    /// The password itself, for the hasher.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// A password that passes the policy: 12..=128 characters and a `zxcvbn` strength score of at
/// least 3 (of 4), judged with the user's own email and name as known words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPassword(Password);

impl NewPassword {
    /// The fewest characters.
    pub const MIN_CHARS: usize = 12;
    /// The most characters.
    pub const MAX_CHARS: usize = 128;
    /// The lowest accepted `zxcvbn` score.
    pub const MIN_SCORE: u8 = 3;

    /// Checks the policy. `user_inputs` are words a guesser would try first (email, name).
    ///
    /// # Errors
    /// When too short, too long, or too easy to guess.
    pub fn parse(raw: &str, user_inputs: &[&str]) -> Result<Self, InvalidValue> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(InvalidValue::new("must be at least 12 characters"));
        }
        if chars > Self::MAX_CHARS {
            return Err(InvalidValue::new("must be at most 128 characters"));
        }
        let score = u8::from(zxcvbn::zxcvbn(raw, user_inputs).score());
        if score < Self::MIN_SCORE {
            return Err(InvalidValue::new("is too easy to guess; use a longer passphrase of unrelated words"));
        }
        Ok(Self(Password(Secret::new(raw))))
    }

    /// Checks the policy with the words of the user's own email and name as known words.
    ///
    /// # Errors
    /// When too short, too long, or too easy to guess.
    pub fn parse_for_user(raw: &str, email: &str, name: &str) -> Result<Self, InvalidValue> {
        let words = user_words(email, name);
        let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
        Self::parse(raw, &inputs)
    }

    /// As a plain password, for the hasher.
    pub fn as_password(&self) -> &Password {
        &self.0
    }
}

/// The words a guesser knows about a user: the whole email, its parts, and each word of the
/// email and name, lower-cased.
pub fn user_words(email: &str, name: &str) -> Vec<String> {
    let email = email.trim().to_lowercase();
    let mut words = vec![email.clone()];
    if let Some((local, domain)) = email.split_once('@') {
        words.push(local.to_owned());
        words.push(domain.to_owned());
    }
    for text in [email.as_str(), &name.to_lowercase()] {
        words.extend(text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() >= 3).map(str::to_owned));
    }
    words.sort();
    words.dedup();
    words
}

/// A password hash in PHC string format (`$argon2id$v=19$m=…`). Never shown, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a PHC string produced by a hasher.
    pub fn new(phc: impl Into<String>) -> Self {
        Self(phc.into())
    }

    /// The PHC string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_enforces_length_bounds() {
        assert!(NewPassword::parse("Sh0rt!pass", &[]).is_err());
        let long = "correct horse battery staple ".repeat(5);
        assert!(NewPassword::parse(&long, &[]).is_err(), "over 128 characters");
    }

    #[test]
    fn policy_refuses_guessable_passwords() {
        for weak in ["password1234", "aaaaaaaaaaaa", "qwertyuiop123", "123456789012"] {
            assert!(NewPassword::parse(weak, &[]).is_err(), "{weak}");
        }
    }

    #[test]
    fn policy_uses_the_users_own_words() {
        // Strong for a stranger, weak for someone who knows the user's email or name.
        assert!(NewPassword::parse("ada@lovelace.dev", &[]).is_ok());
        assert!(NewPassword::parse_for_user("ada@lovelace.dev", "ada@lovelace.dev", "Ada").is_err());
        assert!(NewPassword::parse("lovelaceada12", &[]).is_ok());
        assert!(NewPassword::parse_for_user("lovelaceada12", "someone@example.com", "Ada Lovelace").is_err());
    }

    #[test]
    fn user_words_split_email_and_name() {
        let words = user_words("Ada.Lovelace@Example.com", "Ada King");
        for w in ["ada.lovelace@example.com", "ada.lovelace", "example.com", "ada", "lovelace", "example", "king"] {
            assert!(words.contains(&w.to_owned()), "{w} in {words:?}");
        }
    }

    #[test]
    fn policy_accepts_a_passphrase() {
        assert!(NewPassword::parse("violet-kettle-harbor-92", &["ada@example.com"]).is_ok());
    }

    #[test]
    fn secrets_never_print() {
        let p = Password::parse("violet-kettle-harbor-92").unwrap();
        assert!(!format!("{p:?}").contains("violet"));
        let h = PasswordHash::new("$argon2id$v=19$m=19456,t=2,p=1$abc$def");
        assert!(!format!("{h:?}").contains("argon2id"));
    }

    #[test]
    fn login_passwords_are_bounded() {
        assert!(Password::parse("").is_err());
        assert!(Password::parse(&"x".repeat(1025)).is_err());
        assert!(Password::parse("x").is_ok());
    }
}
