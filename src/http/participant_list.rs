//! `GET /participants`: the cases in the user's scope, filtered by status, location, contract,
//! owner and risk due, sorted by a column heading, paged. Only what the user can see is offered
//! as a filter, and a value they cannot choose is a message at its field, never a wider list.

use super::current_user::CurrentUser;
use super::error::HttpError;
use super::listing::{page_count, page_index};
use super::page::{form_response, render};
use super::state::AppState;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::participant_list::{
    parse, Choices, ListCriteria, MatchCount, RawListQuery, SortKey,
};
use crate::format::{display_count, display_date, display_time, full_name};
use crate::store::participant_list::{self, Viewer};
use crate::store::participants::ParticipantRow;
use crate::store::{org, users};
use actix_web::{web, HttpResponse};
use cats_views::components::Pagination;
use cats_views::form::FormErrors;
use cats_views::pages::participant_list::{
    participant_list, Filter, Heading, ParticipantLine, ParticipantList,
};
use serde::Deserialize;
use time::Date;

const PER_PAGE: u64 = 25;

/// The list's address: filters, sort and page.
#[derive(Deserialize, Default)]
pub struct ParticipantQuery {
    search: Option<String>,
    status: Option<String>,
    location: Option<String>,
    contract: Option<String>,
    owner: Option<String>,
    risk_due: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<u64>,
}

impl ParticipantQuery {
    fn raw(&self) -> RawListQuery<'_> {
        fn text(v: &Option<String>) -> &str {
            v.as_deref().unwrap_or_default()
        }
        RawListQuery {
            search: text(&self.search),
            status: text(&self.status),
            location: text(&self.location),
            contract: text(&self.contract),
            owner: text(&self.owner),
            risk_due: text(&self.risk_due),
            sort: text(&self.sort),
            dir: text(&self.dir),
        }
    }
}

/// The filters as an address query, without sort and page (each link adds its own).
fn filter_pairs<'a>(raw: &RawListQuery<'a>) -> Vec<(&'static str, &'a str)> {
    [
        ("search", raw.search),
        ("status", raw.status),
        ("location", raw.location),
        ("contract", raw.contract),
        ("owner", raw.owner),
        ("risk_due", raw.risk_due),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .collect()
}

fn encode(pairs: &[(&str, &str)]) -> String {
    serde_html_form::to_string(pairs).unwrap_or_default()
}

/// Sortable column headings; the sorted one links to the other direction.
fn headings(raw: &RawListQuery<'_>, criteria: Option<&ListCriteria>) -> Vec<Heading<'static>> {
    let sort = criteria.map(|c| c.sort).unwrap_or_default();
    let filters = filter_pairs(raw);
    let sortable = |label, key: SortKey| {
        let current = sort.key == key;
        let next_dir = if current && !sort.descending {
            "desc"
        } else {
            "asc"
        };
        let mut pairs = filters.clone();
        pairs.push(("sort", key.code()));
        pairs.push(("dir", next_dir));
        Heading {
            label,
            href: Some(format!("/participants?{}", encode(&pairs))),
            sorted: current.then_some(if sort.descending {
                "descending"
            } else {
                "ascending"
            }),
        }
    };
    let plain = |label| Heading {
        label,
        href: None,
        sorted: None,
    };
    vec![
        sortable("Name", SortKey::Name),
        sortable("Id", SortKey::Id),
        plain("Date of birth"),
        sortable("Status", SortKey::Status),
        sortable("Location", SortKey::Location),
        plain("Owner"),
        sortable("Risk due", SortKey::RiskDue),
        sortable("Last updated", SortKey::Updated),
    ]
}

fn count_text(count: MatchCount) -> String {
    let noun = |n| {
        if n == 1 {
            "participant"
        } else {
            "participants"
        }
    };
    match count {
        MatchCount::Exactly(n) => format!("{} {}", display_count(n), noun(n)),
        MatchCount::MoreThan(n) => format!("More than {} participants", display_count(n)),
    }
}

fn with_any(
    any: &str,
    options: impl IntoIterator<Item = (String, String)>,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), any.to_owned()))
        .chain(options)
        .collect()
}

/// `GET /participants`
#[tracing::instrument(skip_all, fields(user_id = user.user_id))]
pub async fn list(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    query: web::Query<ParticipantQuery>,
) -> Result<HttpResponse, HttpError> {
    let scope = user.scope();
    let mut db = state.store.db();
    let locations = org::locations_visible(&mut db, &scope).await?;
    let contracts = org::contracts_visible(&mut db, &scope).await?;
    let owners = users::names_in_scope(&mut db, &scope).await?;
    let location_ids: Vec<i64> = locations.iter().map(|l| l.id).collect();
    let contract_ids: Vec<&str> = contracts.iter().map(|c| c.id.as_str()).collect();
    let owner_ids: Vec<i64> = owners.iter().map(|(id, _)| *id).collect();
    let choices = Choices {
        locations: &location_ids,
        contracts: &contract_ids,
        owners: &owner_ids,
    };
    let raw = query.raw();
    let page = page_index(query.page);
    let today = time::OffsetDateTime::now_utc().date();
    let mut errors = FormErrors::new();
    let criteria = match parse(&raw, &choices) {
        Ok(criteria) => Some(criteria),
        Err(refused) => {
            for error in refused {
                errors.add(error.field, error.message);
            }
            None
        }
    };
    let (lines, count) = match &criteria {
        Some(criteria) => {
            let viewer = Viewer {
                scope: &scope,
                internal: user.is_internal(),
                user_id: user.user_id,
                today,
            };
            let found = participant_list::list(&mut db, &viewer, criteria, page, PER_PAGE).await?;
            (lines_for(&state, &found.rows, today).await?, found.count)
        }
        None => (Vec::new(), MatchCount::Exactly(0)),
    };
    let filters = [
        Filter {
            name: "status",
            label: "Status",
            options: with_any(
                "Any status",
                EnrolmentStatus::ALL
                    .into_iter()
                    .map(|s| (s.value().to_string(), s.display_name().to_owned())),
            ),
            selected: raw.status,
        },
        Filter {
            name: "location",
            label: "Current location",
            options: with_any(
                "Any location",
                locations.iter().map(|l| (l.id.to_string(), l.name.clone())),
            ),
            selected: raw.location,
        },
        Filter {
            name: "contract",
            label: "Contract",
            options: with_any(
                "Any contract",
                contracts
                    .iter()
                    .map(|c| (c.id.clone(), format!("{} (lot {})", c.description, c.lot))),
            ),
            selected: raw.contract,
        },
        Filter {
            name: "owner",
            label: "Owner",
            options: with_any(
                "Anyone",
                [
                    ("me".to_owned(), "Me".to_owned()),
                    ("unowned".to_owned(), "Unassigned".to_owned()),
                ]
                .into_iter()
                .chain(
                    owners
                        .iter()
                        .map(|(id, name)| (id.to_string(), name.clone())),
                ),
            ),
            selected: raw.owner,
        },
        Filter {
            name: "risk_due",
            label: "Risk review",
            options: with_any(
                "Any",
                [
                    ("soon".to_owned(), "Due within 14 days".to_owned()),
                    ("overdue".to_owned(), "Overdue".to_owned()),
                ],
            ),
            selected: raw.risk_due,
        },
    ];
    let sort = criteria.as_ref().map(|c| c.sort).unwrap_or_default();
    let dir = if sort.descending { "desc" } else { "asc" };
    let mut kept = filter_pairs(&raw);
    kept.push(("sort", sort.key.code()));
    kept.push(("dir", dir));
    let query_string = encode(&kept);
    let headings = headings(&raw, criteria.as_ref());
    let (pages, more) = match count {
        MatchCount::Exactly(n) => (page_count(n, PER_PAGE), false),
        MatchCount::MoreThan(n) => (n / PER_PAGE, true),
    };
    let view = ParticipantList {
        rows: &lines,
        count: count_text(count),
        search: raw.search,
        filters: &filters,
        sort: (sort.key.code(), dir),
        headings: &headings,
        errors: &errors,
        pagination: Pagination {
            page,
            pages,
            more,
            query: &query_string,
            path: "/participants",
        },
    };
    let response = render(
        &state,
        &user,
        "Participants",
        "/participants",
        participant_list(&view),
    )
    .await;
    Ok(form_response(&errors, response))
}

async fn lines_for(
    state: &AppState,
    rows: &[ParticipantRow],
    today: Date,
) -> Result<Vec<ParticipantLine>, HttpError> {
    let mut db = state.store.db();
    let locations = org::location_names(&mut db).await?;
    let owner_ids: Vec<i64> = rows.iter().filter_map(|r| r.owner_id).collect();
    let owners = users::display_names(&mut db, &owner_ids).await?;
    Ok(rows
        .iter()
        .map(|row| ParticipantLine {
            id: row.id.clone(),
            name: full_name(&row.first_name, row.middle_name.as_deref(), &row.last_name),
            date_of_birth: display_date(row.date_of_birth),
            status: EnrolmentStatus::from_value(row.enrolment_status)
                .map_or("Unknown", EnrolmentStatus::display_name),
            location: locations
                .get(&row.current_location_id)
                .cloned()
                .unwrap_or_default(),
            owner: row
                .owner_id
                .and_then(|id| owners.get(&id).cloned())
                .unwrap_or_else(|| "Unassigned".to_owned()),
            risk_due: row.risk_due.map(display_date).unwrap_or_default(),
            risk_overdue: row.risk_due.is_some_and(|due| due < today),
            updated: display_time(Some(row.updated_at)),
        })
        .collect())
}
