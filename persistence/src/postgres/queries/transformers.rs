//! Transformers: the active jq program of a template's endpoint (shared by every user, or one
//! source's for the generic template), new versions (the previous active one deprecated in the
//! same transaction), failure counting, and seeding the programs of the template files.

use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use crate::postgres::models::{NewTransformer, Transformer};
use crate::postgres::schema::transformers;

/// The newest transformer of a template's endpoint (for `source_id`, or shared when `None`)
/// whatever its status: the active one, else the newest failed or deprecated one.
pub async fn current(
    conn: &mut AsyncPgConnection,
    template_id: &str,
    endpoint: &str,
    source_id: Option<i64>,
) -> QueryResult<Option<Transformer>> {
    let mut query = transformers::table
        .filter(transformers::template_id.eq(template_id))
        .filter(transformers::endpoint.eq(endpoint))
        .into_boxed();
    query = match source_id {
        Some(id) => query.filter(transformers::source_id.eq(id)),
        None => query.filter(transformers::source_id.is_null()),
    };
    // 'active' sorts first; then the newest version.
    query
        .order((
            diesel::dsl::sql::<diesel::sql_types::Bool>("status <> 'active'"),
            transformers::version.desc(),
        ))
        .select(Transformer::as_select())
        .first(conn)
        .await
        .optional()
}

/// Transformers, newest first, optionally of one template (or one source's).
pub async fn list(
    conn: &mut AsyncPgConnection,
    template_id: Option<&str>,
    source_ids: &[i64],
    limit: i64,
) -> QueryResult<Vec<Transformer>> {
    let mut query = transformers::table
        .filter(
            transformers::source_id
                .is_null()
                .or(transformers::source_id.eq_any(source_ids.to_vec())),
        )
        .into_boxed();
    if let Some(template_id) = template_id {
        query = query.filter(transformers::template_id.eq(template_id.to_owned()));
    }
    query
        .order((
            transformers::template_id,
            transformers::endpoint,
            transformers::version.desc(),
        ))
        .limit(limit)
        .select(Transformer::as_select())
        .load(conn)
        .await
}

/// One transformer by id.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<Transformer>> {
    transformers::table
        .find(id)
        .select(Transformer::as_select())
        .first(conn)
        .await
        .optional()
}

/// Stores `new` as the active version of its template's endpoint (the next version number),
/// deprecating the active one, in one transaction.
pub async fn insert_version(
    conn: &mut AsyncPgConnection,
    new: &NewTransformer<'_>,
) -> QueryResult<Transformer> {
    let new = new.clone();
    conn.transaction(async move |conn| {
        let mut same = transformers::table
            .filter(transformers::template_id.eq(new.template_id))
            .filter(transformers::endpoint.eq(new.endpoint))
            .into_boxed();
        same = match new.source_id {
            Some(id) => same.filter(transformers::source_id.eq(id)),
            None => same.filter(transformers::source_id.is_null()),
        };
        let newest: Option<i32> = same
            .select(diesel::dsl::max(transformers::version))
            .first(conn)
            .await?;
        let target = transformers::table
            .filter(transformers::template_id.eq(new.template_id))
            .filter(transformers::endpoint.eq(new.endpoint))
            .filter(transformers::status.eq("active"));
        let now = Utc::now();
        match new.source_id {
            Some(id) => {
                diesel::update(target.filter(transformers::source_id.eq(id)))
                    .set((
                        transformers::status.eq("deprecated"),
                        transformers::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .await?
            }
            None => {
                diesel::update(target.filter(transformers::source_id.is_null()))
                    .set((
                        transformers::status.eq("deprecated"),
                        transformers::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .await?
            }
        };
        diesel::insert_into(transformers::table)
            .values((
                transformers::template_id.eq(new.template_id),
                transformers::endpoint.eq(new.endpoint),
                transformers::source_id.eq(new.source_id),
                transformers::version.eq(newest.unwrap_or(0) + 1),
                transformers::program.eq(new.program),
                transformers::origin.eq(new.origin),
                transformers::input_example.eq(new.input_example.clone()),
                transformers::output_example.eq(new.output_example.clone()),
                transformers::created_by.eq(new.created_by),
            ))
            .returning(Transformer::as_returning())
            .get_result(conn)
            .await
    })
    .await
}

/// Stores a template file's program as the active shared transformer, unless a version from
/// the template with the same program was stored before (whatever became of it since: a failed
/// or replaced one is not brought back). Whether it was stored.
pub async fn seed(
    conn: &mut AsyncPgConnection,
    template_id: &str,
    endpoint: &str,
    program: &str,
) -> QueryResult<bool> {
    let known: i64 = transformers::table
        .filter(transformers::template_id.eq(template_id))
        .filter(transformers::endpoint.eq(endpoint))
        .filter(transformers::source_id.is_null())
        .filter(transformers::origin.eq("template"))
        .filter(transformers::program.eq(program))
        .count()
        .get_result(conn)
        .await?;
    if known > 0 {
        return Ok(false);
    }
    let new = NewTransformer {
        template_id,
        endpoint,
        source_id: None,
        program,
        origin: "template",
        input_example: None,
        output_example: None,
        created_by: None,
    };
    match insert_version(conn, &new).await {
        Ok(_) => Ok(true),
        // Another node seeded it at the same moment.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Counts one more failure of a transformer; the count after.
pub async fn count_failure(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<i32> {
    diesel::update(transformers::table.find(id))
        .set((
            transformers::failure_count.eq(transformers::failure_count + 1),
            transformers::updated_at.eq(Utc::now()),
        ))
        .returning(transformers::failure_count)
        .get_result(conn)
        .await
}

/// Ends a transformer's streak of failures (it just worked).
pub async fn reset_failures(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::update(transformers::table.find(id))
        .set(transformers::failure_count.eq(0))
        .execute(conn)
        .await
        .map(drop)
}

/// Marks a transformer failed (it broke three polls in a row and was not regenerated).
pub async fn mark_failed(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<()> {
    diesel::update(transformers::table.find(id))
        .set((
            transformers::status.eq("failed"),
            transformers::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Records the example a transformer last worked on (first success), if none is stored.
pub async fn set_examples(
    conn: &mut AsyncPgConnection,
    id: i64,
    input: &serde_json::Value,
    output: &serde_json::Value,
) -> QueryResult<()> {
    diesel::update(
        transformers::table
            .find(id)
            .filter(transformers::input_example.is_null()),
    )
    .set((
        transformers::input_example.eq(Some(input)),
        transformers::output_example.eq(Some(output)),
    ))
    .execute(conn)
    .await
    .map(drop)
}

/// (template, endpoint) of every active shared transformer.
pub async fn active_shared(conn: &mut AsyncPgConnection) -> QueryResult<Vec<(String, String)>> {
    transformers::table
        .filter(transformers::status.eq("active"))
        .filter(transformers::source_id.is_null())
        .select((transformers::template_id, transformers::endpoint))
        .load(conn)
        .await
}
