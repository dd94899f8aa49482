//! Transfer entries: incoming (the contract a case arrives in chooses its owner) and outgoing
//! (the contract it left sees it went), raised and closed by moves in the external data.

use super::db::Exec;
use super::schema::{
    IncomingTransfers, LocationTenants, Locations, OutgoingTransfers, Participants,
};
use super::{StoreError, Tx};
use crate::domain::tenant::TenantScope;
use crate::domain::transfer::{LatestIncoming, OpenOutgoing, TransferType};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use time::OffsetDateTime;

/// A location as a move sees it: its type code and contract.
pub async fn place(
    q: &mut impl Exec,
    location: i64,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    let query = Query::select()
        .columns([Locations::LocationType, Locations::ContractId])
        .from(Locations::Table)
        .and_where(Expr::col(Locations::Id).eq(location))
        .to_owned();
    q.optional(&query).await
}

/// Id, completed at, from contract, to contract.
type LatestRow = (i64, Option<OffsetDateTime>, Option<String>, Option<String>);

/// The case's latest incoming entry.
pub async fn latest_incoming(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Option<LatestIncoming>, StoreError> {
    let query = Query::select()
        .columns([
            IncomingTransfers::Id,
            IncomingTransfers::CompletedAt,
            IncomingTransfers::FromContractId,
            IncomingTransfers::ToContractId,
        ])
        .from(IncomingTransfers::Table)
        .and_where(Expr::col(IncomingTransfers::ParticipantId).eq(participant))
        .order_by(IncomingTransfers::Id, Order::Desc)
        .limit(1)
        .to_owned();
    let row: Option<LatestRow> = q.optional(&query).await?;
    Ok(row.map(|(id, completed, from, to)| LatestIncoming {
        id,
        completed: completed.is_some(),
        from_contract: from,
        to_contract: to,
    }))
}

/// The case's incoming entry nobody has dealt with yet, if any.
pub async fn open_incoming(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Option<i64>, StoreError> {
    let query = Query::select()
        .column(IncomingTransfers::Id)
        .from(IncomingTransfers::Table)
        .and_where(Expr::col(IncomingTransfers::ParticipantId).eq(participant))
        .and_where(Expr::col(IncomingTransfers::CompletedAt).is_null())
        .limit(1)
        .to_owned();
    let row: Option<(i64,)> = q.optional(&query).await?;
    Ok(row.map(|(id,)| id))
}

/// The case's outgoing entries not yet replaced.
pub async fn open_outgoing(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Vec<OpenOutgoing>, StoreError> {
    let query = Query::select()
        .columns([OutgoingTransfers::Id, OutgoingTransfers::FromContractId])
        .from(OutgoingTransfers::Table)
        .and_where(Expr::col(OutgoingTransfers::ParticipantId).eq(participant))
        .and_where(Expr::col(OutgoingTransfers::Replaced).eq(false))
        .order_by(OutgoingTransfers::Id, Order::Asc)
        .to_owned();
    let rows: Vec<(i64, Option<String>)> = q.all(&query).await?;
    Ok(rows
        .into_iter()
        .map(|(id, from_contract)| OpenOutgoing { id, from_contract })
        .collect())
}

/// Marks outgoing entries replaced by a later move.
pub async fn replace_outgoing(tx: &mut Tx, ids: &[i64]) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let update = Query::update()
        .table(OutgoingTransfers::Table)
        .value(OutgoingTransfers::Replaced, true)
        .and_where(Expr::col(OutgoingTransfers::Id).is_in(ids.iter().copied()))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Closes incoming entry `id` if it is still open: processed by `by`, dismissed, or (with no
/// one) overtaken by a later move. False when someone else closed it first.
pub async fn complete_incoming(
    tx: &mut Tx,
    id: i64,
    by: Option<i64>,
    dismissed: bool,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let update = Query::update()
        .table(IncomingTransfers::Table)
        .value(IncomingTransfers::CompletedAt, now)
        .value(IncomingTransfers::CompletedBy, by)
        .value(IncomingTransfers::Dismissed, dismissed)
        .and_where(Expr::col(IncomingTransfers::Id).eq(id))
        .and_where(Expr::col(IncomingTransfers::CompletedAt).is_null())
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

/// A move, as both kinds of entry record it.
#[derive(Debug, Clone)]
pub struct NewTransfer<'a> {
    /// The case.
    pub participant: &'a str,
    /// From location.
    pub from_location: i64,
    /// To location.
    pub to_location: i64,
    /// The contract left (none for an unmapped location).
    pub from_contract: Option<&'a str>,
    /// The contract entered.
    pub to_contract: Option<&'a str>,
    /// The kind of move.
    pub kind: TransferType,
    /// When it happened.
    pub moved_at: OffsetDateTime,
}

/// Raises an incoming entry.
pub async fn insert_incoming(tx: &mut Tx, t: &NewTransfer<'_>) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(IncomingTransfers::Table)
        .columns([
            IncomingTransfers::ParticipantId,
            IncomingTransfers::FromLocationId,
            IncomingTransfers::ToLocationId,
            IncomingTransfers::FromContractId,
            IncomingTransfers::ToContractId,
            IncomingTransfers::TransferType,
            IncomingTransfers::MovedAt,
            IncomingTransfers::Dismissed,
        ])
        .values_panic([
            t.participant.into(),
            t.from_location.into(),
            t.to_location.into(),
            t.from_contract.into(),
            t.to_contract.into(),
            i64::from(t.kind.value()).into(),
            t.moved_at.into(),
            false.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Raises an outgoing entry for the owner (and their tenant) the case had before the move.
pub async fn insert_outgoing(
    tx: &mut Tx,
    t: &NewTransfer<'_>,
    previous_owner: Option<(i64, &str)>,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(OutgoingTransfers::Table)
        .columns([
            OutgoingTransfers::ParticipantId,
            OutgoingTransfers::FromLocationId,
            OutgoingTransfers::ToLocationId,
            OutgoingTransfers::FromContractId,
            OutgoingTransfers::ToContractId,
            OutgoingTransfers::TransferType,
            OutgoingTransfers::MovedAt,
            OutgoingTransfers::PreviousOwnerId,
            OutgoingTransfers::PreviousTenantId,
            OutgoingTransfers::Replaced,
        ])
        .values_panic([
            t.participant.into(),
            t.from_location.into(),
            t.to_location.into(),
            t.from_contract.into(),
            t.to_contract.into(),
            i64::from(t.kind.value()).into(),
            t.moved_at.into(),
            previous_owner.map(|o| o.0).into(),
            previous_owner.map(|o| o.1.to_owned()).into(),
            false.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// A move as both kinds of entry list it, with the case it is about.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MoveRow {
    /// Entry id.
    pub id: i64,
    /// The case.
    pub participant_id: String,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// The case's enrolment status value.
    pub enrolment_status: i64,
    /// From location.
    pub from_location_id: i64,
    /// To location.
    pub to_location_id: i64,
    /// The contract left.
    pub from_contract_id: Option<String>,
    /// The contract entered.
    pub to_contract_id: Option<String>,
    /// Stored transfer type.
    pub transfer_type: i64,
    /// When the move happened.
    pub moved_at: OffsetDateTime,
}

/// One incoming entry, for the list and the process page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IncomingRow {
    /// The move.
    #[sqlx(flatten)]
    pub moved: MoveRow,
    /// The case's owner now.
    pub owner_id: Option<i64>,
    /// When it was dealt with.
    pub completed_at: Option<OffsetDateTime>,
}

/// The columns of a [`MoveRow`] from `table` (either kind of entry: the two tables name these
/// columns alike) joined to its case.
fn moves_from<T: sea_query::Iden + Copy + 'static>(table: T) -> SelectStatement {
    use IncomingTransfers as Col;
    Query::select()
        .column((table, Col::Id))
        .column((table, Col::ParticipantId))
        .columns([
            (Participants::Table, Participants::FirstName),
            (Participants::Table, Participants::MiddleName),
            (Participants::Table, Participants::LastName),
            (Participants::Table, Participants::EnrolmentStatus),
        ])
        .columns([
            (table, Col::FromLocationId),
            (table, Col::ToLocationId),
            (table, Col::FromContractId),
            (table, Col::ToContractId),
            (table, Col::TransferType),
            (table, Col::MovedAt),
        ])
        .from(table)
        .inner_join(
            Participants::Table,
            Expr::col((Participants::Table, Participants::Id)).equals((table, Col::ParticipantId)),
        )
        .to_owned()
}

fn incoming_select() -> SelectStatement {
    moves_from(IncomingTransfers::Table)
        .column((Participants::Table, Participants::OwnerId))
        .column((IncomingTransfers::Table, IncomingTransfers::CompletedAt))
        .to_owned()
}

/// Incoming entry `id`.
pub async fn incoming(q: &mut impl Exec, id: i64) -> Result<Option<IncomingRow>, StoreError> {
    let query = incoming_select()
        .and_where(Expr::col((IncomingTransfers::Table, IncomingTransfers::Id)).eq(id))
        .to_owned();
    q.optional(&query).await
}

/// Open incoming entries whose destination is visible in `scope` (linked to a tenant in it),
/// oldest move first.
pub async fn incoming_in_scope(
    q: &mut impl Exec,
    scope: &TenantScope,
) -> Result<Vec<IncomingRow>, StoreError> {
    let visible = Query::select()
        .column(LocationTenants::LocationId)
        .from(LocationTenants::Table)
        .and_where(Expr::col(LocationTenants::TenantId).like(scope.like_pattern()))
        .to_owned();
    let query = incoming_select()
        .and_where(Expr::col((IncomingTransfers::Table, IncomingTransfers::CompletedAt)).is_null())
        .and_where(
            Expr::col((IncomingTransfers::Table, IncomingTransfers::ToLocationId))
                .in_subquery(visible),
        )
        .order_by(
            (IncomingTransfers::Table, IncomingTransfers::MovedAt),
            Order::Asc,
        )
        .order_by(
            (IncomingTransfers::Table, IncomingTransfers::Id),
            Order::Asc,
        )
        .to_owned();
    q.all(&query).await
}

/// Outgoing entries not replaced, of moves since `since`, whose previous owner's tenant is in
/// `scope`: the cases that left the user's organisation lately; newest first.
pub async fn outgoing_in_scope(
    q: &mut impl Exec,
    scope: &TenantScope,
    since: OffsetDateTime,
) -> Result<Vec<MoveRow>, StoreError> {
    let query = moves_from(OutgoingTransfers::Table)
        .and_where(Expr::col((OutgoingTransfers::Table, OutgoingTransfers::Replaced)).eq(false))
        .and_where(Expr::col((OutgoingTransfers::Table, OutgoingTransfers::MovedAt)).gt(since))
        .and_where(
            Expr::col((
                OutgoingTransfers::Table,
                OutgoingTransfers::PreviousTenantId,
            ))
            .like(scope.like_pattern()),
        )
        .order_by(
            (OutgoingTransfers::Table, OutgoingTransfers::MovedAt),
            Order::Desc,
        )
        .order_by(
            (OutgoingTransfers::Table, OutgoingTransfers::Id),
            Order::Desc,
        )
        .to_owned();
    q.all(&query).await
}
