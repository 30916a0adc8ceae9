//! Use cases of the catalog: courses, the TAs who teach them, and their products.
//!
//! Every use case checks the actor's role first (403), then that what it names exists in the
//! actor's organization (404: another organization's course, user or product does not exist for
//! the actor), then the business rules, as the domain contract's "Which error wins" orders them.

mod courses;
mod products;
mod tas;

pub use courses::*;
pub use products::*;
pub use tas::*;

use crate::core::Core;

/// Courses, course-TA assignments and products of the caller's organization.
#[derive(Clone)]
pub struct CatalogService {
    core: Core,
}

impl CatalogService {
    /// A service over the core ports.
    pub fn new(core: Core) -> Self {
        Self { core }
    }
}
