//! The command line: `serve` (default), `worker`, `migrate up|down|status`, `seed-demo`, `openapi`.

use clap::{Parser, Subcommand};

/// Engify: the backend of tutoring academies.
#[derive(Debug, Parser)]
#[command(name = "app", version, about)]
pub struct Cli {
    /// What to run (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// A subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API, with the email worker unless WORKER_ENABLED=false.
    Serve,
    /// Run the email worker only.
    Worker,
    /// Apply, roll back or list migrations.
    Migrate {
        /// The action.
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Create a demo academy (admin, TAs, courses, products, group sessions) and print its
    /// logins; when it exists already, change nothing and print them again.
    SeedDemo,
    /// Print the OpenAPI document.
    Openapi,
}

/// A migration action.
#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Roll back the last migrations.
    Down {
        /// How many.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List applied and pending migrations.
    Status,
}
