//! Courses, course-TA assignments and products.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::booking::{PolicyTerms, PolicyTermsPatch};
use crate::shared::text::bounded_text;
use crate::shared::validation::{InvalidValue, ValidationErrors, Validator};
use crate::shared::{Cents, CourseId, Currency, OrganizationId, ProductId};

/// A course code, unique per organization: 1..=32 characters of letters, digits, `.`, `_` and
/// `-`, starting with a letter or digit; stored upper-cased so that `math-101` and `MATH-101`
/// are the same code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CourseCode(String);

impl CourseCode {
    /// Parses and upper-cases a code.
    ///
    /// # Errors
    /// When it is empty, too long, or has other characters.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let code = raw.trim().to_ascii_uppercase();
        let first_ok = code.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok = code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if first_ok && rest_ok && code.len() <= 32 {
            Ok(Self(code))
        } else {
            Err(InvalidValue::new("must be 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit"))
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CourseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

bounded_text!(
    /// A course title (1..=200 characters).
    CourseTitle, 1..=200, Single
);
bounded_text!(
    /// A course description (up to 5000 characters, several lines allowed).
    CourseDescription, 0..=5000, Multi
);
bounded_text!(
    /// A product name (1..=120 characters).
    ProductName, 1..=120, Single
);

/// A course of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    /// Its id.
    pub id: CourseId,
    /// Its organization.
    pub organization_id: OrganizationId,
    /// Its code, unique in the organization.
    pub code: CourseCode,
    /// Its title.
    pub title: CourseTitle,
    /// Its description (possibly empty).
    pub description: CourseDescription,
    /// Whether sessions can be booked or scheduled for it.
    pub active: bool,
    /// The policy terms it sets for its bookings (unset: the organization's).
    pub policy: PolicyTerms,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// A new course (`POST /courses`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCourse {
    /// The code.
    pub code: CourseCode,
    /// The title.
    pub title: CourseTitle,
    /// The description, empty if not given.
    pub description: CourseDescription,
    /// The policy terms it overrides.
    pub policy: PolicyTerms,
}

/// A change to a course (`PATCH /courses/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoursePatch {
    /// A new title.
    pub title: Option<CourseTitle>,
    /// A new description.
    pub description: Option<CourseDescription>,
    /// Activate or deactivate.
    pub active: Option<bool>,
    /// Policy terms set or cleared (bookings already made keep theirs).
    pub policy: PolicyTermsPatch,
}

impl Course {
    /// The course with the patch applied.
    #[must_use]
    pub fn patched(mut self, patch: &CoursePatch) -> Self {
        if let Some(t) = &patch.title {
            self.title = t.clone();
        }
        if let Some(d) = &patch.description {
            self.description = d.clone();
        }
        if let Some(a) = patch.active {
            self.active = a;
        }
        self.policy = self.policy.apply(&patch.policy);
        self
    }
}

/// What a product sells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductKind {
    /// The pay-per-session price of an individual session of the course.
    SingleSession,
    /// A bundle of sessions valid for some days.
    Bundle {
        /// Sessions in the bundle, `1..=100`.
        session_count: u32,
        /// Days the bundle stays valid after purchase, `1..=730`.
        validity_days: u32,
    },
}

impl ProductKind {
    /// `single_session` or `bundle`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            ProductKind::SingleSession => "single_session",
            ProductKind::Bundle { .. } => "bundle",
        }
    }
}

/// Something a course sells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// Its id.
    pub id: ProductId,
    /// Its organization.
    pub organization_id: OrganizationId,
    /// The course it belongs to.
    pub course_id: CourseId,
    /// What it sells.
    pub kind: ProductKind,
    /// Its name.
    pub name: ProductName,
    /// Its price.
    pub price: Cents,
    /// The currency of the price (the organization's when it was created).
    pub currency: Currency,
    /// Whether it can be bought.
    pub active: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl Product {
    /// Whether it is the active pay-per-session price of its course.
    pub fn is_active_session_price(&self) -> bool {
        self.active && self.kind == ProductKind::SingleSession
    }
}

/// A new product (`POST /courses/{id}/products`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProduct {
    /// What it sells.
    pub kind: ProductKind,
    /// Its name.
    pub name: ProductName,
    /// Its price.
    pub price: Cents,
}

fn bounded(value: i64, min: i64, max: i64) -> Result<u32, InvalidValue> {
    if (min..=max).contains(&value) {
        u32::try_from(value).map_err(|_| InvalidValue::new("out of range"))
    } else {
        Err(InvalidValue::owned(format!("must be between {min} and {max}")))
    }
}

impl NewProduct {
    /// Parses a product as a client sent it: a bundle needs `sessionCount` (1..=100) and
    /// `validityDays` (1..=730); a single-session product must not have them.
    ///
    /// # Errors
    /// Every malformed field.
    pub fn parse(
        kind: &str,
        name: &str,
        price_cents: i64,
        session_count: Option<i64>,
        validity_days: Option<i64>,
    ) -> Result<Self, ValidationErrors> {
        let mut v = Validator::default();
        let name = v.field("name", ProductName::parse(name));
        let price = v.field("priceCents", Cents::new(price_cents));
        let kind = match kind {
            "single_session" => {
                if session_count.is_some() {
                    v.refuse("sessionCount", InvalidValue::new("must not be set for a single_session product"));
                }
                if validity_days.is_some() {
                    v.refuse("validityDays", InvalidValue::new("must not be set for a single_session product"));
                }
                Some(ProductKind::SingleSession)
            }
            "bundle" => {
                let missing = || Err(InvalidValue::new("is required for a bundle"));
                let sessions = v.field("sessionCount", session_count.map_or_else(missing, |n| bounded(n, 1, 100)));
                let days = v.field("validityDays", validity_days.map_or_else(missing, |n| bounded(n, 1, 730)));
                sessions
                    .zip(days)
                    .map(|(session_count, validity_days)| ProductKind::Bundle { session_count, validity_days })
            }
            _ => v.field("kind", Err(InvalidValue::new("must be single_session or bundle"))),
        };
        match (kind, name, price) {
            (Some(kind), Some(name), Some(price)) if v.is_ok() => Ok(Self { kind, name, price }),
            _ => Err(v.into_errors()),
        }
    }
}

/// A change to a product (`PATCH /products/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductPatch {
    /// A new name.
    pub name: Option<ProductName>,
    /// A new price (bundles already bought keep what was paid).
    pub price: Option<Cents>,
    /// Activate or deactivate.
    pub active: Option<bool>,
}

impl Product {
    /// The product with the patch applied.
    #[must_use]
    pub fn patched(mut self, patch: &ProductPatch) -> Self {
        if let Some(n) = &patch.name {
            self.name = n.clone();
        }
        if let Some(p) = patch.price {
            self.price = p;
        }
        if let Some(a) = patch.active {
            self.active = a;
        }
        self
    }
}

/// Sorts products as the API lists them: active first, then by creation, then by id.
pub fn sort_products(products: &mut [Product]) {
    products.sort_by_key(|p| (!p.active, p.created_at, p.id));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn course_codes_are_upper_cased_and_restricted() {
        assert_eq!(CourseCode::parse(" math-101 ").unwrap().as_str(), "MATH-101");
        assert_eq!(CourseCode::parse("cs.intro_2").unwrap().as_str(), "CS.INTRO_2");
        for bad in ["", "-math", "math 101", "mäth", &"a".repeat(33)] {
            assert!(CourseCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bundles_need_count_and_validity_in_range() {
        let p = NewProduct::parse("bundle", "10 sessions", 45_000, Some(10), Some(180)).unwrap();
        assert_eq!(p.kind, ProductKind::Bundle { session_count: 10, validity_days: 180 });
        let e = NewProduct::parse("bundle", "x", 1, None, Some(731)).unwrap_err();
        assert!(e.has("sessionCount") && e.has("validityDays"));
        let e = NewProduct::parse("bundle", "x", 1, Some(0), Some(1)).unwrap_err();
        assert!(e.has("sessionCount"));
        assert!(NewProduct::parse("bundle", "x", 1, Some(100), Some(730)).is_ok());
        assert!(NewProduct::parse("bundle", "x", 1, Some(101), Some(1)).is_err());
    }

    #[test]
    fn single_session_products_refuse_bundle_fields() {
        assert!(NewProduct::parse("single_session", "Hour", 5_000, None, None).is_ok());
        let e = NewProduct::parse("single_session", "Hour", 5_000, Some(3), Some(3)).unwrap_err();
        assert!(e.has("sessionCount") && e.has("validityDays"));
    }

    #[test]
    fn unknown_kind_bad_name_and_price_are_all_reported() {
        let e = NewProduct::parse("subscription", "", -1, None, None).unwrap_err();
        assert!(e.has("kind") && e.has("name") && e.has("priceCents"), "{e}");
    }

    #[test]
    fn products_sort_active_first_then_by_creation() {
        let base = chrono::Utc::now();
        let mk = |n: u128, active: bool, mins: i64| Product {
            id: ProductId::from_uuid(uuid::Uuid::from_u128(n)),
            organization_id: OrganizationId::from_uuid(uuid::Uuid::nil()),
            course_id: CourseId::from_uuid(uuid::Uuid::nil()),
            kind: ProductKind::SingleSession,
            name: ProductName::parse("p").unwrap(),
            price: Cents::ZERO,
            currency: Currency::EUR,
            active,
            created_at: base + chrono::TimeDelta::minutes(mins),
        };
        let mut ps = vec![mk(1, false, 0), mk(2, true, 5), mk(3, true, 1), mk(4, false, -1)];
        sort_products(&mut ps);
        let order: Vec<u128> = ps.iter().map(|p| p.id.as_uuid().as_u128()).collect();
        assert_eq!(order, vec![3, 2, 4, 1]);
    }

    #[test]
    fn patches_change_only_what_they_set() {
        let base = chrono::Utc::now();
        let c = Course {
            id: CourseId::from_uuid(uuid::Uuid::nil()),
            organization_id: OrganizationId::from_uuid(uuid::Uuid::nil()),
            code: CourseCode::parse("A").unwrap(),
            title: CourseTitle::parse("Algebra").unwrap(),
            description: CourseDescription::parse("").unwrap(),
            active: true,
            policy: PolicyTerms { max_reschedules: Some(1), ..PolicyTerms::default() },
            created_at: base,
        };
        let patched = c.clone().patched(&CoursePatch { active: Some(false), ..CoursePatch::default() });
        assert!(!patched.active);
        assert_eq!(patched.policy, c.policy, "terms the patch does not name stay");
        let terms = PolicyTermsPatch {
            max_reschedules: Some(None),
            no_show: Some(Some(crate::booking::LateOutcome::Refund)),
            ..PolicyTermsPatch::default()
        };
        let repoliced = c.clone().patched(&CoursePatch { policy: terms, ..CoursePatch::default() });
        assert_eq!(repoliced.policy.max_reschedules, None, "null clears a term");
        assert_eq!(repoliced.policy.no_show, Some(crate::booking::LateOutcome::Refund));
        assert_eq!(patched.title, c.title);
    }
}
