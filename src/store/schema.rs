//! Table and column names for sea-query, one enum per table. `Table` names the table itself.

use sea_query::Iden;

/// `tenants`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Tenants {
    Table,
    Id,
    Name,
    Description,
    ParentId,
    CreatedAt,
}

/// `tenant_domains`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum TenantDomains {
    Table,
    TenantId,
    Domain,
}

/// `contracts`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Contracts {
    Table,
    Id,
    Lot,
    Description,
    TenantId,
    LifetimeStart,
    LifetimeEnd,
}

/// `locations`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Locations {
    Table,
    Id,
    Name,
    LocationType,
    GenderProvision,
    ContractId,
    ParentId,
    LifetimeStart,
    LifetimeEnd,
}

/// `location_tenants`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum LocationTenants {
    Table,
    LocationId,
    TenantId,
}

/// `location_mappings`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum LocationMappings {
    Table,
    Code,
    CodeType,
    Description,
    Region,
    LocationId,
}

/// `users`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    TenantId,
    Status,
    SuperiorId,
    PasswordHash,
    MustChangePassword,
    FailedAttempts,
    LockedAt,
    LockReason,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

/// `user_roles`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum UserRoles {
    Table,
    UserId,
    Role,
}

/// `password_history`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum PasswordHistory {
    Table,
    Id,
    UserId,
    PasswordHash,
    CreatedAt,
}

/// `sessions`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Sessions {
    Table,
    Id,
    UserId,
    CsrfToken,
    CreatedAt,
    LastSeenAt,
    Ip,
    UserAgent,
    RevokedAt,
    RevokedReason,
}

/// `identity_audit`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum IdentityAudit {
    Table,
    Id,
    OccurredAt,
    Event,
    UserId,
    Email,
    ActorId,
    Ip,
    Detail,
}

/// `participants`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Participants {
    Table,
    Id,
    FirstName,
    MiddleName,
    LastName,
    DateOfBirth,
    Gender,
    Nationality,
    Ethnicity,
    EnrolmentStatus,
    ConsentStatus,
    DateOfFirstConsent,
    CurrentLocationId,
    EnrolmentLocationId,
    EnrolmentLocationJustification,
    OwnerId,
    OwnerTenantId,
    PrimaryRecord,
    ActiveInFeed,
    DeactivatedInFeed,
    RegistrationDetails,
    LastSyncAt,
    Version,
    PageStamp,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
    PreferredName,
    Pronouns,
    Notes,
    RiskDue,
    RiskDueReason,
    StatusOrder,
}

/// `participant_identifiers`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum ParticipantIdentifiers {
    Table,
    ParticipantId,
    Kind,
    Value,
}

/// `enrolment_history`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum EnrolmentHistory {
    Table,
    Id,
    ParticipantId,
    Status,
    StartedAt,
    EndedAt,
    UserId,
    Reason,
    Detail,
}

/// `timeline`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Timeline {
    Table,
    Id,
    ParticipantId,
    Kind,
    Line1,
    Line2,
    Line3,
    UserId,
    OccurredAt,
}

/// `participant_access_audit`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum ParticipantAccessAudit {
    Table,
    Id,
    ParticipantId,
    UserId,
    Allowed,
    OccurredAt,
}

/// `participant_field_audit`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum ParticipantFieldAudit {
    Table,
    Id,
    ParticipantId,
    Field,
    OldValue,
    NewValue,
    UserId,
    Version,
    OccurredAt,
}

/// `documents`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Documents {
    Table,
    Id,
    ParticipantId,
    Kind,
    FileName,
    StorageKey,
    SizeBytes,
    Sha256,
    UploadedBy,
    UploadedAt,
}

/// `document_downloads`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum DocumentDownloads {
    Table,
    Id,
    DocumentId,
    UserId,
    OccurredAt,
}

/// `consents`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Consents {
    Table,
    Id,
    ParticipantId,
    ConsentDate,
    FormVersion,
    DocumentId,
    CreatedBy,
    CreatedAt,
}

/// `right_to_work`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum RightToWork {
    Table,
    Id,
    ParticipantId,
    ValidFrom,
    ValidTo,
    DocumentId,
    CreatedBy,
    CreatedAt,
}

/// `assessments`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Assessments {
    Table,
    Id,
    ParticipantId,
    LocationId,
    EnrolmentLocationId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    SubmittedBy,
    SubmittedAt,
    Justification,
}

/// `assessment_answers`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum AssessmentAnswers {
    Table,
    AssessmentId,
    Question,
    OptionText,
}

/// `assessment_scores`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum AssessmentScores {
    Table,
    AssessmentId,
    Pathway,
    Score,
}

/// `qa_entries`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum QaEntries {
    Table,
    Id,
    ParticipantId,
    Queue,
    TenantId,
    SupportWorkerId,
    SubmittedAt,
    ConsentDate,
    CreatedBy,
    CreatedAt,
    ClaimedBy,
    ClaimedAt,
    CompletedAt,
    Outcome,
}

/// `assessment_answer_audit`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum AssessmentAnswerAudit {
    Table,
    Id,
    AssessmentId,
    Question,
    OldValue,
    NewValue,
    UserId,
    OccurredAt,
}

/// `qa_notes`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum QaNotes {
    Table,
    Id,
    EntryId,
    ParticipantId,
    UserId,
    Outcome,
    Message,
    Internal,
    ReturnReason,
    FeedbackType,
    CreatedAt,
}

/// `provider_feedback`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum ProviderFeedback {
    Table,
    Id,
    ParticipantId,
    EntryId,
    Kind,
    Reason,
    Message,
    TenantId,
    SupportWorkerId,
    ReviewerId,
    CreatedAt,
}

/// `qa1_feedback`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Qa1Feedback {
    Table,
    Id,
    ParticipantId,
    EntryId,
    RecipientId,
    SenderId,
    Reason,
    Message,
    CreatedAt,
    ReadAt,
}

/// `notifications`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Notifications {
    Table,
    Id,
    UserId,
    Heading,
    Details,
    Link,
    DedupeKey,
    CreatedAt,
    ReadAt,
}

/// `outbox`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Outbox {
    Table,
    Id,
    Topic,
    Payload,
    CreatedAt,
    PublishedAt,
    Attempts,
    NextAttemptAt,
    LastError,
}

/// `feed_refresh_runs`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum FeedRefreshRuns {
    Table,
    Id,
    Kind,
    StartedBy,
    StartedAt,
    FinishedAt,
    Total,
    Done,
    Changed,
    Errors,
    Cursor,
}

/// `participant_locations`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum ParticipantLocations {
    Table,
    Id,
    ParticipantId,
    LocationId,
    PreviousId,
    MovedAt,
}

/// `integration_events`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum IntegrationEvents {
    Table,
    Id,
    Kind,
    ParticipantId,
    OccurredAt,
    OccurredOn,
    CreatedAt,
}

/// `pending_integration_events`: the queue of events not yet handled.
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum PendingIntegrationEvents {
    Table,
    Id,
    Kind,
    ParticipantId,
    OccurredOn,
}

/// `enrolment_payments`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum EnrolmentPayments {
    Table,
    SourceEventId,
    ParticipantId,
    Eligible,
    IneligibilityReason,
    ContractId,
    LocationId,
    LocationType,
    TenantId,
    SupportWorkerId,
    ConsentDate,
    ApprovalDate,
    CreatedAt,
}

/// `ownership_history`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum OwnershipHistory {
    Table,
    Id,
    ParticipantId,
    OwnerId,
    TenantId,
    ContractId,
    StartedAt,
    EndedAt,
    ChangedBy,
}

/// `incoming_transfers`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum IncomingTransfers {
    Table,
    Id,
    ParticipantId,
    FromLocationId,
    ToLocationId,
    FromContractId,
    ToContractId,
    TransferType,
    MovedAt,
    CompletedAt,
    CompletedBy,
    Dismissed,
}

/// `outgoing_transfers`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum OutgoingTransfers {
    Table,
    Id,
    ParticipantId,
    FromLocationId,
    ToLocationId,
    FromContractId,
    ToContractId,
    TransferType,
    MovedAt,
    PreviousOwnerId,
    PreviousTenantId,
    Replaced,
}

/// `pri_codes`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum PriCodes {
    Table,
    ParticipantId,
    Code,
    IssuedBy,
    IssuedAt,
}

/// `pris`
#[derive(Iden, Clone, Copy)]
#[allow(missing_docs)]
pub enum Pris {
    Table,
    Id,
    ParticipantId,
    Status,
    CustodyLocationId,
    ReleaseLocationId,
    ExpectedReleaseDate,
    MeetingDate,
    CustodyNotInPerson,
    CommunityNotInPerson,
    ParticipantNotInPerson,
    SupportInformation,
    CreatedBy,
    CreatedAt,
    AssignedTo,
    AcceptedAt,
    AbandonReason,
    AbandonJustification,
    EndedBy,
    EndedAt,
}
