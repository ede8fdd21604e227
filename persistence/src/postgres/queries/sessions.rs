//! Sessions read from the raw samples (the only place `usage_samples.session_id` is read): the
//! sessions an assistant actor starts with after a restart, and the session history of a date
//! range. Live answers never come from here; the actors hold active sessions in memory.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::sql_types::{Array, BigInt, Date, Double, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use hub::sessions::{Session, SessionConfig, SessionDayTotals};

/// How far back a starting actor reads an active session's calls: a session running longer
/// than this starts, for the actor, with its first call inside it.
pub const SEED_LOOKBACK: Duration = Duration::hours(24);

#[derive(diesel::QueryableByName)]
struct SessionRow {
    #[diesel(sql_type = Text)]
    session_id: String,
    #[diesel(sql_type = Timestamptz)]
    started_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    last_event_at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    errors: i64,
    #[diesel(sql_type = BigInt)]
    cost_nanos: i64,
    #[diesel(sql_type = BigInt)]
    tokens_in: i64,
    #[diesel(sql_type = BigInt)]
    tokens_out: i64,
    #[diesel(sql_type = Nullable<Text>)]
    model: Option<String>,
}

/// The sessions of `assistant_id` active at `now` (a call within the idle timeout), newest
/// activity first, at most `config.max_sessions`. A session starts after its last gap longer
/// than the idle timeout (an id used again later is a new session), and at most
/// [`SEED_LOOKBACK`] ago.
pub async fn active(
    conn: &mut AsyncPgConnection,
    assistant_id: i64,
    now: DateTime<Utc>,
    config: SessionConfig,
) -> diesel::QueryResult<Vec<Session>> {
    let idle = config.idle();
    let rows: Vec<SessionRow> = diesel::sql_query(
        "WITH recent AS (
             SELECT DISTINCT session_id FROM usage_samples
             WHERE assistant_id = $1 AND session_id IS NOT NULL AND ts >= $2
         ), marked AS (
             SELECT s.session_id, s.ts, s.calls, s.errors, s.cost_nanos, s.tokens_in,
                    s.tokens_out, s.model,
                    coalesce(extract(epoch FROM s.ts - lag(s.ts) OVER w) > $3::float8, true)
                        AS starts
             FROM usage_samples s JOIN recent r ON r.session_id = s.session_id
             WHERE s.assistant_id = $1 AND s.ts >= $4
             WINDOW w AS (PARTITION BY s.session_id ORDER BY s.ts)
         ), bounded AS (
             SELECT *, max(ts) FILTER (WHERE starts) OVER (PARTITION BY session_id) AS began
             FROM marked
         )
         SELECT session_id, min(ts) AS started_at, max(ts) AS last_event_at,
                sum(calls)::bigint AS calls, sum(errors)::bigint AS errors,
                sum(cost_nanos)::bigint AS cost_nanos, sum(tokens_in)::bigint AS tokens_in,
                sum(tokens_out)::bigint AS tokens_out,
                (array_agg(model ORDER BY ts DESC) FILTER (WHERE model IS NOT NULL))[1] AS model
         FROM bounded WHERE ts >= began
         GROUP BY session_id
         ORDER BY max(ts) DESC, session_id
         LIMIT $5",
    )
    .bind::<BigInt, _>(assistant_id)
    .bind::<Timestamptz, _>(now - idle)
    .bind::<Double, _>(config.idle_timeout.as_secs_f64())
    .bind::<Timestamptz, _>(now - SEED_LOOKBACK)
    .bind::<BigInt, _>(i64::try_from(config.max_sessions).unwrap_or(i64::MAX))
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Session {
            assistant_id,
            session_id: r.session_id,
            started_at: r.started_at,
            last_event_at: r.last_event_at,
            calls: r.calls,
            errors: r.errors,
            cost_nanos: r.cost_nanos,
            tokens_in: r.tokens_in,
            tokens_out: r.tokens_out,
            model: r.model,
        })
        .collect())
}

#[derive(diesel::QueryableByName)]
struct DayRow {
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    sessions: i64,
    #[diesel(sql_type = Double)]
    duration_seconds: f64,
    #[diesel(sql_type = Double)]
    cost_nanos: f64,
    #[diesel(sql_type = Double)]
    calls: f64,
}

/// Per UTC day from `first` to `last` (inclusive; days without sessions absent), the sessions of
/// `assistants` whose first call in the range falls on that day: how many, and the sums of their
/// durations (first to last call in the range), costs and calls. A session is one
/// (assistant, session id) pair: an id used again later in the range counts once.
pub async fn history(
    conn: &mut AsyncPgConnection,
    assistants: &[i64],
    first: NaiveDate,
    last: NaiveDate,
) -> diesel::QueryResult<Vec<SessionDayTotals>> {
    let rows: Vec<DayRow> = diesel::sql_query(
        "SELECT (began AT TIME ZONE 'UTC')::date AS day, count(*) AS sessions,
                coalesce(sum(extract(epoch FROM ended - began)), 0)::float8 AS duration_seconds,
                coalesce(sum(cost_nanos), 0)::float8 AS cost_nanos,
                coalesce(sum(calls), 0)::float8 AS calls
         FROM (SELECT min(ts) AS began, max(ts) AS ended, sum(cost_nanos) AS cost_nanos,
                      sum(calls) AS calls
               FROM usage_samples
               WHERE assistant_id = ANY($1) AND session_id IS NOT NULL
                 AND ts >= $2 AND ts < $3
               GROUP BY assistant_id, session_id) AS per_session
         GROUP BY 1 ORDER BY 1",
    )
    .bind::<Array<BigInt>, _>(assistants)
    .bind::<Timestamptz, _>(first.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
    .bind::<Timestamptz, _>(
        (last + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc(),
    )
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SessionDayTotals {
            day: r.day,
            sessions: r.sessions,
            duration_seconds: r.duration_seconds,
            cost_nanos: r.cost_nanos,
            calls: r.calls,
        })
        .collect())
}
