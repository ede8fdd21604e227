//! The analytics rollups of a batch: `breakdown_rollups` (totals and a latency histogram per
//! hour or day, model and status) and `label_rollups` (calls per status code, country and
//! domain), both added with additive upserts in the batch's transaction. Which rows a batch
//! adds to is decided in `hub::rollups`; this module only writes them.

use std::collections::BTreeMap;

use diesel::sql_types::{Array, BigInt, Integer, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::rollups::{self, BreakdownKey, BreakdownSums, Breakdowns, LabelKey, LabelSums};
use hub::Sample;

/// Adds the analytics rollups of `samples` (all new, all of `assistant_id`), shaped by
/// [`hub::rollups::breakdowns`].
pub async fn add(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    samples: &[&Sample],
) -> diesel::QueryResult<()> {
    let Breakdowns {
        by_model_status,
        by_label,
    } = rollups::breakdowns(samples);
    upsert_breakdowns(conn, assistant_id, &by_model_status).await?;
    if !by_label.is_empty() {
        upsert_labels(conn, assistant_id, &by_label).await?;
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
                         $15::integer[], $16::integer[], $18::bigint[], $19::bigint[],
                         $20::bigint[], $21::bigint[], $22::bigint[], $23::bigint[])
                  WITH ORDINALITY AS t (width, bucket, model, status, samples, calls, errors,
                                        duration_ms, cost_nanos, tokens_in, tokens_out,
                                        latency_calls, latency_sum_ms, first_bin, len,
                                        llm_calls, llm_call_runs, tool_calls, tool_call_runs,
                                        cache_read_tokens, cache_read_tokens_in, n)
         )
         INSERT INTO breakdown_rollups (assistant_id, width_seconds, bucket, model, status,
                                        samples, calls, errors, duration_ms, cost_nanos,
                                        tokens_in, tokens_out, latency_calls, latency_sum_ms,
                                        latency_first_bin, latency_bins, llm_calls,
                                        llm_call_runs, tool_calls, tool_call_runs,
                                        cache_read_tokens, cache_read_tokens_in)
         SELECT $1, width, bucket, model, status, samples, calls, errors, duration_ms,
                cost_nanos, tokens_in, tokens_out, latency_calls, latency_sum_ms, first_bin,
                coalesce(($17::bigint[])[offset_ + 1 : offset_ + len], '{}'), llm_calls,
                llm_call_runs, tool_calls, tool_call_runs, cache_read_tokens,
                cache_read_tokens_in
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
             llm_calls = breakdown_rollups.llm_calls + EXCLUDED.llm_calls,
             llm_call_runs = breakdown_rollups.llm_call_runs + EXCLUDED.llm_call_runs,
             tool_calls = breakdown_rollups.tool_calls + EXCLUDED.tool_calls,
             tool_call_runs = breakdown_rollups.tool_call_runs + EXCLUDED.tool_call_runs,
             cache_read_tokens = breakdown_rollups.cache_read_tokens + EXCLUDED.cache_read_tokens,
             cache_read_tokens_in =
                 breakdown_rollups.cache_read_tokens_in + EXCLUDED.cache_read_tokens_in,
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
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.llm_calls))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.llm_call_runs))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.tool_calls))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.tool_call_runs))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.cache_read_tokens))
    .bind::<Array<BigInt>, _>(sum(|s| s.totals.cache_read_tokens_in))
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
