//! A personal-details edit's writes, all or none: the fields (only if the case is still at the
//! version the edit was decided on, bumping it), the record of the look that made the edit, one
//! field-audit row per field, the timeline line and the event for live pages.
//!
//! This is the one write in the store with two forms (decision record 22). On PostgreSQL it is
//! one statement: the update is a writable CTE and every insert selects its row from the rows
//! the update returned, so a stale version writes nothing; a statement is its own transaction,
//! so the edit costs one round trip and one commit instead of a transaction's eight. SQLite has
//! no writable CTEs, and its round trips are calls inside the process: there the same
//! statements run one by one in a transaction. Both forms are built from the same column lists
//! and values as the store's other writes of these rows.

use super::access_audit::{self, Access};
use super::participants::{self, FieldAudit};
use super::schema::{
    Outbox, ParticipantAccessAudit, ParticipantFieldAudit, Participants, Timeline,
};
use super::{outbox, Held, Store, StoreError};
use crate::domain::case_edit::CaseField;
use crate::settings::DatabaseKind;
use sea_query::{
    Alias, CommonTableExpression, Expr, Func, Iden, InsertStatement, IntoIden, Query, WithClause,
};
use time::OffsetDateTime;

/// What one edit writes.
#[derive(Debug)]
pub struct EditWrite<'a> {
    /// The case.
    pub id: &'a str,
    /// The version the edit was decided on: nothing is written if the case has moved past it.
    pub version: i64,
    /// The fields' new values.
    pub values: &'a [(CaseField, Option<String>)],
    /// Each field's old and new value, for the field audit.
    pub audits: &'a [FieldAudit<'a>],
    /// Who.
    pub user: i64,
    /// The timeline line's kind and texts.
    pub line: (&'a str, [Option<&'a str>; 3]),
    /// The live event: its topic and payload.
    pub event: (&'a str, &'a str),
    /// When.
    pub now: OffsetDateTime,
}

/// Writes the edit; false (nothing written) when another writer moved the case's version first.
///
/// `read` is the connection the edit was decided on. On PostgreSQL the statement runs on it:
/// every connection given back to the pool is checked with a round trip of its own first, so
/// taking a second one would cost the edit a third round trip. On SQLite it is given back
/// before the write transaction is opened, so edits waiting for the writer never hold
/// connections the others need.
pub async fn write(
    store: &Store,
    mut read: Held,
    edit: &EditWrite<'_>,
) -> Result<bool, StoreError> {
    match store.kind() {
        DatabaseKind::Postgres => {
            let (written,): (i64,) = read.fetch_one(&one_statement(edit)).await?;
            Ok(written == 1)
        }
        DatabaseKind::Sqlite => {
            drop(read);
            let mut tx = store.begin().await?;
            if tx.execute(&update(edit)).await? != 1 {
                return Ok(false);
            }
            for insert in inserts(edit, None) {
                tx.execute(&insert).await?;
            }
            tx.commit().await?;
            Ok(true)
        }
    }
}

/// The name the update's returned rows go by in [`one_statement`].
#[derive(Iden)]
#[iden = "edited"]
struct Edited;

/// `WITH edited AS (UPDATE … RETURNING id), w0 AS (INSERT … SELECT … FROM edited), …
/// SELECT count(*) FROM edited`. Data-modifying CTEs run whether or not the query reads them.
fn one_statement(edit: &EditWrite<'_>) -> sea_query::WithQuery {
    let mut with = WithClause::new();
    let mut update = update(edit);
    update.returning_col(Participants::Id);
    with.cte(
        CommonTableExpression::new()
            .query(update)
            .table_name(Edited)
            .to_owned(),
    );
    for (n, insert) in inserts(edit, Some(Edited.into_iden()))
        .into_iter()
        .enumerate()
    {
        with.cte(
            CommonTableExpression::new()
                .query(insert)
                .table_name(Alias::new(format!("w{n}")))
                .to_owned(),
        );
    }
    let count = Query::select()
        .expr(Func::count(Expr::col(Participants::Id)))
        .from(Edited)
        .to_owned();
    count.with(with)
}

fn update(edit: &EditWrite<'_>) -> sea_query::UpdateStatement {
    participants::fields_update(edit.id, edit.version, edit.values, edit.now)
}

/// The edit's inserts, each selecting its one row from `from` (the update's returned rows) when
/// given, or unconditionally.
fn inserts(edit: &EditWrite<'_>, from: Option<sea_query::DynIden>) -> Vec<InsertStatement> {
    let look = Access {
        participant_id: edit.id.to_owned(),
        user_id: edit.user,
        allowed: true,
        at: edit.now,
    };
    let version = edit.version + 1;
    let (kind, lines) = edit.line;
    let (topic, payload) = edit.event;
    let mut rows = vec![row_from(
        (ParticipantAccessAudit::Table, access_audit::COLUMNS),
        access_audit::values(&look),
        &from,
    )];
    for audit in edit.audits {
        rows.push(row_from(
            (
                ParticipantFieldAudit::Table,
                participants::FIELD_AUDIT_COLUMNS,
            ),
            participants::field_audit_values(edit.id, audit, Some(edit.user), version, edit.now),
            &from,
        ));
    }
    rows.push(row_from(
        (Timeline::Table, participants::TIMELINE_COLUMNS),
        participants::timeline_values(edit.id, kind, lines, Some(edit.user), edit.now),
        &from,
    ));
    rows.push(row_from(
        (Outbox::Table, outbox::COLUMNS),
        outbox::values(topic, payload, edit.now),
        &from,
    ));
    rows
}

/// `INSERT INTO table (columns) SELECT values [FROM from]`.
fn row_from<T, C, const N: usize>(
    (table, columns): (T, [C; N]),
    values: [Expr; N],
    from: &Option<sea_query::DynIden>,
) -> InsertStatement
where
    T: IntoIden,
    C: IntoIden,
{
    let mut select = Query::select();
    select.exprs(values);
    if let Some(from) = from {
        select.from(from.clone());
    }
    Query::insert()
        .into_table(table)
        .columns(columns)
        .select_from(select)
        .expect("as many values as columns")
        .to_owned()
}
