//! Logs on standard error, and, with `serve --otlp-endpoint`, the verifier's
//! spans (request, queue, guest) exported over OTLP/HTTP with protobuf.

use anyhow::Context;
use opentelemetry::trace::TracerProvider;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use std::io::IsTerminal;
use std::time::Duration;
use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Longest wait for the collector, per export and at shutdown.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(5);

/// Flushes and stops the span export when dropped.
pub struct Telemetry(Option<SdkTracerProvider>);

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.0.take() {
            if let Err(e) = provider.shutdown_with_timeout(EXPORT_TIMEOUT) {
                tracing::warn!("trace export: shutting down: {e}");
            }
        }
    }
}

/// Logs to standard error (RUST_LOG sets the filter, default info); with
/// `otlp`, an `http://` URL such as `http://127.0.0.1:4318/v1/traces`, also
/// exports the verifier's spans there, in batches, off the request path.
/// Call before starting a Tokio runtime, and drop the result after it ends.
pub fn init(otlp: Option<&str>) -> anyhow::Result<Telemetry> {
    let logs = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")));
    let (spans, provider) = match otlp {
        Some(endpoint) => {
            if !endpoint.starts_with("http://") {
                anyhow::bail!("--otlp-endpoint: expected an http:// URL, got {endpoint:?}");
            }
            let exporter = SpanExporter::builder()
                .with_http()
                .with_endpoint(endpoint)
                .with_timeout(EXPORT_TIMEOUT)
                .build()
                .context("--otlp-endpoint")?;
            let provider = SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_resource(
                    Resource::builder()
                        .with_service_name("ligerito-node")
                        .build(),
                )
                .build();
            let tracer = provider.tracer("ligerito-node");
            // Only the verifier's own spans: request, queue and guest.
            let layer = tracing_opentelemetry::layer()
                .with_tracer(tracer)
                .with_filter(Targets::new().with_target("ligerito_rpc", LevelFilter::INFO));
            (Some(layer), Some(provider))
        }
        None => (None, None),
    };
    tracing_subscriber::registry().with(logs).with(spans).init();
    Ok(Telemetry(provider))
}
