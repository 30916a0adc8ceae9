//! What `seed-demo` reports: the logins and courses of the demo academy, and the text it
//! prints.

use domain::shared::{CourseId, OrganizationId, Role};

use super::{DEMO_NAME, DEMO_PASSWORD, DEMO_SLUG, DEMO_TIMEZONE};

/// One login of the demo academy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    /// The email to log in with.
    pub email: String,
    /// The account's role.
    pub role: Role,
    /// The account's name.
    pub name: String,
}

/// One course of the demo academy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCourseId {
    /// Its code.
    pub code: String,
    /// Its title.
    pub title: String,
    /// Its id.
    pub id: CourseId,
}

/// What `seed-demo` did, and what it prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// Whether this run created the academy (false: it already existed and nothing changed).
    pub created: bool,
    /// The academy.
    pub organization_id: OrganizationId,
    /// Every demo login; they all have [`DEMO_PASSWORD`].
    pub logins: Vec<DemoLogin>,
    /// The academy's courses, ordered by code.
    pub courses: Vec<DemoCourseId>,
    /// Whether demo courses are missing from an existing academy (an interrupted run).
    pub incomplete: bool,
}

impl SeedReport {
    /// The text `seed-demo` prints.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if self.created {
            out.push(format!("Created the demo academy \"{DEMO_NAME}\" (slug {DEMO_SLUG}, {DEMO_TIMEZONE})."));
        } else {
            out.push(format!("The demo academy already exists (slug {DEMO_SLUG}); nothing was changed."));
        }
        if self.incomplete {
            out.push(
                "It is incomplete (an earlier run was interrupted): seed an empty database to get all of it."
                    .to_owned(),
            );
        }
        out.push(String::new());
        out.push(format!("Logins (POST /api/v1/auth/login with \"organizationSlug\": \"{DEMO_SLUG}\"):"));
        out.push(format!("  {:<8} {:<18} {}", "role", "email", "password"));
        for login in &self.logins {
            out.push(format!("  {:<8} {:<18} {DEMO_PASSWORD}", login.role.as_str(), login.email));
        }
        out.push(String::new());
        out.push("Courses:".to_owned());
        for course in &self.courses {
            out.push(format!("  {:<9} {}  {}", course.code, course.id, course.title));
        }
        out.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::logins;

    #[test]
    fn the_report_prints_every_login_with_the_password_and_every_course_id() {
        let course = DemoCourseId {
            code: "MATH-101".to_owned(),
            title: "Calculus I".to_owned(),
            id: CourseId::from_uuid(uuid::Uuid::now_v7()),
        };
        let report = SeedReport {
            created: true,
            organization_id: OrganizationId::from_uuid(uuid::Uuid::now_v7()),
            logins: logins(),
            courses: vec![course.clone()],
            incomplete: false,
        };
        let text = report.render();
        for login in logins() {
            let line = text.lines().find(|l| l.contains(&login.email)).unwrap();
            assert!(line.contains(login.role.as_str()) && line.contains(DEMO_PASSWORD), "{line}");
        }
        assert!(text.contains(&course.id.to_string()) && text.starts_with("Created"));
        assert!(text.contains(r#""organizationSlug": "demo""#), "logins name the academy: {text}");
        let again = SeedReport { created: false, incomplete: true, ..report }.render();
        assert!(again.starts_with("The demo academy already exists") && again.contains("incomplete"));
    }
}
