//! Logs and traces. Logs: `tracing` with JSON lines (`LOG_FORMAT=json`, the default off a
//! terminal; see [`json`]) or readable lines on a terminal, filtered by `RUST_LOG` (default
//! `info`). Traces: exported over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (see
//! [`otlp`]); the W3C trace-context propagator is installed either way, so a request's span
//! continues its caller's `traceparent`.

pub mod json;
pub mod otlp;

use std::io::IsTerminal;

use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::settings::LogFormat;

/// What must outlive the process's work: the trace exporter, flushed by [`Telemetry::shutdown`].
#[must_use = "shut it down at exit, or the last spans are lost"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports the spans still buffered and stops the exporter.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider {
            // The blocking HTTP client must not be dropped on an async runtime's thread.
            let _ = std::thread::spawn(move || provider.shutdown()).join();
        }
    }
}

/// Installs the global subscriber (once per process; later calls install nothing and export
/// nothing) and the trace-context propagator.
pub fn init(format: Option<LogFormat>, otlp_endpoint: Option<&str>) -> Telemetry {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let format = format.unwrap_or(if std::io::stdout().is_terminal() { LogFormat::Pretty } else { LogFormat::Json });
    let provider = otlp_endpoint.and_then(|endpoint| match otlp::provider(endpoint) {
        Ok(provider) => Some(provider),
        Err(error) => {
            // Logging is not up yet; traces are optional, the service is not.
            #[allow(clippy::print_stderr, reason = "before the subscriber exists")]
            {
                eprintln!("traces are not exported: {error:#}");
            }
            None
        }
    });
    let registry = tracing_subscriber::registry().with(filter).with(provider.as_ref().map(otlp::layer));
    let installed = match format {
        LogFormat::Json => registry
            .with(json::SpanFields)
            .with(tracing_subscriber::fmt::layer().event_format(json::JsonLines))
            .try_init(),
        LogFormat::Pretty => registry.with(tracing_subscriber::fmt::layer()).try_init(),
    };
    Telemetry { provider: installed.is_ok().then_some(provider).flatten() }
}
