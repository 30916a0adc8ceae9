//! Raw SQL on a bare migrated connection, for the migration tests (which write rows in the
//! schema of an earlier migration, where the entities do not fit).

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// A uuid literal of the backend (PostgreSQL text, SQLite 16-byte blob) for the small number `n`.
pub fn id(db: &DatabaseConnection, n: u8) -> String {
    let uuid = uuid::Uuid::from_u128(u128::from(n));
    match db.get_database_backend() {
        DbBackend::Postgres => format!("'{uuid}'"),
        _ => format!("x'{}'", uuid.simple()),
    }
}

/// Runs `sql`.
///
/// # Errors
/// The database's refusal.
pub async fn exec(db: &DatabaseConnection, sql: &str) -> Result<(), sea_orm::DbErr> {
    db.execute_unprepared(sql).await.map(|_| ())
}

/// The one integer `sql` selects.
///
/// # Panics
/// When the query fails or selects no integer.
pub async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let statement = Statement::from_string(db.get_database_backend(), sql.to_owned());
    let row = db.query_one_raw(statement).await.expect(sql).expect("one row");
    row.try_get_by_index::<i64>(0).expect("an integer")
}

/// Rolls back the migration `name` and every one applied after it, however many later
/// migrations there are (tests of one migration's data path stay valid as new ones land).
#[allow(dead_code, reason = "used by the migration tests only")]
pub async fn down_through(db: &DatabaseConnection, name: &str) {
    use migrations::{Migrator, MigratorTrait};
    let applied = Migrator::get_applied_migrations(db).await.expect("applied migrations");
    let from = applied.iter().position(|m| m.name() == name).unwrap_or_else(|| panic!("{name} is not applied"));
    let steps = u32::try_from(applied.len() - from).expect("a few migrations");
    Migrator::down(db, Some(steps)).await.expect("roll back");
}
