//! Catalog use cases with mocked ports: roles first, then tenant-scoped existence, then the
//! business rules, and exactly what each use case writes.

mod courses;
mod product_updates;
mod products;
mod tas;

use std::sync::Arc;

use super::*;
use crate::accounts::User;
use crate::core::Core;
use crate::fixtures::*;
use crate::shared::{CourseId, FixedClock, Role, UserId};
use crate::store::Store;
use crate::testing::{MockStore, SequentialIds};

/// A service over `store`, and the store itself to count transactions and commits.
fn counted(store: MockStore) -> (Arc<MockStore>, CatalogService) {
    let store = Arc::new(store);
    let shared: Arc<dyn Store> = store.clone();
    let core = Core::new(shared, Arc::new(FixedClock(now())), Arc::new(SequentialIds::default()));
    (store, CatalogService::new(core))
}

/// The first id [`SequentialIds`] hands out.
fn first_new_id<T: From<uuid::Uuid>>() -> T {
    id(1_000_001)
}

/// The users of the organization, by fixture number.
fn member(n: u128) -> Option<User> {
    match n {
        ADMIN => Some(user(n, Role::Admin)),
        TA_1 | TA_2 => Some(user(n, Role::Ta)),
        STUDENT_1 | STUDENT_2 => Some(user(n, Role::Student)),
        _ => None,
    }
}

/// `courses().get` answers with the course only when asked with the organization's id, as a
/// tenant-scoped store does.
fn course_in_org(store: &mut MockStore) {
    store.courses.expect_get().returning(|o, c| Ok((o == org_id() && c == id::<CourseId>(COURSE)).then(course)));
}

/// `users().get` answers with the organization's members only when asked with its id.
fn users_in_org(store: &mut MockStore) {
    store.users.expect_get().returning(|o, u: UserId| Ok(member(u.as_uuid().as_u128()).filter(|_| o == org_id())));
}
