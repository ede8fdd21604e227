//! The figures of one `metrics-hub-bench ingest` run, printed in the order the README's table
//! lists them.

use super::latency::Latency;
use super::IngestArgs;

/// Everything measured.
pub(super) struct Report {
    /// Durable ingestion over HTTP, samples/s.
    pub http: f64,
    /// The same calls over OTLP/HTTP protobuf, samples/s.
    pub otlp: f64,
    /// Durable ingestion over the ingestion WebSocket, samples/s.
    pub ws: f64,
    /// `COPY` of the same rows, rows/s.
    pub copy: f64,
    /// One autocommitted `INSERT` per row, rows/s.
    pub naive: f64,
    pub latency: Latency,
    /// Hub RSS (KiB) before the subscribers connected.
    pub rss_before: u64,
    /// Hub RSS (KiB) after they left.
    pub rss_idle: u64,
}

impl Report {
    /// Prints the report on stdout.
    pub fn print(&self, args: &IngestArgs) {
        let per_client = self
            .latency
            .rss_with_subscribers
            .saturating_sub(self.rss_before) as f64
            / args.subscribers.max(1) as f64;
        println!();
        println!(
            "metrics-hub-bench ingest ({} cores)",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        println!(
            "  durable ingest, HTTP batches of {:>5}     {:>10.0} samples/s",
            args.batch, self.http
        );
        println!(
            "  durable ingest, OTLP/HTTP protobuf, {:>5} spans {:>8.0} samples/s ({:.2}x HTTP)",
            args.batch,
            self.otlp,
            self.otlp / self.http
        );
        println!(
            "  durable ingest, WebSocket batches of {:>5} {:>9.0} samples/s",
            args.batch, self.ws
        );
        println!(
            "  PostgreSQL COPY, same rows                 {:>10.0} rows/s",
            self.copy
        );
        println!(
            "  one INSERT per row ({} connections)        {:>10.0} rows/s",
            args.clients, self.naive
        );
        println!(
            "  HTTP ingest / COPY                         {:>10.2}",
            self.http / self.copy
        );
        println!(
            "  HTTP ingest / one INSERT per row           {:>10.1}",
            self.http / self.naive
        );
        println!(
            "  ingest -> subscriber latency ({} subscribers, {} events/s, coalescing {} ms): p50 {:.1} ms, p99 {:.1} ms ({} observations)",
            args.subscribers,
            args.rate,
            args.coalesce_ms,
            self.latency.p50_ms,
            self.latency.p99_ms,
            self.latency.observations
        );
        println!(
            "  hub RSS: {} KiB before subscribers, {} KiB with them ({per_client:.1} KiB per WebSocket client), {} KiB after",
            self.rss_before, self.latency.rss_with_subscribers, self.rss_idle
        );
    }
}
