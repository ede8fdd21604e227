//! The seven usage counters in SQL, in one place: the row type that reads them, the select list
//! that sums them, and the parallel arrays and additive upsert clause that write them. Their
//! names and order are `hub::Totals::COUNTERS` (the tests below hold the SQL to it).

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use hub::Totals;

/// The seven counters as a query returns them (embed it in a row type with `#[diesel(embed)]`).
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
        ])
    }
}

/// `sum(column)::bigint AS column` for every counter of [`Totals`].
pub const SUM_TOTALS: &str = "coalesce(sum(samples), 0)::bigint AS samples,
    coalesce(sum(calls), 0)::bigint AS calls, coalesce(sum(errors), 0)::bigint AS errors,
    coalesce(sum(duration_ms), 0)::bigint AS duration_ms,
    coalesce(sum(cost_nanos), 0)::bigint AS cost_nanos,
    coalesce(sum(tokens_in), 0)::bigint AS tokens_in,
    coalesce(sum(tokens_out), 0)::bigint AS tokens_out";

/// The seven counters of `totals`, as parallel arrays.
pub struct Columns(pub [Vec<i64>; 7]);

impl Columns {
    /// The counters of `totals`, one array per counter.
    pub fn of<'a>(totals: impl Iterator<Item = &'a Totals>) -> Self {
        let mut columns: [Vec<i64>; 7] = Default::default();
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
    tokens_in = {t}.tokens_in + EXCLUDED.tokens_in, tokens_out = {t}.tokens_out + EXCLUDED.tokens_out";

/// `samples, calls, ...`: the counters' columns, for an `INSERT` column list.
pub fn column_list() -> String {
    Totals::COUNTERS.join(", ")
}

/// `$n::bigint[], ...` for the seven counters, numbered from `first`.
pub fn counter_arrays(first: usize) -> String {
    (first..first + 7)
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
        assert_eq!(SUM_TOTALS.matches("sum(").count(), 7);
        assert_eq!(ADD_COUNTERS.matches("EXCLUDED.").count(), 7);
        assert_eq!(counter_arrays(4), "$4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[]");
    }

    #[test]
    fn columns_follow_the_counter_order() {
        let a = Totals::from_array([1, 2, 3, 4, 5, 6, 7]);
        let b = Totals::from_array([10, 20, 30, 40, 50, 60, 70]);
        let Columns(columns) = Columns::of([a, b].iter());
        assert_eq!(columns[0], vec![1, 10]);
        assert_eq!(columns[4], vec![5, 50]);
        assert_eq!(columns[6], vec![7, 70]);
    }
}
