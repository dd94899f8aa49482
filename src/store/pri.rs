//! Pre-release inventories: the live code per case, the PRI row (one per participant ever),
//! abandoning it, and the active PRI a release to its location hands the case over by.

use super::db::Exec;
use super::schema::{PriCodes, Pris, Users};
use super::{StoreError, Tx};
use crate::domain::pri::creation::CheckedPri;
use crate::domain::pri::{AbandonReason, PriCode, PriStatus};
use sea_query::{Expr, ExprTrait, OnConflict, Query};
use time::{Date, OffsetDateTime};

/// A case's live code: (code, issued by).
pub async fn live_code(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Option<(i64, i64)>, StoreError> {
    let query = Query::select()
        .columns([PriCodes::Code, PriCodes::IssuedBy])
        .from(PriCodes::Table)
        .and_where(Expr::col(PriCodes::ParticipantId).eq(participant))
        .to_owned();
    q.optional(&query).await
}

/// Makes `code` the case's live code, issued by `by`, replacing any earlier one (one live
/// code per case: only one community worker is working towards the PRI at a time).
pub async fn issue_code(
    tx: &mut Tx,
    participant: &str,
    code: PriCode,
    by: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(PriCodes::Table)
        .columns([
            PriCodes::ParticipantId,
            PriCodes::Code,
            PriCodes::IssuedBy,
            PriCodes::IssuedAt,
        ])
        .values_panic([
            participant.into(),
            code.value().into(),
            by.into(),
            now.into(),
        ])
        .on_conflict(
            OnConflict::column(PriCodes::ParticipantId)
                .update_columns([PriCodes::Code, PriCodes::IssuedBy, PriCodes::IssuedAt])
                .to_owned(),
        )
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Removes the case's code once a PRI is assigned: it has served its purpose.
pub async fn clear_code(tx: &mut Tx, participant: &str) -> Result<(), StoreError> {
    let delete = Query::delete()
        .from_table(PriCodes::Table)
        .and_where(Expr::col(PriCodes::ParticipantId).eq(participant))
        .to_owned();
    tx.execute(&delete).await?;
    Ok(())
}

/// A PRI as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PriRow {
    /// Id.
    pub id: i64,
    /// Status code (`PriStatus::code`).
    pub status: String,
    /// Custody location.
    pub custody_location_id: i64,
    /// Release location.
    pub release_location_id: i64,
    /// Expected release date.
    pub expected_release_date: Date,
    /// Meeting date.
    pub meeting_date: Date,
    /// Why the custody worker did not attend in person (none: they did).
    pub custody_not_in_person: Option<String>,
    /// Why the community worker did not.
    pub community_not_in_person: Option<String>,
    /// Why the participant did not.
    pub participant_not_in_person: Option<String>,
    /// Post-release community support information.
    pub support_information: Option<String>,
    /// Who made it.
    pub created_by: i64,
    /// When.
    pub created_at: OffsetDateTime,
    /// Who it is assigned to.
    pub assigned_to: Option<i64>,
    /// Abandon reason value.
    pub abandon_reason: Option<i64>,
    /// Abandon justification.
    pub abandon_justification: Option<String>,
    /// Who ended it.
    pub ended_by: Option<i64>,
    /// When.
    pub ended_at: Option<OffsetDateTime>,
}

impl PriRow {
    /// Its status; an unknown code reads as Abandoned, so it is never taken for active.
    pub fn status(&self) -> PriStatus {
        PriStatus::from_code(&self.status).unwrap_or(PriStatus::Abandoned)
    }

    /// Its abandon reason, if abandoned.
    pub fn abandon_reason(&self) -> Option<AbandonReason> {
        self.abandon_reason.and_then(AbandonReason::from_value)
    }
}

/// The case's PRI (there is at most one, ever).
pub async fn of_participant(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Option<PriRow>, StoreError> {
    let query = Query::select()
        .columns([
            Pris::Id,
            Pris::Status,
            Pris::CustodyLocationId,
            Pris::ReleaseLocationId,
            Pris::ExpectedReleaseDate,
            Pris::MeetingDate,
            Pris::CustodyNotInPerson,
            Pris::CommunityNotInPerson,
            Pris::ParticipantNotInPerson,
            Pris::SupportInformation,
            Pris::CreatedBy,
            Pris::CreatedAt,
            Pris::AssignedTo,
            Pris::AbandonReason,
            Pris::AbandonJustification,
            Pris::EndedBy,
            Pris::EndedAt,
        ])
        .from(Pris::Table)
        .and_where(Expr::col(Pris::ParticipantId).eq(participant))
        .to_owned();
    q.optional(&query).await
}

/// Writes a new PRI in `status`, made by `by` and assigned to `assignee`.
pub async fn insert(
    tx: &mut Tx,
    participant: &str,
    pri: &CheckedPri,
    (status, assignee): (PriStatus, i64),
    by: i64,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let [custody, community, person] = pri.not_in_person.clone();
    let insert = Query::insert()
        .into_table(Pris::Table)
        .columns([
            Pris::ParticipantId,
            Pris::Status,
            Pris::CustodyLocationId,
            Pris::ReleaseLocationId,
            Pris::ExpectedReleaseDate,
            Pris::MeetingDate,
            Pris::CustodyNotInPerson,
            Pris::CommunityNotInPerson,
            Pris::ParticipantNotInPerson,
            Pris::SupportInformation,
            Pris::CreatedBy,
            Pris::CreatedAt,
            Pris::AssignedTo,
            Pris::AcceptedAt,
        ])
        .values_panic([
            participant.into(),
            status.code().into(),
            pri.custody_location.into(),
            pri.release_location.into(),
            pri.expected_release.into(),
            pri.meeting_on.into(),
            custody.into(),
            community.into(),
            person.into(),
            pri.support_information.clone().into(),
            by.into(),
            now.into(),
            assignee.into(),
            now.into(),
        ])
        .returning_col(Pris::Id)
        .to_owned();
    let (id,): (i64,) = tx.fetch_one(&insert).await?;
    Ok(id)
}

/// Abandons PRI `id` if it still stands at `from`; false when someone changed it first.
pub async fn abandon(
    tx: &mut Tx,
    id: i64,
    from: PriStatus,
    (reason, justification): (AbandonReason, Option<&str>),
    by: i64,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let update = Query::update()
        .table(Pris::Table)
        .value(Pris::Status, PriStatus::Abandoned.code())
        .value(Pris::AbandonReason, reason.value())
        .value(Pris::AbandonJustification, justification)
        .value(Pris::EndedBy, by)
        .value(Pris::EndedAt, now)
        .and_where(Expr::col(Pris::Id).eq(id))
        .and_where(Expr::col(Pris::Status).eq(from.code()))
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

/// The assignee (id, tenant) of the case's active PRI whose release location is `location`.
pub async fn active_assignee_at(
    tx: &mut Tx,
    participant: &str,
    location: i64,
) -> Result<Option<(i64, String)>, StoreError> {
    let active: Vec<&str> = PriStatus::ALL
        .into_iter()
        .filter(|s| s.is_active())
        .map(PriStatus::code)
        .collect();
    let query = Query::select()
        .column((Users::Table, Users::Id))
        .column((Users::Table, Users::TenantId))
        .from(Pris::Table)
        .inner_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id)).equals((Pris::Table, Pris::AssignedTo)),
        )
        .and_where(Expr::col((Pris::Table, Pris::ParticipantId)).eq(participant))
        .and_where(Expr::col((Pris::Table, Pris::ReleaseLocationId)).eq(location))
        .and_where(Expr::col((Pris::Table, Pris::Status)).is_in(active))
        .to_owned();
    tx.fetch_optional(&query).await
}
