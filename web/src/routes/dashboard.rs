//! Serves the Yew dashboard: the files built by `scripts/build-dashboard.sh` (default
//! `web/dashboard/dist`), with `index.html` for every other non-API path so the dashboard's own
//! routes (`/wall`, `/assistants/1`) survive a reload. When the dashboard has not been built,
//! `/` says how to build it instead of failing obscurely.

use std::path::PathBuf;

use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, ServiceRequest, ServiceResponse};
use actix_web::{web, HttpResponse};

/// Mounts the dashboard at `/` (register after every other route).
pub fn configure(dir: PathBuf) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        let index = dir.join("index.html");
        if index.is_file() {
            cfg.service(
                Files::new("/", dir)
                    .index_file("index.html")
                    .default_handler(fn_service(move |req: ServiceRequest| {
                        let index = index.clone();
                        async move {
                            let (req, _) = req.into_parts();
                            let file = NamedFile::open_async(&index).await?;
                            let res = file.into_response(&req);
                            Ok(ServiceResponse::new(req, res))
                        }
                    })),
            );
        } else {
            let message = format!(
                "<!doctype html><title>metrics-hub</title><h1>metrics-hub</h1>\
                 <p>The dashboard is not built ({} is missing): run <code>scripts/build-dashboard.sh</code>.</p>\
                 <p>The API is at <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>",
                index.display()
            );
            cfg.route(
                "/",
                web::get().to(move || {
                    let message = message.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("text/html; charset=utf-8")
                            .body(message)
                    }
                }),
            );
        }
    }
}
