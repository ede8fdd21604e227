//! Reading an export a page at a time: the rows of a filter in their order, each page
//! continuing after the last row of the one before (keyset), so memory holds one page however
//! large the export. Calls ([`CallPages`]) and daily records ([`DailyPages`]); shared by the
//! HTTP export and `metrics-hub export`.

use chrono::{DateTime, Utc};
use persistence::postgres::queries::daily_records::{self, DailyFilter, DailyRecord};
use persistence::postgres::queries::runs::{self, Run, RunCursor, RunFilter, RunOrder};
use persistence::{PersistenceError, PgPool};

/// Rows read from the database per page.
pub const EXPORT_PAGE: i64 = 2_000;

/// One page, and whether it is the last.
#[derive(Debug)]
pub struct Page<R> {
    pub rows: Vec<R>,
    pub last: bool,
}

/// The pages of one export, read on demand.
pub trait Pager {
    type Row;
    /// The next page, or `None` after the last one.
    fn next(
        &mut self,
    ) -> impl std::future::Future<Output = Result<Option<Page<Self::Row>>, PersistenceError>>;
}

fn is_last<R>(rows: &[R]) -> bool {
    rows.len() < usize::try_from(EXPORT_PAGE).unwrap_or(usize::MAX)
}

/// The calls of a filter in an order.
pub struct CallPages {
    pool: PgPool,
    filter: RunFilter,
    order: RunOrder,
    cursor: Option<RunCursor>,
    done: bool,
}

impl CallPages {
    /// The export of `filter` in `order`, from its first call.
    pub fn new(pool: PgPool, filter: RunFilter, order: RunOrder) -> Self {
        Self {
            pool,
            filter,
            order,
            cursor: None,
            done: false,
        }
    }
}

impl Pager for CallPages {
    type Row = Run;

    async fn next(&mut self) -> Result<Option<Page<Run>>, PersistenceError> {
        if self.done {
            return Ok(None);
        }
        let mut conn = self.pool.get().await?;
        let rows = runs::page(
            &mut conn,
            &self.filter,
            self.order,
            self.cursor,
            EXPORT_PAGE,
        )
        .await?;
        let last = is_last(&rows);
        self.cursor = rows
            .last()
            .map(|r| self.order.cursor_after(r))
            .or(self.cursor);
        self.done = last;
        Ok(Some(Page { rows, last }))
    }
}

/// The daily records of a filter, oldest first.
pub struct DailyPages {
    pool: PgPool,
    filter: DailyFilter,
    after: Option<(DateTime<Utc>, i64)>,
    done: bool,
}

impl DailyPages {
    /// The export of `filter`, from its first record.
    pub fn new(pool: PgPool, filter: DailyFilter) -> Self {
        Self {
            pool,
            filter,
            after: None,
            done: false,
        }
    }
}

impl Pager for DailyPages {
    type Row = DailyRecord;

    async fn next(&mut self) -> Result<Option<Page<DailyRecord>>, PersistenceError> {
        if self.done {
            return Ok(None);
        }
        let mut conn = self.pool.get().await?;
        let rows = daily_records::page(&mut conn, &self.filter, self.after, EXPORT_PAGE).await?;
        let last = is_last(&rows);
        self.after = rows.last().map(|r| (r.ts, r.id)).or(self.after);
        self.done = last;
        Ok(Some(Page { rows, last }))
    }
}
