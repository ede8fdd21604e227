//! The usage counters in SQL, in one place: the row type that reads them, the select list
//! that sums them, and the parallel arrays and additive upsert clause that write them. Their
//! names and order are `hub::Totals::COUNTERS` (the tests below hold the SQL to it).

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use hub::totals::COUNTERS;
use hub::Totals;

/// The counters as a query returns them (embed it in a row type with `#[diesel(embed)]`).
#[derive(QueryableByName)]
pub struct TotalsRow {
    #[diesel(sql_type = BigInt)]
    samples: i64,
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    errors: i64,
    #[diesel(sql_type = BigInt)]
    duration_ms: i64,
    #[diesel(sql_type = BigInt)]
    cost_nanos: i64,
    #[diesel(sql_type = BigInt)]
    tokens_in: i64,
    #[diesel(sql_type = BigInt)]
    tokens_out: i64,
    #[diesel(sql_type = BigInt)]
    llm_calls: i64,
    #[diesel(sql_type = BigInt)]
    llm_call_runs: i64,
    #[diesel(sql_type = BigInt)]
    tool_calls: i64,
    #[diesel(sql_type = BigInt)]
    tool_call_runs: i64,
    #[diesel(sql_type = BigInt)]
    cache_read_tokens: i64,
    #[diesel(sql_type = BigInt)]
    cache_read_tokens_in: i64,
}

impl From<TotalsRow> for Totals {
    fn from(r: TotalsRow) -> Self {
        Self::from_array([
            r.samples,
            r.calls,
            r.errors,
            r.duration_ms,
            r.cost_nanos,
            r.tokens_in,
            r.tokens_out,
            r.llm_calls,
            r.llm_call_runs,
            r.tool_calls,
            r.tool_call_runs,
            r.cache_read_tokens,
            r.cache_read_tokens_in,
        ])
    }
}

/// `sum(column)::bigint AS column` for every counter of [`Totals`].
pub const SUM_TOTALS: &str = "coalesce(sum(samples), 0)::bigint AS samples,
    coalesce(sum(calls), 0)::bigint AS calls, coalesce(sum(errors), 0)::bigint AS errors,
    coalesce(sum(duration_ms), 0)::bigint AS duration_ms,
    coalesce(sum(cost_nanos), 0)::bigint AS cost_nanos,
    coalesce(sum(tokens_in), 0)::bigint AS tokens_in,
    coalesce(sum(tokens_out), 0)::bigint AS tokens_out,
    coalesce(sum(llm_calls), 0)::bigint AS llm_calls,
    coalesce(sum(llm_call_runs), 0)::bigint AS llm_call_runs,
    coalesce(sum(tool_calls), 0)::bigint AS tool_calls,
    coalesce(sum(tool_call_runs), 0)::bigint AS tool_call_runs,
    coalesce(sum(cache_read_tokens), 0)::bigint AS cache_read_tokens,
    coalesce(sum(cache_read_tokens_in), 0)::bigint AS cache_read_tokens_in";

/// The agent counters as zeros (`0::bigint AS llm_calls, ...`), for queries over tables that
/// do not keep them (the label rollups).
pub const ZERO_AGENT_COUNTERS: &str = "0::bigint AS llm_calls, 0::bigint AS llm_call_runs,
    0::bigint AS tool_calls, 0::bigint AS tool_call_runs, 0::bigint AS cache_read_tokens,
    0::bigint AS cache_read_tokens_in";

/// The counters of `totals`, as parallel arrays.
pub struct Columns(pub [Vec<i64>; COUNTERS]);

impl Columns {
    /// The counters of `totals`, one array per counter.
    pub fn of<'a>(totals: impl Iterator<Item = &'a Totals>) -> Self {
        let mut columns: [Vec<i64>; COUNTERS] = Default::default();
        for t in totals {
            for (column, value) in columns.iter_mut().zip(t.to_array()) {
                column.push(value);
            }
        }
        Self(columns)
    }
}

/// `SET counter = table.counter + EXCLUDED.counter` for every counter: the additive upsert.
pub const ADD_COUNTERS: &str = "samples = {t}.samples + EXCLUDED.samples,
    calls = {t}.calls + EXCLUDED.calls, errors = {t}.errors + EXCLUDED.errors,
    duration_ms = {t}.duration_ms + EXCLUDED.duration_ms,
    cost_nanos = {t}.cost_nanos + EXCLUDED.cost_nanos,
    tokens_in = {t}.tokens_in + EXCLUDED.tokens_in, tokens_out = {t}.tokens_out + EXCLUDED.tokens_out,
    llm_calls = {t}.llm_calls + EXCLUDED.llm_calls,
    llm_call_runs = {t}.llm_call_runs + EXCLUDED.llm_call_runs,
    tool_calls = {t}.tool_calls + EXCLUDED.tool_calls,
    tool_call_runs = {t}.tool_call_runs + EXCLUDED.tool_call_runs,
    cache_read_tokens = {t}.cache_read_tokens + EXCLUDED.cache_read_tokens,
    cache_read_tokens_in = {t}.cache_read_tokens_in + EXCLUDED.cache_read_tokens_in";

/// `samples, calls, ...`: the counters' columns, for an `INSERT` column list.
pub fn column_list() -> String {
    Totals::COUNTERS.join(", ")
}

/// `$n::bigint[], ...` for the counters, numbered from `first`.
pub fn counter_arrays(first: usize) -> String {
    (first..first + COUNTERS)
        .map(|n| format!("${n}::bigint[]"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counter names as they appear in `text`, in order of appearance.
    fn named_in(text: &str, pattern: impl Fn(&str) -> String) -> Vec<&'static str> {
        let mut found: Vec<(usize, &'static str)> = Totals::COUNTERS
            .iter()
            .filter_map(|&name| text.find(&pattern(name)).map(|at| (at, name)))
            .collect();
        found.sort_unstable();
        found.into_iter().map(|(_, name)| name).collect()
    }

    #[test]
    fn the_sql_lists_every_counter_once_in_order() {
        let sums = named_in(SUM_TOTALS, |n| format!("sum({n}), 0)::bigint AS {n}"));
        assert_eq!(sums, Totals::COUNTERS);
        let adds = named_in(ADD_COUNTERS, |n| format!("{n} = {{t}}.{n} + EXCLUDED.{n}"));
        assert_eq!(adds, Totals::COUNTERS);
        assert_eq!(SUM_TOTALS.matches("sum(").count(), COUNTERS);
        assert_eq!(ADD_COUNTERS.matches("EXCLUDED.").count(), COUNTERS);
        let zeros = named_in(ZERO_AGENT_COUNTERS, |n| format!("0::bigint AS {n}"));
        assert_eq!(zeros, Totals::COUNTERS[7..]);
        assert!(counter_arrays(4).starts_with("$4::bigint[], $5::bigint[], "));
        assert!(counter_arrays(4).ends_with(", $16::bigint[]"));
    }

    #[test]
    fn columns_follow_the_counter_order() {
        let a = Totals::from_array(std::array::from_fn(|i| i as i64 + 1));
        let b = Totals::from_array(std::array::from_fn(|i| (i as i64 + 1) * 10));
        let Columns(columns) = Columns::of([a, b].iter());
        assert_eq!(columns[0], vec![1, 10]);
        assert_eq!(columns[4], vec![5, 50]);
        assert_eq!(columns[12], vec![13, 130]);
    }
}
