//! The participant list: cases the user may see, filtered, sorted and paged, with a count that
//! stops at a cap. Each sort reads a composite index in order (migration 0006) and ends with the
//! id, so pages never overlap or skip rows; scope is always applied, whatever the filters.

use super::participants::{visible, ParticipantRow, COLUMNS};
use super::schema::{Locations, Participants};
use super::{Db, StoreError};
use crate::domain::participant_list::{ListCriteria, MatchCount, OwnerFilter, SortKey};
use crate::domain::tenant::TenantScope;
use sea_query::{Alias, Cond, Expr, ExprTrait, Func, NullOrdering, Order, Query, SelectStatement};
use time::Date;

/// Who is looking, and when.
#[derive(Debug, Clone)]
pub struct Viewer<'a> {
    /// Their scope.
    pub scope: &'a TenantScope,
    /// Internal users also see unowned cases.
    pub internal: bool,
    /// Their user id (for "owned by me").
    pub user_id: i64,
    /// Today, for risk due.
    pub today: Date,
}

/// One page of the list.
#[derive(Debug, Clone)]
pub struct ListPage {
    /// The rows of the page.
    pub rows: Vec<ParticipantRow>,
    /// How many match in all, up to the cap.
    pub count: MatchCount,
}

fn col(column: Participants) -> Expr {
    Expr::col((Participants::Table, column))
}

/// The rows in scope that match every filter (no columns, no order).
fn matching(viewer: &Viewer<'_>, criteria: &ListCriteria) -> SelectStatement {
    let mut query = Query::select()
        .from(Participants::Table)
        .cond_where(visible(viewer.scope, viewer.internal))
        .to_owned();
    if let Some(status) = criteria.status {
        // The generated listing-order column, not the stored value: the (status_order, name)
        // index then serves both this filter and the status sort.
        let order = i64::try_from(status.order()).unwrap_or(i64::MAX);
        query.and_where(col(Participants::StatusOrder).eq(order));
    }
    if let Some(location) = criteria.location {
        query.and_where(col(Participants::CurrentLocationId).eq(location));
    }
    if let Some(contract) = &criteria.contract {
        let at_contract = Query::select()
            .column(Locations::Id)
            .from(Locations::Table)
            .and_where(Expr::col(Locations::ContractId).eq(contract.as_str()))
            .to_owned();
        query.and_where(col(Participants::CurrentLocationId).in_subquery(at_contract));
    }
    match criteria.owner {
        Some(OwnerFilter::Me) => {
            query.and_where(col(Participants::OwnerId).eq(viewer.user_id));
        }
        Some(OwnerFilter::Unowned) => {
            query.and_where(col(Participants::OwnerId).is_null());
        }
        Some(OwnerFilter::User(id)) => {
            query.and_where(col(Participants::OwnerId).eq(id));
        }
        None => {}
    }
    if let Some(risk_due) = criteria.risk_due {
        let (from, to) = risk_due.range(viewer.today);
        if let Some(from) = from {
            query.and_where(col(Participants::RiskDue).gte(from));
        }
        if let Some(to) = to {
            query.and_where(col(Participants::RiskDue).lte(to));
        }
    }
    if !criteria.search.is_empty() {
        let pattern = format!(
            "%{}%",
            criteria.search.to_lowercase().replace(['%', '_', '\\'], "")
        );
        let lower_like = |column| Expr::expr(Func::lower(col(column))).like(pattern.clone());
        query.cond_where(
            Cond::any()
                .add(lower_like(Participants::LastName))
                .add(lower_like(Participants::FirstName))
                .add(lower_like(Participants::Id)),
        );
    }
    query
}

/// Orders `query` by the sort, then by id so equal keys page stably.
fn sorted(mut query: SelectStatement, criteria: &ListCriteria) -> SelectStatement {
    let order = if criteria.sort.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    // Names sort by last then first name, as every (key, last_name, first_name, id) index has it.
    let by_name = |query: &mut SelectStatement| {
        query
            .order_by((Participants::Table, Participants::LastName), order.clone())
            .order_by(
                (Participants::Table, Participants::FirstName),
                order.clone(),
            );
    };
    match criteria.sort.key {
        SortKey::Name => by_name(&mut query),
        SortKey::Id => {}
        SortKey::Status => {
            query.order_by(
                (Participants::Table, Participants::StatusOrder),
                order.clone(),
            );
            by_name(&mut query);
        }
        SortKey::Location => {
            // Joined only for this sort. The only sort no index can serve on a broad filter
            // (names live in another table): PostgreSQL keeps the top rows of the matches in a
            // heap rather than sorting them all; a location filter makes it an index read.
            query
                .left_join(
                    Locations::Table,
                    Expr::col((Locations::Table, Locations::Id))
                        .equals((Participants::Table, Participants::CurrentLocationId)),
                )
                .order_by((Locations::Table, Locations::Name), order.clone());
            by_name(&mut query);
        }
        SortKey::RiskDue => {
            // Cases without a due date come last going forwards, first going backwards: the
            // mirror image, so one index serves both directions.
            let nulls = if criteria.sort.descending {
                NullOrdering::First
            } else {
                NullOrdering::Last
            };
            query.order_by_with_nulls(
                (Participants::Table, Participants::RiskDue),
                order.clone(),
                nulls,
            );
        }
        SortKey::Updated => {
            // No index on PostgreSQL: every write of a case changes `updated_at`, and an
            // index on it would cost each write an entry in all the case row's indexes
            // (decision record 24). It keeps the newest rows of the matches in a heap, as for
            // the location. SQLite keeps its index, which costs a write one entry.
            query.order_by(
                (Participants::Table, Participants::UpdatedAt),
                order.clone(),
            );
        }
    }
    query.order_by((Participants::Table, Participants::Id), order);
    query
}

/// One page (zero-based `page` of `per_page`) of the cases `viewer` may see that match, and
/// how many match, counted up to [`MatchCount::limit`].
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &mut Db<'_>,
    viewer: &Viewer<'_>,
    criteria: &ListCriteria,
    page: u64,
    per_page: u64,
) -> Result<ListPage, StoreError> {
    let base = matching(viewer, criteria);
    let limit = MatchCount::limit(page, per_page);
    let capped = base
        .clone()
        .column((Participants::Table, Participants::Id))
        .limit(limit + 1)
        .to_owned();
    let count = Query::select()
        .expr(Func::count(Expr::cust("*")))
        .from_subquery(capped, Alias::new("matched"))
        .to_owned();
    let (counted,): (i64,) = db.fetch_one(&count).await?;
    let rows_query = sorted(base, criteria)
        .columns(COLUMNS.map(|c| (Participants::Table, c)))
        .limit(per_page)
        .offset(page.saturating_mul(per_page))
        .to_owned();
    Ok(ListPage {
        rows: db.fetch_all(&rows_query).await?,
        count: MatchCount::of(u64::try_from(counted).unwrap_or(0), limit),
    })
}
