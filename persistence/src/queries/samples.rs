//! Writing usage: raw samples plus the additive day rollups, in one transaction.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use hub::DailyRecord;

use crate::models::{DayRollup, NewUsageSample};
use crate::schema::{day_rollups, sample_client_ids, usage_samples};

/// What happened to a write that carried a client id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The sample was stored and counted.
    Stored,
    /// A sample with the same client id was stored before; nothing changed.
    Duplicate,
}

/// Stores one daily record of `assistant_id`: the raw sample, its client id (if any) and the
/// day rollup move together or not at all.
pub async fn record_daily(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    record: &DailyRecord,
) -> QueryResult<Recorded> {
    let sample = NewUsageSample {
        assistant_id,
        ts: record
            .date
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc(),
        kind: NewUsageSample::DAILY,
        calls: record.calls,
        errors: 0,
        duration_ms: record.duration_ms,
        cost_nanos: record.cost_nanos,
        tokens_in: 0,
        tokens_out: 0,
        model: None,
        status: None,
        status_code: None,
        latency_ms: None,
        country: None,
        domain: None,
        metadata: None,
        client_id: record.client_id.clone(),
    };
    let rollup = rollup_of(&sample, record.date);
    conn.transaction(async |conn| {
        if let Some(client_id) = &sample.client_id {
            if !claim_client_id(conn, assistant_id, client_id).await? {
                return Ok(Recorded::Duplicate);
            }
        }
        diesel::insert_into(usage_samples::table)
            .values(&sample)
            .execute(conn)
            .await?;
        add_to_day_rollups(conn, std::slice::from_ref(&rollup)).await?;
        Ok(Recorded::Stored)
    })
    .await
}

/// Inserts raw samples as one multi-row INSERT.
pub async fn insert_samples(
    conn: &mut AsyncPgConnection,
    samples: &[NewUsageSample],
) -> QueryResult<usize> {
    diesel::insert_into(usage_samples::table)
        .values(samples)
        .execute(conn)
        .await
}

/// Adds each row to the stored day totals (inserting the day if it is new). Additive, so
/// concurrent writers and several hub nodes compose; `rows` must not repeat an
/// `(assistant_id, day)` pair (PostgreSQL cannot update one row twice in one statement).
pub async fn add_to_day_rollups(
    conn: &mut AsyncPgConnection,
    rows: &[DayRollup],
) -> QueryResult<usize> {
    use day_rollups::dsl as r;
    diesel::insert_into(day_rollups::table)
        .values(rows)
        .on_conflict((r::assistant_id, r::day))
        .do_update()
        .set((
            r::samples.eq(r::samples + excluded(r::samples)),
            r::calls.eq(r::calls + excluded(r::calls)),
            r::errors.eq(r::errors + excluded(r::errors)),
            r::duration_ms.eq(r::duration_ms + excluded(r::duration_ms)),
            r::cost_nanos.eq(r::cost_nanos + excluded(r::cost_nanos)),
            r::tokens_in.eq(r::tokens_in + excluded(r::tokens_in)),
            r::tokens_out.eq(r::tokens_out + excluded(r::tokens_out)),
            r::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await
}

/// The day-rollup contribution of one sample.
pub fn rollup_of(sample: &NewUsageSample, day: NaiveDate) -> DayRollup {
    DayRollup {
        assistant_id: sample.assistant_id,
        day,
        samples: 1,
        calls: sample.calls,
        errors: sample.errors,
        duration_ms: sample.duration_ms,
        cost_nanos: sample.cost_nanos,
        tokens_in: sample.tokens_in,
        tokens_out: sample.tokens_out,
    }
}

/// Records `client_id` as used; `false` when it already was.
async fn claim_client_id(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    client_id: &str,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(sample_client_ids::table)
        .values((
            sample_client_ids::assistant_id.eq(assistant_id),
            sample_client_ids::client_id.eq(client_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}
