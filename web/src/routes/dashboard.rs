//! Serves the Yew dashboard: the files built by `scripts/build-dashboard.sh` (default
//! `web/dashboard/dist`), with `index.html` for every other non-API path so the dashboard's own
//! routes (`/wall`, `/assistants/1`) survive a reload. When the dashboard has not been built,
//! `/` says how to build it instead of failing obscurely.
//!
//! Caching: at start-up every file that `index.html` names (the stylesheet, the vendored
//! ECharts, the wasm-bindgen script and the wasm) gets `?v=<hash of its content>` appended in
//! the page the hub serves. A request with the current hash is answered with
//! `Cache-Control: public, max-age=31536000, immutable`, so a browser keeps the 1.8 MB wasm until
//! a new build changes it; `index.html`, and anything else, with `no-cache` (revalidated with
//! its ETag), so a new build is picked up on the next load.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_files::Files;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, CACHE_CONTROL};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

/// `Cache-Control` of a versioned asset.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of the page and of unversioned files.
pub const NO_CACHE: &str = "no-cache";

/// The dashboard's page with versioned asset URLs, and each asset's version.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// `index.html` as served.
    pub index: String,
    /// URL path (`/pkg/dashboard_bg.wasm`) → content hash.
    pub versions: HashMap<String, String>,
}

/// The first 16 hex digits of the SHA-256 of `bytes`.
fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Assets {
    /// Reads `index.html` from `dir` and versions every quoted absolute path in it that names a
    /// file of `dir` (`"/style.css"` → `"/style.css?v=…"`).
    pub fn load(dir: &Path) -> std::io::Result<Self> {
        let page = std::fs::read_to_string(dir.join("index.html"))?;
        let mut versions = HashMap::new();
        let mut index = String::with_capacity(page.len() + 256);
        // Every other piece of `page.split('"')` is inside quotes.
        for (i, piece) in page.split('"').enumerate() {
            if i > 0 {
                index.push('"');
            }
            let file = piece
                .strip_prefix('/')
                .filter(|p| !p.is_empty() && !p.contains("..") && !p.contains('?'))
                .map(|p| dir.join(p))
                .filter(|f| f.is_file());
            match (i % 2 == 1, file) {
                (true, Some(file)) => {
                    let hash = content_hash(&std::fs::read(file)?);
                    index.push_str(&format!("{piece}?v={hash}"));
                    versions.insert(piece.to_owned(), hash);
                }
                _ => index.push_str(piece),
            }
        }
        Ok(Self { index, versions })
    }

    /// Whether `path?query` asks for the current version of an asset.
    fn is_current(&self, path: &str, query: &str) -> bool {
        self.versions.get(path).is_some_and(|hash| {
            query
                .split('&')
                .any(|pair| pair.strip_prefix("v=") == Some(hash.as_str()))
        })
    }
}

/// Sets `Cache-Control` on the dashboard's responses (see the module docs).
async fn cache_control(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let current = req
        .app_data::<web::Data<Arc<Assets>>>()
        .is_some_and(|assets| assets.is_current(req.path(), req.query_string()));
    let mut res = next.call(req).await?;
    if res.status().is_success() || res.status().as_u16() == 304 {
        let value = if current { IMMUTABLE } else { NO_CACHE };
        res.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    Ok(res)
}

fn page(assets: &Assets) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((CACHE_CONTROL, NO_CACHE))
        .body(assets.index.clone())
}

/// Mounts the dashboard at `/` (register after every other route).
pub fn configure(dir: PathBuf) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| match Assets::load(&dir) {
        Ok(assets) => {
            let assets = Arc::new(assets);
            let index = {
                let assets = assets.clone();
                move || {
                    let assets = assets.clone();
                    async move { page(&assets) }
                }
            };
            let fallback = {
                let assets = assets.clone();
                actix_web::dev::fn_service(move |req: ServiceRequest| {
                    let assets = assets.clone();
                    async move {
                        let (req, _) = req.into_parts();
                        Ok(ServiceResponse::new(req, page(&assets)))
                    }
                })
            };
            cfg.route("/", web::get().to(index.clone()))
                .route("/index.html", web::get().to(index))
                .service(
                    web::scope("")
                        .app_data(web::Data::new(assets))
                        .wrap(from_fn(cache_control))
                        .service(Files::new("/", &dir).default_handler(fallback)),
                );
        }
        Err(error) => {
            let message = format!(
                "<!doctype html><title>metrics-hub</title><h1>metrics-hub</h1>\
                 <p>The dashboard is not built ({} could not be read: {error}): run \
                 <code>scripts/build-dashboard.sh</code>.</p>\
                 <p>The API is at <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>",
                dir.join("index.html").display()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names_each_existing_asset_with_its_hash() {
        let dir = std::env::temp_dir().join(format!("mh-assets-{}", std::process::id()));
        let _ = std::fs::create_dir_all(dir.join("pkg"));
        let write = |name: &str, text: &str| std::fs::write(dir.join(name), text);
        let wrote = [
            write(
                "index.html",
                r#"<link href="/style.css"><script src="/missing.js"></script>
                   init({ module_or_path: "/pkg/app.wasm" }); <a href="/">home</a>"#,
            ),
            write("style.css", "body{}"),
            write("pkg/app.wasm", "wasm"),
        ];
        assert!(wrote.iter().all(Result::is_ok));
        let assets = Assets::load(&dir).unwrap_or_else(|e| panic!("{e}"));
        let css = content_hash(b"body{}");
        assert_eq!(css.len(), 16);
        assert!(assets
            .index
            .contains(&format!(r#"href="/style.css?v={css}""#)));
        assert!(assets.index.contains(r#""/pkg/app.wasm?v="#));
        assert!(assets.index.contains(r#"src="/missing.js""#));
        assert!(assets.index.contains(r#"href="/""#));
        assert!(assets.is_current("/style.css", &format!("v={css}")));
        assert!(!assets.is_current("/style.css", "v=0000"));
        assert!(!assets.is_current("/missing.js", ""));
        let _ = std::fs::remove_dir_all(dir);
    }
}
