//! The fake offender-data service: a real HTTP server the real client talks to, with the
//! synthetic people of `fake_data`. Started in-process by the embedded default and by tests,
//! or on its own with `cats fake-dms --bind …`. Tests may replace a record (`PUT
//! /fake/records/{upci}`) to see how a refresh follows the feed, and make one record fail
//! (`PUT /fake/failures/{upci}`, undone by `DELETE`) to see a service error. The demo data, in
//! process, replaces records the same way (`FakeDms::put_record`) to make a case as it was
//! before the feed's news of the person (`fake_data::news`).

use super::fake_data::{generated, scenarios, search, FakePerson};
use super::records::OffenderRecord;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use time::Date;

struct FakeState {
    people: Mutex<HashMap<String, FakePerson>>,
    failing: Mutex<HashSet<String>>,
    api_key: String,
    population: u32,
}

impl FakeState {
    fn authorised(&self, req: &HttpRequest) -> bool {
        self.api_key.is_empty()
            || req
                .headers()
                .get("x-api-key")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|key| key == self.api_key)
    }

    /// A generated person's number from their cluster id (`2` + 8 digits).
    fn generated_number(&self, upci: &str) -> Option<u32> {
        let n: u32 = upci.strip_prefix('2')?.parse().ok()?;
        (n < self.population).then_some(n)
    }

    /// Answers for `upci` with `record` from now on.
    fn put(&self, upci: String, record: OffenderRecord) {
        let mut people = self.people.lock().unwrap_or_else(|p| p.into_inner());
        let person = FakePerson {
            search_keys: [record.nomis_number.clone(), record.crn.clone()]
                .into_iter()
                .flatten()
                .collect(),
            record,
            precedence: people.get(&upci).map_or(1, |p| p.precedence),
        };
        people.insert(upci, person);
    }
}

/// A running fake service.
pub struct FakeDms {
    /// Its base URL.
    pub url: String,
    /// Stops it.
    pub handle: actix_web::dev::ServerHandle,
    state: web::Data<FakeState>,
}

impl FakeDms {
    /// Answers for `record`'s person with it from now on (`PUT /fake/records/{upci}` in
    /// process).
    pub fn put_record(&self, record: OffenderRecord) {
        self.state.put(record.upci.clone(), record);
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchQuery {
    identifier: String,
    last_name: String,
    date_of_birth: String,
}

async fn search_people(
    req: HttpRequest,
    state: web::Data<FakeState>,
    query: web::Query<SearchQuery>,
) -> HttpResponse {
    if !state.authorised(&req) {
        return HttpResponse::Unauthorized().finish();
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let Ok(born) = Date::parse(&query.date_of_birth, format) else {
        return HttpResponse::BadRequest().body("dateOfBirth must be YYYY-MM-DD");
    };
    let people = state.people.lock().unwrap_or_else(|p| p.into_inner());
    let mut matches = search(people.values(), &query.identifier, &query.last_name, born);
    // Generated people are found by their own identifiers without being stored.
    let id = query.identifier.to_uppercase();
    if let Some(n) = id
        .strip_prefix('G')
        .or_else(|| id.strip_prefix('Y'))
        .and_then(|digits| digits.parse::<u32>().ok())
        .filter(|n| *n < state.population)
    {
        let person = people
            .get(&format!("2{n:08}"))
            .cloned()
            .unwrap_or_else(|| generated(n));
        matches.extend(search(
            std::iter::once(&person),
            &query.identifier,
            &query.last_name,
            born,
        ));
    }
    matches.sort_by(|a, b| a.upci.cmp(&b.upci));
    HttpResponse::Ok().json(matches)
}

async fn get_record(
    req: HttpRequest,
    state: web::Data<FakeState>,
    upci: web::Path<String>,
) -> HttpResponse {
    if !state.authorised(&req) {
        return HttpResponse::Unauthorized().finish();
    }
    let failing = state.failing.lock().unwrap_or_else(|p| p.into_inner());
    if failing.contains(upci.as_str()) {
        return HttpResponse::ServiceUnavailable().finish();
    }
    drop(failing);
    let people = state.people.lock().unwrap_or_else(|p| p.into_inner());
    let record = people
        .get(upci.as_str())
        .map(|p| p.record.clone())
        .or_else(|| state.generated_number(&upci).map(|n| generated(n).record));
    match record {
        Some(record) => HttpResponse::Ok().json(record),
        None => HttpResponse::NotFound().finish(),
    }
}

async fn put_record(
    req: HttpRequest,
    state: web::Data<FakeState>,
    upci: web::Path<String>,
    record: web::Json<OffenderRecord>,
) -> HttpResponse {
    if !state.authorised(&req) {
        return HttpResponse::Unauthorized().finish();
    }
    state.put(upci.into_inner(), record.into_inner());
    HttpResponse::NoContent().finish()
}

async fn set_failing(
    req: HttpRequest,
    state: web::Data<FakeState>,
    upci: web::Path<String>,
) -> HttpResponse {
    if !state.authorised(&req) {
        return HttpResponse::Unauthorized().finish();
    }
    let mut failing = state.failing.lock().unwrap_or_else(|p| p.into_inner());
    if req.method() == actix_web::http::Method::DELETE {
        failing.remove(upci.as_str());
    } else {
        failing.insert(upci.into_inner());
    }
    HttpResponse::NoContent().finish()
}

/// Starts the fake on `bind` (port 0 for a free one) with `population` generated people.
pub async fn start(bind: &str, api_key: &str, population: u32) -> std::io::Result<FakeDms> {
    let people: HashMap<String, FakePerson> = scenarios()
        .into_iter()
        .map(|p| (p.record.upci.clone(), p))
        .collect();
    let state = web::Data::new(FakeState {
        people: Mutex::new(people),
        failing: Mutex::new(HashSet::new()),
        api_key: api_key.to_owned(),
        population,
    });
    let listener = std::net::TcpListener::bind(bind)?;
    let port = listener.local_addr()?.port();
    let host = listener.local_addr()?.ip();
    let shared = state.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(shared.clone())
            .route("/search", web::get().to(search_people))
            .route("/records/{upci}", web::get().to(get_record))
            .route("/fake/records/{upci}", web::put().to(put_record))
            .route("/fake/failures/{upci}", web::put().to(set_failing))
            .route("/fake/failures/{upci}", web::delete().to(set_failing))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok(FakeDms {
        url: format!("http://{host}:{port}"),
        handle,
        state,
    })
}

/// Keeps a fake alive for as long as the value lives.
pub type SharedFake = Arc<FakeDms>;
