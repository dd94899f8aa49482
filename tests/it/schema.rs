//! The two migration sets must end with the same schema: tables, columns (name, nullability,
//! type family), primary keys, indexes (but the ones `SQLITE_ONLY_INDEXES` names) and foreign
//! keys.

use crate::support::{Backend, TestDatabase};
use cats::store::{Pool, Store};
use std::collections::BTreeSet;

type Columns = BTreeSet<(String, String, bool, String)>;
type Keys = BTreeSet<(String, String)>;
type Indexes = BTreeSet<(String, String, bool)>;
type ForeignKeys = BTreeSet<(String, String, String, String)>;

/// Indexes only SQLite has (table, columns). The list's "last updated" sort: on PostgreSQL an
/// index on `updated_at` would make every write of a case a non-heap-only update, writing all
/// the case row's indexes; SQLite rewrites only the entries whose columns changed (decision
/// record 24).
const SQLITE_ONLY_INDEXES: [(&str, &str); 1] = [("participants", "updated_at,id")];

#[derive(Debug, PartialEq)]
struct Schema {
    columns: Columns,
    primary_keys: Keys,
    indexes: Indexes,
    foreign_keys: ForeignKeys,
}

fn family(declared: &str) -> String {
    match declared.to_lowercase().as_str() {
        "text" | "character varying" => "text",
        "bigint" | "integer" => "integer",
        "boolean" => "boolean",
        "timestamp with time zone" | "datetime" => "timestamp",
        "date" => "date",
        "bytea" | "blob" => "binary",
        other => return format!("unknown:{other}"),
    }
    .to_owned()
}

async fn postgres_schema(pool: &sqlx::PgPool) -> Schema {
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, is_nullable::text, data_type::text
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("columns");
    let indexes: Vec<(String, bool, bool, String)> = sqlx::query_as(
        "SELECT t.relname::text, ix.indisunique, ix.indisprimary,
                string_agg(a.attname::text, ',' ORDER BY k.ord)
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations'
         GROUP BY t.relname, ix.indexrelid, ix.indisunique, ix.indisprimary",
    )
    .fetch_all(pool)
    .await
    .expect("indexes");
    let foreign_keys: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT tc.table_name::text, kcu.column_name::text, ccu.table_name::text, ccu.column_name::text
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu
           ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema
         JOIN information_schema.constraint_column_usage ccu
           ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
         WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'",
    )
    .fetch_all(pool)
    .await
    .expect("foreign keys");
    Schema {
        columns: columns
            .into_iter()
            .map(|(t, c, nullable, ty)| (t, c, nullable == "YES", family(&ty)))
            .collect(),
        primary_keys: indexes
            .iter()
            .filter(|i| i.2)
            .map(|i| (i.0.clone(), i.3.clone()))
            .collect(),
        indexes: indexes
            .iter()
            .filter(|i| !i.2)
            .map(|i| (i.0.clone(), i.3.clone(), i.1))
            .collect(),
        foreign_keys: foreign_keys.into_iter().collect(),
    }
}

async fn sqlite_schema(pool: &sqlx::SqlitePool) -> Schema {
    const TABLES: &str = "sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'";
    let columns: Vec<(String, String, String, i64, i64)> = sqlx::query_as(&format!(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk FROM {} ",
        TABLES.replace(" WHERE", ", pragma_table_xinfo(m.name) p WHERE")
    ))
    .fetch_all(pool)
    .await
    .expect("columns");
    let mut primary: std::collections::BTreeMap<String, Vec<(i64, String)>> = Default::default();
    for (table, column, _, _, pk) in &columns {
        if *pk > 0 {
            primary
                .entry(table.clone())
                .or_default()
                .push((*pk, column.clone()));
        }
    }
    let index_rows: Vec<(String, String, i64, String)> = sqlx::query_as(&format!(
        "SELECT m.name, il.name, il.\"unique\", il.origin FROM {}",
        TABLES.replace(" WHERE", ", pragma_index_list(m.name) il WHERE")
    ))
    .fetch_all(pool)
    .await
    .expect("indexes");
    let mut indexes = Indexes::new();
    for (table, index, unique, origin) in index_rows {
        if origin == "pk" {
            continue;
        }
        let cols: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                .bind(&index)
                .fetch_all(pool)
                .await
                .expect("index columns");
        let cols: Vec<String> = cols.into_iter().map(|(c,)| c).collect();
        indexes.insert((table, cols.join(","), unique == 1));
    }
    let foreign_keys: Vec<(String, String, String, String)> = sqlx::query_as(&format!(
        "SELECT m.name, f.\"from\", f.\"table\", f.\"to\" FROM {}",
        TABLES.replace(" WHERE", ", pragma_foreign_key_list(m.name) f WHERE")
    ))
    .fetch_all(pool)
    .await
    .expect("foreign keys");
    Schema {
        columns: columns
            .into_iter()
            .map(|(t, c, ty, notnull, pk)| (t, c, notnull == 0 && pk == 0, family(&ty)))
            .collect(),
        primary_keys: primary
            .into_iter()
            .map(|(table, mut cols)| {
                cols.sort();
                (
                    table,
                    cols.into_iter()
                        .map(|(_, c)| c)
                        .collect::<Vec<_>>()
                        .join(","),
                )
            })
            .collect(),
        indexes,
        foreign_keys: foreign_keys.into_iter().collect(),
    }
}

#[tokio::test]
async fn both_dialects_end_with_the_same_schema() {
    let Some(postgres) = TestDatabase::create(Backend::Postgres, "schema equivalence").await else {
        return;
    };
    let sqlite = TestDatabase::create(Backend::Sqlite, "schema equivalence")
        .await
        .expect("sqlite");
    let pg_store = Store::connect(&postgres.url, 2).await.expect("pg");
    let lite_store = Store::connect(&sqlite.url, 2).await.expect("sqlite");
    pg_store.migrate().await.expect("pg migrations");
    lite_store.migrate().await.expect("sqlite migrations");
    let (Pool::Postgres(pg, _), Pool::Sqlite(lite)) = (pg_store.pool(), lite_store.pool()) else {
        panic!("backends");
    };
    let pg_schema = postgres_schema(pg).await;
    let lite_schema = sqlite_schema(lite).await;
    assert!(
        pg_schema.columns.len() > 40,
        "the schema was read: {:?}",
        pg_schema.columns.len()
    );
    assert!(
        !pg_schema.columns.iter().any(|c| c.3.starts_with("unknown")),
        "{:?}",
        pg_schema.columns
    );
    assert_eq!(pg_schema.columns, lite_schema.columns, "columns");
    assert_eq!(
        pg_schema.primary_keys, lite_schema.primary_keys,
        "primary keys"
    );
    let mut lite_indexes = lite_schema.indexes;
    for (table, columns) in SQLITE_ONLY_INDEXES {
        assert!(
            lite_indexes.remove(&(table.to_owned(), columns.to_owned(), false)),
            "SQLite still has its index on {table} ({columns})"
        );
    }
    assert_eq!(pg_schema.indexes, lite_indexes, "indexes");
    assert_eq!(
        pg_schema.foreign_keys, lite_schema.foreign_keys,
        "foreign keys"
    );
    pg_store.close().await;
}
