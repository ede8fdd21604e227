//! The analytics rollups of a batch: `breakdown_rollups` (totals and a latency histogram per
//! hour or day, model and status) and `label_rollups` (calls per status code, country and
//! domain), both added with additive upserts in the batch's transaction. Per-call samples go
//! into hour and day buckets, daily records into day buckets only (like `day_rollups`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Integer, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::latency::Histogram;
use hub::{Sample, SampleKind, Totals};

/// Rollup widths: an hour and a day.
pub const HOUR: i32 = 3600;
pub const DAY: i32 = 86_400;

/// The start of the `width`-second bucket holding `ts`.
fn bucket(ts: DateTime<Utc>, width: i32) -> DateTime<Utc> {
    let secs = ts.timestamp();
    DateTime::from_timestamp(secs - secs.rem_euclid(i64::from(width)), 0).unwrap_or(ts)
}

/// The widths a sample is rolled up at.
fn widths(sample: &Sample) -> &'static [i32] {
    match sample.kind {
        SampleKind::Call => &[HOUR, DAY],
        SampleKind::Daily => &[DAY],
    }
}

/// `(width, bucket, model, status)`.
type BreakdownKey = (i32, DateTime<Utc>, String, String);
/// `(width, bucket, dimension, label)`.
type LabelKey = (i32, DateTime<Utc>, &'static str, String);

#[derive(Default)]
struct BreakdownSums {
    totals: Totals,
    latency_calls: i64,
    latency_sum_ms: i64,
    latency: Histogram,
}

#[derive(Default)]
struct LabelSums {
    calls: i64,
    errors: i64,
    cost_nanos: i64,
}

/// The labels a call is counted under.
fn labels(sample: &Sample) -> impl Iterator<Item = (&'static str, String)> + '_ {
    [
        ("status_code", sample.status_code.map(|c| c.to_string())),
        ("country", sample.country.clone()),
        ("domain", sample.domain.clone()),
    ]
    .into_iter()
    .filter_map(|(dimension, label)| label.map(|l| (dimension, l)))
}

/// Adds the analytics rollups of `samples` (all new, all of `assistant_id`).
pub async fn add(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    samples: &[&Sample],
) -> diesel::QueryResult<()> {
    let mut breakdowns: BTreeMap<BreakdownKey, BreakdownSums> = BTreeMap::new();
    let mut labelled: BTreeMap<LabelKey, LabelSums> = BTreeMap::new();
    for sample in samples {
        for &width in widths(sample) {
            let at = bucket(sample.ts, width);
            let key = (
                width,
                at,
                sample.model.clone().unwrap_or_default(),
                sample.status.clone().unwrap_or_default(),
            );
            let sums = breakdowns.entry(key).or_default();
            sums.totals.add_sample(sample);
            if let Some(ms) = sample.latency_ms {
                sums.latency_calls += 1;
                sums.latency_sum_ms += i64::from(ms);
                sums.latency.record(ms);
            }
            if sample.kind == SampleKind::Call {
                for (dimension, label) in labels(sample) {
                    let sums = labelled.entry((width, at, dimension, label)).or_default();
                    // Saturating like `Totals`: the day row of the same batch is then refused.
                    sums.calls = sums.calls.saturating_add(sample.calls);
                    sums.errors = sums.errors.saturating_add(sample.errors);
                    sums.cost_nanos = sums.cost_nanos.saturating_add(sample.cost_nanos);
                }
            }
        }
    }
    upsert_breakdowns(conn, assistant_id, &breakdowns).await?;
    if !labelled.is_empty() {
        upsert_labels(conn, assistant_id, &labelled).await?;
    }
    Ok(())
}

async fn upsert_breakdowns(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    rows: &BTreeMap<BreakdownKey, BreakdownSums>,
) -> diesel::QueryResult<usize> {
    let keys = || rows.keys();
    let sum = |f: fn(&BreakdownSums) -> i64| rows.values().map(f).collect::<Vec<i64>>();
    // Histograms travel trimmed (first bin, counts) as one flattened array plus each row's
    // length, since PostgreSQL arrays cannot be ragged.
    let stored: Vec<(usize, &[i64])> = rows.values().map(|s| s.latency.stored()).collect();
    let firsts: Vec<i32> = stored
        .iter()
        .map(|(first, _)| i32::try_from(*first).unwrap_or(0))
        .collect();
    let lengths: Vec<i32> = stored
        .iter()
        .map(|(_, counts)| i32::try_from(counts.len()).unwrap_or(0))
        .collect();
    let flat: Vec<i64> = stored
        .iter()
        .flat_map(|(_, counts)| counts.iter().copied())
        .collect();
    diesel::sql_query(
        "WITH input AS (
             SELECT *, (sum(len) OVER (ORDER BY n) - len)::integer AS offset_
             FROM unnest($2::integer[], $3::timestamptz[], $4::text[], $5::text[],
                         $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[],
                         $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[],
                         $15::integer[], $16::integer[])
                  WITH ORDINALITY AS t (width, bucket, model, status, samples, calls, errors,
                                        duration_ms, cost_nanos, tokens_in, tokens_out,
                                        latency_calls, latency_sum_ms, first_bin, len, n)
         )
         INSERT INTO breakdown_rollups
         SELECT $1, width, bucket, model, status, samples, calls, errors, duration_ms,
                cost_nanos, tokens_in, tokens_out, latency_calls, latency_sum_ms, first_bin,
                coalesce(($17::bigint[])[offset_ + 1 : offset_ + len], '{}')
         FROM input
         ORDER BY n
         ON CONFLICT (assistant_id, width_seconds, bucket, model, status) DO UPDATE SET
             samples = breakdown_rollups.samples + EXCLUDED.samples,
             calls = breakdown_rollups.calls + EXCLUDED.calls,
             errors = breakdown_rollups.errors + EXCLUDED.errors,
             duration_ms = breakdown_rollups.duration_ms + EXCLUDED.duration_ms,
             cost_nanos = breakdown_rollups.cost_nanos + EXCLUDED.cost_nanos,
             tokens_in = breakdown_rollups.tokens_in + EXCLUDED.tokens_in,
             tokens_out = breakdown_rollups.tokens_out + EXCLUDED.tokens_out,
             latency_calls = breakdown_rollups.latency_calls + EXCLUDED.latency_calls,
             latency_sum_ms = breakdown_rollups.latency_sum_ms + EXCLUDED.latency_sum_ms,
             latency_first_bin = hist_first(
                 breakdown_rollups.latency_first_bin, breakdown_rollups.latency_bins,
                 EXCLUDED.latency_first_bin, EXCLUDED.latency_bins),
             latency_bins = hist_add(
                 breakdown_rollups.latency_first_bin, breakdown_rollups.latency_bins,
                 EXCLUDED.latency_first_bin, EXCLUDED.latency_bins)",
    )
    .bind::<BigInt, _>(assistant_id)
    .bind::<Array<Integer>, _>(keys().map(|k| k.0).collect::<Vec<_>>())
    .bind::<Array<Timestamptz>, _>(keys().map(|k| k.1).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(keys().map(|k| k.2.as_str()).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(keys().map(|k| k.3.as_str()).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.samples))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.calls))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.errors))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.duration_ms))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.cost_nanos))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.tokens_in))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.tokens_out))
    .bind::<Array<BigInt>, _>(sum(|s| s.latency_calls))
    .bind::<Array<BigInt>, _>(sum(|s| s.latency_sum_ms))
    .bind::<Array<Integer>, _>(firsts)
    .bind::<Array<Integer>, _>(lengths)
    .bind::<Array<BigInt>, _>(flat)
    .execute(conn)
    .await
}

async fn upsert_labels(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    rows: &BTreeMap<LabelKey, LabelSums>,
) -> diesel::QueryResult<usize> {
    let keys = || rows.keys();
    let sum = |f: fn(&LabelSums) -> i64| rows.values().map(f).collect::<Vec<i64>>();
    diesel::sql_query(
        "INSERT INTO label_rollups
         SELECT $1, * FROM unnest($2::integer[], $3::timestamptz[], $4::text[], $5::text[],
                                  $6::bigint[], $7::bigint[], $8::bigint[])
         ON CONFLICT (assistant_id, width_seconds, bucket, dimension, label) DO UPDATE SET
             calls = label_rollups.calls + EXCLUDED.calls,
             errors = label_rollups.errors + EXCLUDED.errors,
             cost_nanos = label_rollups.cost_nanos + EXCLUDED.cost_nanos",
    )
    .bind::<BigInt, _>(assistant_id)
    .bind::<Array<Integer>, _>(keys().map(|k| k.0).collect::<Vec<_>>())
    .bind::<Array<Timestamptz>, _>(keys().map(|k| k.1).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(keys().map(|k| k.2).collect::<Vec<_>>())
    .bind::<Array<Text>, _>(keys().map(|k| k.3.as_str()).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(sum(|s| s.calls))
    .bind::<Array<BigInt>, _>(sum(|s| s.errors))
    .bind::<Array<BigInt>, _>(sum(|s| s.cost_nanos))
    .execute(conn)
    .await
}
