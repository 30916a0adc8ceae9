//! The `app` binary: parse the command line, read `.env` and the settings (an invalid value
//! stops here with one line naming the variable), start logging, run the command.

use std::process::ExitCode;

use app::cli::{Cli, Command};
use app::{Settings, telemetry};
use clap::Parser;

/// mimalloc rather than the system allocator: a request allocates and frees many small
/// buffers, which glibc's malloc served at ~13% of the app's CPU (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
#[allow(clippy::print_stderr, reason = "configuration errors are reported before logging starts")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match dotenvy::dotenv() {
        Ok(_) => {}
        Err(error) if error.not_found() => {}
        Err(error) => {
            eprintln!("invalid configuration: .env: {error}");
            return ExitCode::from(2);
        }
    }
    let settings = match Settings::from_env(&std::env::vars().collect()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let telemetry = telemetry::init(settings.log_format, settings.otlp_endpoint.as_deref());
    let code = match app::run(cli.command.unwrap_or(Command::Serve), settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "failed");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    };
    telemetry.shutdown();
    code
}
