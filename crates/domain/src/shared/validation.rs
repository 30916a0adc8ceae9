//! Field-level refusals: why one value was refused ([`InvalidValue`]), which fields of a
//! request were ([`ValidationErrors`], the payload of `validation_failed`), and the
//! [`Validator`] that collects every refusal of a request so that a client learns them all at
//! once.

use std::borrow::Cow;
use std::fmt;

/// Why a single value was refused, without the name of the field it came from
/// (value objects do not know where they were read from; [`Validator`] adds the field).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub Cow<'static, str>);

impl InvalidValue {
    /// A refusal with a fixed message.
    pub const fn new(message: &'static str) -> Self {
        Self(Cow::Borrowed(message))
    }

    /// A refusal with a computed message.
    pub fn owned(message: String) -> Self {
        Self(Cow::Owned(message))
    }
}

/// One refused field: its path in the request (`admin.email`, `weekly[2].end`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field in the request, in the request's own (camelCase) names.
    pub field: String,
    /// Why the value was refused, for a human.
    pub message: Cow<'static, str>,
}

/// A non-empty list of refused fields: the payload of `validation_failed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    /// One refused field.
    pub fn single(field: impl Into<String>, error: InvalidValue) -> Self {
        Self(vec![FieldError { field: field.into(), message: error.0 }])
    }

    /// The refused fields, in the order they were checked.
    pub fn fields(&self) -> &[FieldError] {
        &self.0
    }

    /// Whether `field` is among the refused fields.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Collects the field errors of a whole request, so that a client learns every problem at once.
///
/// ```
/// use domain::shared::validation::Validator;
/// use domain::tenancy::Slug;
///
/// let mut v = Validator::default();
/// let slug = v.field("slug", Slug::parse("No Spaces Allowed"));
/// assert!(slug.is_none());
/// let errors = v.into_errors();
/// assert_eq!(errors.fields()[0].field, "slug");
/// ```
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// Records the refusal of `field`, if any, and passes an accepted value through.
    pub fn field<T>(&mut self, field: impl Into<String>, result: Result<T, InvalidValue>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.errors.push(FieldError { field: field.into(), message: e.0 });
                None
            }
        }
    }

    /// Like [`Validator::field`] for an optional input: `None` stays `Some(None)`.
    pub fn optional<T>(
        &mut self,
        field: impl Into<String>,
        result: Option<Result<T, InvalidValue>>,
    ) -> Option<Option<T>> {
        match result {
            None => Some(None),
            Some(r) => self.field(field, r).map(Some),
        }
    }

    /// Records a refusal found by a check that is not a parse (e.g. a cross-field rule).
    pub fn refuse(&mut self, field: impl Into<String>, error: InvalidValue) {
        self.errors.push(FieldError { field: field.into(), message: error.0 });
    }

    /// Passes a nested object's checked value through, or records its refused fields with
    /// their paths prefixed by `prefix.`.
    pub fn nested<T>(&mut self, prefix: &str, result: Result<T, ValidationErrors>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(errors) => {
                self.errors.extend(
                    errors
                        .0
                        .into_iter()
                        .map(|e| FieldError { field: format!("{prefix}.{}", e.field), message: e.message }),
                );
                None
            }
        }
    }

    /// Whether nothing has been refused so far.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(())` when nothing was refused, else every refusal.
    ///
    /// # Errors
    /// The collected field errors, when there is at least one.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() { Ok(()) } else { Err(ValidationErrors(self.errors)) }
    }

    /// The collected errors. Call it only after a [`Validator::field`] returned `None`: the list
    /// is then non-empty.
    pub fn into_errors(self) -> ValidationErrors {
        debug_assert!(!self.errors.is_empty(), "into_errors called without a refusal");
        ValidationErrors(self.errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validator_collects_every_refusal_with_its_path() {
        let mut v = Validator::default();
        assert_eq!(v.field("a", Ok::<_, InvalidValue>(1)), Some(1));
        assert_eq!(v.field::<u8>("b", Err(InvalidValue::new("too long"))), None);
        assert_eq!(v.optional::<u8>("c", None), Some(None));
        assert_eq!(v.nested("admin", Ok::<_, ValidationErrors>(7)), Some(7));
        let refused: Result<u8, _> = Err(ValidationErrors::single("email", InvalidValue::new("not an email")));
        assert_eq!(v.nested("admin", refused), None);
        let errors = v.finish().unwrap_err();
        assert_eq!(errors.fields().len(), 2);
        assert!(errors.has("b"));
        assert!(errors.has("admin.email"));
        assert_eq!(errors.to_string(), "b: too long; admin.email: not an email");
    }
}
