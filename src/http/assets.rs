//! The embedded assets, served under content-hashed names with a one-year cache lifetime.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use cats_views::layout::AssetUrls;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: [Asset; 3] = [
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../assets/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/app.js"),
    },
    Asset {
        name: "live.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../assets/live.js"),
    },
];

/// `app.css` → `app.3f2a9c1b.css`.
fn hashed_name(asset: &Asset) -> String {
    let digest = hex::encode(&Sha256::digest(asset.body)[..4]);
    match asset.name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{digest}.{ext}"),
        None => format!("{}.{digest}", asset.name),
    }
}

fn hashed_names() -> &'static Vec<String> {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| ASSETS.iter().map(hashed_name).collect())
}

/// The URLs pages link to.
pub fn urls() -> &'static AssetUrls {
    static URLS: OnceLock<AssetUrls> = OnceLock::new();
    URLS.get_or_init(|| {
        let names = hashed_names();
        AssetUrls {
            css: format!("/assets/{}", names[0]),
            script: format!("/assets/{}", names[1]),
            live_script: format!("/assets/{}", names[2]),
        }
    })
}

/// `GET /assets/{name}`: only the current hashed names exist.
pub async fn serve(name: web::Path<String>) -> HttpResponse {
    let names = hashed_names();
    match names.iter().position(|n| *n == *name) {
        Some(index) => HttpResponse::Ok()
            .content_type(ASSETS[index].content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(ASSETS[index].body),
        None => HttpResponse::NotFound().finish(),
    }
}
