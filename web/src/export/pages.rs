//! Reading an export a page at a time: the calls of a filter in their order, each page
//! continuing after the last call of the one before (keyset), so memory holds one page however
//! large the export. Shared by the HTTP export and `metrics-hub export`.

use persistence::postgres::queries::runs::{self, Run, RunCursor, RunFilter, RunOrder};
use persistence::{PersistenceError, PgPool};

/// Calls read from the database per page.
pub const EXPORT_PAGE: i64 = 2_000;

/// The pages of one export, read on demand.
#[derive(Clone)]
pub struct ExportPages {
    pool: PgPool,
    filter: RunFilter,
    order: RunOrder,
    cursor: Option<RunCursor>,
    done: bool,
}

/// One page, and whether it is the last.
#[derive(Debug)]
pub struct Page {
    pub runs: Vec<Run>,
    pub last: bool,
}

impl ExportPages {
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

    /// The next page, or `None` after the last one.
    pub async fn next(&mut self) -> Result<Option<Page>, PersistenceError> {
        if self.done {
            return Ok(None);
        }
        let mut conn = self.pool.get().await?;
        let runs = runs::page(
            &mut conn,
            &self.filter,
            self.order,
            self.cursor,
            EXPORT_PAGE,
        )
        .await?;
        let last = runs.len() < usize::try_from(EXPORT_PAGE).unwrap_or(usize::MAX);
        self.cursor = runs
            .last()
            .map(|run| self.order.cursor_after(run))
            .or(self.cursor);
        self.done = last;
        Ok(Some(Page { runs, last }))
    }
}
