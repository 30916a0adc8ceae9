//! Trace export over OTLP (HTTP/protobuf) when `OTEL_EXPORTER_OTLP_ENDPOINT` is set: a batch
//! exporter on its own thread, the `tracing` → OpenTelemetry bridge, and the W3C trace-context
//! propagator that lets a request continue its caller's trace.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;

/// The traces endpoint for a base endpoint (`…/v1/traces`), unless
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` names it whole.
pub fn traces_endpoint(base: &str) -> String {
    match std::env::var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
        Ok(full) if !full.trim().is_empty() => full,
        _ => format!("{}/v1/traces", base.trim_end_matches('/')),
    }
}

/// The tracer provider exporting to `base` (built on a thread of its own: the blocking HTTP
/// client must not be created or dropped on an async runtime's thread).
///
/// # Errors
/// When the exporter cannot be built.
pub fn provider(base: &str) -> anyhow::Result<SdkTracerProvider> {
    let endpoint = traces_endpoint(base);
    std::thread::spawn(move || -> anyhow::Result<SdkTracerProvider> {
        let exporter = opentelemetry_otlp::SpanExporter::builder().with_http().with_endpoint(endpoint).build()?;
        let service = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "engify".to_owned());
        Ok(SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(Resource::builder().with_service_name(service).build())
            .build())
    })
    .join()
    .map_err(|_| anyhow::anyhow!("building the OTLP exporter panicked"))?
}

/// The `tracing` layer that turns spans into OpenTelemetry spans of `provider`.
pub fn layer<S>(provider: &SdkTracerProvider) -> impl tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    tracing_opentelemetry::layer().with_tracer(provider.tracer("engify"))
}
