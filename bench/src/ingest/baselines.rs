//! Baselines on the same PostgreSQL in the same run: `COPY` (the fastest way to load rows) and
//! one autocommitted `INSERT` per row from `clients` connections (a naive service's cost
//! without its HTTP layer, which only flatters the baseline).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use futures_util::SinkExt;
use tokio_postgres::Client;

use super::target::Target;
use super::IngestArgs;
use crate::progress;
use crate::BenchError;

async fn connect(url: &str) -> Result<Client, BenchError> {
    crate::cluster::connect(url)
        .await
        .map_err(|e| BenchError::Run(format!("baseline connection: {e}")))
}

/// Rows per second loaded with `COPY ... FROM STDIN` (text format), same columns as ingestion.
pub async fn copy(args: &IngestArgs, target: &Target) -> Result<f64, BenchError> {
    let client = connect(&target.database_url).await?;
    let assistant = target.assistants.first().copied().unwrap_or(1);
    let bar = progress::bar(args.events, "PostgreSQL COPY (rows)");
    let started = Instant::now();
    let sink = client
        .copy_in(
            "COPY usage_samples (assistant_id, ts, kind, calls, errors, duration_ms, cost_nanos, \
             tokens_in, tokens_out, model, status, status_code, latency_ms, country, domain) FROM STDIN",
        )
        .await
        .map_err(|e| BenchError::Run(format!("COPY: {e}")))?;
    futures_util::pin_mut!(sink);
    let mut chunk = String::new();
    for i in 0..args.events {
        chunk.push_str(&format!(
            "{assistant}\t2026-01-01 00:00:00+00\tcall\t1\t0\t{}\t4200000\t{}\t{}\tgpt-4o\tsuccess\t200\t{}\tDE\tsupport\n",
            30_000 + i,
            500 + i % 700,
            100 + i % 300,
            200 + i % 1800
        ));
        if chunk.len() > 1 << 20 || i + 1 == args.events {
            sink.send(Bytes::from(std::mem::take(&mut chunk)))
                .await
                .map_err(|e| BenchError::Run(format!("COPY: {e}")))?;
            bar.set_position(i as u64 + 1);
        }
    }
    sink.as_mut()
        .finish()
        .await
        .map_err(|e| BenchError::Run(format!("COPY: {e}")))?;
    bar.finish();
    Ok(args.events as f64 / started.elapsed().as_secs_f64())
}

/// Rows per second with one autocommitted `INSERT` per row.
pub async fn one_insert_per_row(args: &IngestArgs, target: &Target) -> Result<f64, BenchError> {
    let assistant = target.assistants.first().copied().unwrap_or(1);
    let next = Arc::new(AtomicUsize::new(0));
    let bar = progress::bar(args.naive_rows, "one INSERT per row (rows)");
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.clients.max(1) {
        let client = connect(&target.database_url).await?;
        let (next, bar, total) = (Arc::clone(&next), bar.clone(), args.naive_rows);
        workers.push(actix_rt::spawn(async move {
            let insert = client
                .prepare(
                    "INSERT INTO usage_samples (assistant_id, ts, kind, calls, errors, duration_ms, \
                     cost_nanos, tokens_in, tokens_out, model, status, status_code, latency_ms) \
                     VALUES ($1, now(), 'call', 1, 0, 30000, 4200000, 500, 100, 'gpt-4o', 'success', 200, 800)",
                )
                .await
                .map_err(|e| BenchError::Run(format!("naive insert: {e}")))?;
            while next.fetch_add(1, Ordering::Relaxed) < total {
                client
                    .execute(&insert, &[&assistant])
                    .await
                    .map_err(|e| BenchError::Run(format!("naive insert: {e}")))?;
                bar.inc(1);
            }
            Ok::<(), BenchError>(())
        }));
    }
    for worker in workers {
        worker.await.map_err(|e| BenchError::Run(e.to_string()))??;
    }
    bar.finish();
    Ok(args.naive_rows as f64 / started.elapsed().as_secs_f64())
}
