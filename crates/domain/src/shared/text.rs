//! Bounded text value objects (names, titles, descriptions): trimmed, length-checked in
//! characters, free of control characters (multi-line kinds allow line breaks and tabs).

use super::validation::InvalidValue;

/// Whether a text may span several lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lines {
    Single,
    Multi,
}

/// Trims `raw` and checks it against `min..=max` characters and the control-character rule.
pub(crate) fn check_text(raw: &str, min: usize, max: usize, lines: Lines) -> Result<String, InvalidValue> {
    let text = raw.trim();
    let len = text.chars().count();
    if len < min {
        return Err(if min == 1 {
            InvalidValue::new("must not be empty")
        } else {
            InvalidValue::owned(format!("must be at least {min} characters"))
        });
    }
    if len > max {
        return Err(InvalidValue::owned(format!("must be at most {max} characters")));
    }
    let allowed = |c: char| !c.is_control() || (lines == Lines::Multi && matches!(c, '\n' | '\r' | '\t'));
    if !text.chars().all(allowed) {
        return Err(InvalidValue::new("must not contain control characters"));
    }
    Ok(text.to_owned())
}

/// Declares a text value object checked by [`check_text`].
macro_rules! bounded_text {
    ($(#[$meta:meta])* $name:ident, $min:literal..=$max:literal, $lines:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        #[allow(dead_code, reason = "bounds are read by transports, not every type's")]
        impl $name {
            /// The smallest accepted length, in characters.
            pub const MIN_CHARS: usize = $min;
            /// The largest accepted length, in characters.
            pub const MAX_CHARS: usize = $max;

            /// Trims and checks the text.
            ///
            /// # Errors
            /// When the trimmed text is too short, too long, or contains control characters.
            pub fn parse(raw: &str) -> Result<Self, $crate::shared::validation::InvalidValue> {
                $crate::shared::text::check_text(raw, $min, $max, $crate::shared::text::Lines::$lines).map(Self)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use bounded_text;

#[cfg(test)]
mod tests {
    bounded_text!(
        /// A test type.
        Title, 1..=5, Single
    );
    bounded_text!(
        /// A test type.
        Body, 0..=20, Multi
    );

    #[test]
    fn text_is_trimmed_and_counted_in_characters() {
        assert_eq!(Title::parse("  héllo ").unwrap().as_str(), "héllo");
        assert!(Title::parse("   ").is_err());
        assert!(Title::parse("toolong").is_err());
    }

    #[test]
    fn control_characters_are_refused_except_line_breaks_in_multi_line_text() {
        assert!(Title::parse("a\nb").is_err());
        assert!(Title::parse("a\u{7}b").is_err());
        assert_eq!(Body::parse("a\nb\tc").unwrap().as_str(), "a\nb\tc");
        assert!(Body::parse("a\u{0}b").is_err());
        assert_eq!(Body::parse("").unwrap().as_str(), "");
    }
}
