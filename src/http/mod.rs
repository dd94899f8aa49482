//! The web layer: routes per area, extractors for the signed-in user and CSRF, error pages,
//! and the middleware that names and measures every request.

pub mod account;
pub mod admin_users;
pub mod archive;
pub mod assessment;
pub mod assets;
pub mod auth;
pub mod current_user;
pub mod enrol;
pub mod error;
pub mod feed_refresh;
pub mod finance;
pub mod health;
pub mod home;
pub mod listing;
pub mod live;
pub mod notifications;
pub mod observe;
pub mod organisation;
pub mod ownership;
pub mod page;
pub mod participant_list;
pub mod participants;
pub mod pri;
pub mod pri_form;
pub mod queues;
pub mod state;
pub mod timeline;
pub mod transfers;
pub mod upload;

use actix_web::web::ServiceConfig;

/// One registered route. Every route is listed, so tests can call each of them.
#[derive(Debug, Clone, Copy)]
pub struct RouteInfo {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path pattern, e.g. `/admin/users/{id}`.
    pub path: &'static str,
    /// Reachable without signing in (sign-in page, health, assets).
    pub public: bool,
}

/// Declares an area's routes once: registers them and lists them in `ROUTES`.
macro_rules! routes {
    ($($method:ident $path:literal => $handler:path $(, $public:ident)?;)*) => {
        /// Every route of this area.
        pub const ROUTES: &[$crate::http::RouteInfo] = &[
            $($crate::http::RouteInfo {
                method: routes!(@method $method),
                path: $path,
                public: routes!(@public $($public)?),
            },)*
        ];

        /// Registers this area's routes.
        pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
            $(cfg.route($path, actix_web::web::$method().to($handler));)*
        }
    };
    (@method get) => { "GET" };
    (@method post) => { "POST" };
    (@public public) => { true };
    (@public) => { false };
}
pub(crate) use routes;

/// Registers every area's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    auth::routes(cfg);
    home::routes(cfg);
    account::routes(cfg);
    admin_users::routes(cfg);
    organisation::routes(cfg);
    health::routes(cfg);
    live::routes(cfg);
    participants::routes(cfg);
    timeline::routes(cfg);
    enrol::routes(cfg);
    assessment::routes(cfg);
    queues::routes(cfg);
    archive::routes(cfg);
    ownership::routes(cfg);
    transfers::routes(cfg);
    pri::routes(cfg);
    pri_form::routes(cfg);
    notifications::routes(cfg);
    feed_refresh::routes(cfg);
    finance::routes(cfg);
}

/// Every route of the application.
pub fn all_routes() -> Vec<RouteInfo> {
    [
        auth::ROUTES,
        home::ROUTES,
        account::ROUTES,
        admin_users::ROUTES,
        organisation::ROUTES,
        health::ROUTES,
        live::ROUTES,
        participants::ROUTES,
        timeline::ROUTES,
        enrol::ROUTES,
        assessment::ROUTES,
        queues::ROUTES,
        archive::ROUTES,
        ownership::ROUTES,
        transfers::ROUTES,
        pri::ROUTES,
        pri_form::ROUTES,
        notifications::ROUTES,
        feed_refresh::ROUTES,
        finance::ROUTES,
    ]
    .concat()
}
