#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod application;
pub mod cli;
pub mod embedded;
pub mod housekeeping;
pub mod metrics;
pub mod migrate;
pub mod revocation_sync;
pub mod seed;
pub mod settings;
pub mod settlement_jobs;
pub mod shared_stores;
pub mod telemetry;
pub mod worker;

pub use application::Application;
pub use settings::Settings;

use cli::{Command, MigrateAction};

/// Runs one command of the binary.
///
/// # Errors
/// Whatever the command fails with.
pub async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => Application::build(settings).await?.run_until_stopped(application::shutdown_signal()).await,
        Command::Worker => application::run_worker(settings).await,
        Command::Migrate { action } => {
            embedded::prepare(&settings)?;
            match action {
                MigrateAction::Up => migrate::up(&settings.database_url).await,
                MigrateAction::Down { steps } => migrate::down(&settings.database_url, steps).await,
                MigrateAction::Status => {
                    let lines = migrate::status(&settings.database_url).await?;
                    print_out(&lines.join("\n"))
                }
            }
        }
        Command::SeedDemo => print_out(&seed::seed_demo(&settings).await?.render()),
        Command::Openapi => print_out(&serde_json::to_string_pretty(&api_http::openapi())?),
    }
}

/// Writes a command's output; a closed pipe (`app openapi | head`) is not an error.
fn print_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
