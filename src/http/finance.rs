//! Finance pages (DOMAIN.md §7): the enrolment payment ledger in the user's tenant scope,
//! filtered and paged on the server, its CSV export, and a live count of rows raised today.
//! Every handler checks the Finance permission (System Support holds every permission);
//! anyone else gets 403.

use super::current_user::CurrentUser;
use super::error::HttpError;
use super::listing::page_count;
use super::page::render_with_topics;
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::domain::location::LocationType;
use crate::domain::payments::enrolment::setting_of;
use crate::domain::permission::Permission;
use crate::format::display_date;
use crate::live::topics::FINANCE_TOPIC;
use crate::store::payments::{self, PaymentFilter, PaymentRow};
use crate::store::{org, users};
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cats_views::components::Pagination;
use cats_views::form::FormErrors;
use cats_views::pages::finance::{payments as payments_page, PaymentLine, PaymentsPage};
use serde::Deserialize;
use std::collections::HashMap;
use time::{Date, OffsetDateTime, Time};

routes! {
    get "/finance/payments" => list;
    get "/finance/payments.csv" => export;
}

/// Rows per page.
const PER_PAGE: u64 = 50;

/// The list's query string.
#[derive(Debug, Default, Deserialize)]
pub struct PaymentsQuery {
    /// Approved from (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Approved to (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// Contract id.
    pub contract: Option<String>,
    /// `eligible`, `ineligible` or empty for all.
    pub eligibility: Option<String>,
    /// Page as shown (1 is the first).
    pub page: Option<u64>,
}

impl PaymentsQuery {
    fn text(value: &Option<String>) -> &str {
        value.as_deref().map(str::trim).unwrap_or("")
    }

    /// The filter, or the errors to show at each field.
    fn filter(&self) -> (PaymentFilter, FormErrors) {
        let mut errors = FormErrors::new();
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let mut date = |field: &str, value: &str| -> Option<Date> {
            if value.is_empty() {
                return None;
            }
            match Date::parse(value, &format) {
                Ok(date) => Some(date),
                Err(_) => {
                    errors.add(field, "Enter a real date, for example 2026-11-01");
                    None
                }
            }
        };
        let from = date("from", Self::text(&self.from));
        let to = date("to", Self::text(&self.to));
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.add(
                    "to",
                    "The end date must be the same as or after the start date",
                );
            }
        }
        let contract = Some(Self::text(&self.contract).to_owned()).filter(|c| !c.is_empty());
        let eligible = match Self::text(&self.eligibility) {
            "eligible" => Some(true),
            "ineligible" => Some(false),
            _ => None,
        };
        (
            PaymentFilter {
                from,
                to,
                contract,
                eligible,
            },
            errors,
        )
    }

    /// The query string of the filter (without the page), for paging and export links.
    fn filter_string(&self) -> String {
        serde_html_form::to_string([
            ("from", Self::text(&self.from)),
            ("to", Self::text(&self.to)),
            ("contract", Self::text(&self.contract)),
            ("eligibility", Self::text(&self.eligibility)),
        ])
        .unwrap_or_default()
    }
}

fn require_finance(user: &Principal) -> Result<(), HttpError> {
    if user.can(Permission::Finance) {
        Ok(())
    } else {
        Err(HttpError::Forbidden)
    }
}

/// Names to show on rows: locations and support workers.
struct Names {
    locations: HashMap<i64, String>,
    workers: HashMap<i64, String>,
}

impl Names {
    async fn load(
        state: &AppState,
        user: &Principal,
        rows: &[PaymentRow],
    ) -> Result<Self, HttpError> {
        let mut db = state.store.db();
        let locations = org::locations_visible(&mut db, &user.scope())
            .await?
            .into_iter()
            .map(|l| (l.id, l.name))
            .collect();
        let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.support_worker_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let workers = users::display_names(&mut db, &ids).await?;
        Ok(Self { locations, workers })
    }

    fn line(&self, row: &PaymentRow) -> PaymentLine {
        PaymentLine {
            approved: display_date(row.approval_date),
            participant: row.participant_id.clone(),
            contract: row.contract_id.clone().unwrap_or_default(),
            location: row
                .location_id
                .map(|id| {
                    self.locations
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| format!("Location {id}"))
                })
                .unwrap_or_default(),
            setting: setting(row).to_owned(),
            worker: row
                .support_worker_id
                .and_then(|id| self.workers.get(&id).cloned())
                .unwrap_or_default(),
            tenant: row.tenant_id.clone().unwrap_or_default(),
            eligible: row.eligible,
            reason: row.ineligibility_reason.clone().unwrap_or_default(),
        }
    }
}

/// Custody or Community, from the row's location type.
fn setting(row: &PaymentRow) -> &'static str {
    row.location_type
        .as_deref()
        .and_then(LocationType::from_code)
        .and_then(setting_of)
        .map_or("", |s| s.name())
}

/// `GET /finance/payments`
pub async fn list(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    query: web::Query<PaymentsQuery>,
) -> Result<HttpResponse, HttpError> {
    require_finance(&user)?;
    // The topic's position before the count is read: no batch can fall in between.
    let topic = super::page::topic_now(&state, FINANCE_TOPIC).await?;
    let scope = user.scope();
    let (filter, errors) = query.filter();
    // A filter with errors lists nothing rather than something the user did not ask for.
    let filter_ok = errors.is_empty();
    let mut db = state.store.db();
    let total = if filter_ok {
        payments::count(&mut db, &scope, &filter).await?
    } else {
        0
    };
    let pages = page_count(total, PER_PAGE);
    let page = query.page.unwrap_or(1).max(1).min(pages) - 1;
    let rows = if filter_ok {
        payments::list(&mut db, &scope, &filter, page * PER_PAGE, Some(PER_PAGE)).await?
    } else {
        Vec::new()
    };
    let today = OffsetDateTime::now_utc().replace_time(Time::MIDNIGHT);
    let raised_today = payments::raised_since(&mut db, &scope, today).await?;
    let names = Names::load(&state, &user, &rows).await?;
    let lines: Vec<PaymentLine> = rows.iter().map(|r| names.line(r)).collect();
    let mut contracts = vec![(String::new(), "All contracts".to_owned())];
    contracts.extend(
        org::contracts_visible(&mut db, &scope)
            .await?
            .into_iter()
            .map(|c| (c.id.clone(), format!("{} ({})", c.description, c.id))),
    );
    let eligibilities = [
        ("", "Eligible and ineligible"),
        ("eligible", "Eligible"),
        ("ineligible", "Ineligible"),
    ]
    .map(|(v, l)| (v.to_owned(), l.to_owned()));
    let query_string = query.filter_string();
    let export_href = format!("/finance/payments.csv?{query_string}");
    let view = PaymentsPage {
        rows: &lines,
        total,
        raised_today,
        from: PaymentsQuery::text(&query.from),
        to: PaymentsQuery::text(&query.to),
        contract: PaymentsQuery::text(&query.contract),
        contracts: &contracts,
        eligibility: PaymentsQuery::text(&query.eligibility),
        eligibilities: &eligibilities,
        export_href: &export_href,
        errors: &errors,
        pagination: Pagination {
            page,
            pages,
            more: false,
            query: &query_string,
            path: "/finance/payments",
        },
    };
    let mut response = render_with_topics(
        &state,
        &user,
        "Enrolment payments",
        "/finance/payments",
        payments_page(&view),
        &[topic],
    )
    .await;
    if !filter_ok {
        *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// `GET /finance/payments.csv`: every row of the filter, in the list's order.
pub async fn export(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    query: web::Query<PaymentsQuery>,
) -> Result<HttpResponse, HttpError> {
    require_finance(&user)?;
    let (filter, errors) = query.filter();
    if !errors.is_empty() {
        return Err(HttpError::BadRequest(
            "the date filter is not a real date".to_owned(),
        ));
    }
    let rows = payments::list(&mut state.store.db(), &user.scope(), &filter, 0, None).await?;
    let names = Names::load(&state, &user, &rows).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| HttpError::Internal(anyhow::anyhow!("csv: {e}"));
    writer
        .write_record([
            "Approved",
            "Participant",
            "Contract",
            "Location id",
            "Location",
            "Location type",
            "Setting",
            "Tenant",
            "Support worker",
            "Consent date",
            "Eligible",
            "Ineligibility reason",
            "Raised at",
            "Source event",
        ])
        .map_err(csv_error)?;
    for row in &rows {
        let line = names.line(row);
        writer
            .write_record([
                row.approval_date.to_string(),
                row.participant_id.clone(),
                line.contract,
                row.location_id.map(|id| id.to_string()).unwrap_or_default(),
                line.location,
                row.location_type.clone().unwrap_or_default(),
                line.setting,
                line.tenant,
                line.worker,
                row.consent_date.map(|d| d.to_string()).unwrap_or_default(),
                if row.eligible { "Yes" } else { "No" }.to_owned(),
                line.reason,
                row.created_at.to_string(),
                row.source_event_id.to_string(),
            ])
            .map_err(csv_error)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| HttpError::Internal(anyhow::anyhow!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"enrolment-payments.csv\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
