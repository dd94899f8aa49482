//! The home page for the signed-in user's role.

use super::current_user::CurrentUser;
use super::page::render;
use super::routes;
use super::state::AppState;
use crate::domain::permission::Permission;
use actix_web::{web, HttpResponse};
use cats_views::pages::home::{home as home_page, Home, HomeCard};

routes! {
    get "/" => home;
}

/// `GET /`
pub async fn home(state: web::Data<AppState>, CurrentUser(user): CurrentUser) -> HttpResponse {
    let roles: Vec<&'static str> = user.roles.iter().map(|r| r.display_name()).collect();
    let permissions: Vec<&'static str> = user
        .roles
        .permissions()
        .into_iter()
        .map(Permission::display_name)
        .collect();
    let mut cards = Vec::new();
    if user.roles.can_administer_users() {
        cards.push(HomeCard {
            href: "/admin/users",
            title: "Users",
            description: "Find accounts in your organisation, create users, change roles and status, unlock and reset passwords.",
        });
        cards.push(HomeCard {
            href: "/admin/organisation",
            title: "Organisation",
            description: "The tenant tree, contracts, locations and DMS location mappings.",
        });
    }
    if user.can(Permission::Finance) {
        cards.push(HomeCard {
            href: "/finance/payments",
            title: "Enrolment payments",
            description: "Payment rows raised by approved enrolments in your organisation: filter, page and download them.",
        });
    }
    cards.push(HomeCard {
        href: "/account",
        title: "Your account",
        description: "Your details and changing your password.",
    });
    let tenant = format!("{} ({})", user.tenant_name, user.tenant);
    let presence_topic = crate::live::topics::tenant_topic(&user.tenant);
    let page = Home {
        presence_topic: &presence_topic,
        name: &user.display_name,
        tenant: &tenant,
        roles: &roles,
        permissions: &permissions,
        cards: &cards,
    };
    render(&state, &user, "Home", "/", home_page(&page)).await
}
