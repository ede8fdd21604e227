//! A local server the sources tests start on 127.0.0.1, speaking the real integrations' wire
//! format: GitHub's stargazers list (`application/vnd.github.star+json`, with `starred_at`) and
//! repository (`stargazers_count`), a generic JSON document, and an OpenAI-compatible
//! `/v1/chat/completions` answering programs from a queue. Its [`Mode`] injects failures: 500s,
//! a silent upstream, 429 with `Retry-After`, malformed JSON, a changed response shape. It
//! counts the requests per path.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use chrono::{Duration as Days, Utc};
use serde_json::{json, Value};

/// How the upstream answers (the LLM endpoint is not affected).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Normal,
    Fail500,
    /// Holds each request for a minute.
    Silent,
    /// 429 with `Retry-After: n` seconds.
    RateLimited(u64),
    Malformed,
    /// The repository document without `stargazers_count`.
    ChangedShape,
}

#[derive(Debug)]
struct Shared {
    mode: Mode,
    hits: BTreeMap<String, usize>,
    authorizations: Vec<String>,
    stars: i64,
    /// Stargazers, one per day, this many days back to today.
    history_days: i64,
    completions: VecDeque<String>,
    prompts: Vec<Value>,
}

/// A running fixture server.
#[derive(Clone)]
pub struct Fixture {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
}

fn upstream_failure(mode: Mode) -> Option<HttpResponse> {
    match mode {
        Mode::Normal | Mode::ChangedShape | Mode::Silent => None,
        Mode::Fail500 => Some(HttpResponse::InternalServerError().body("upstream failing")),
        Mode::RateLimited(secs) => Some(
            HttpResponse::TooManyRequests()
                .insert_header(("Retry-After", secs.to_string()))
                .json(json!({"message": "API rate limit exceeded"})),
        ),
        Mode::Malformed => Some(
            HttpResponse::Ok()
                .content_type("application/json")
                .body("{\"stargazers_count\": 12,"),
        ),
    }
}

async fn handle(
    req: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Arc<Mutex<Shared>>>,
) -> HttpResponse {
    let path = req.path().to_owned();
    let (mode, stars, days, completion) = {
        let Ok(mut s) = shared.lock() else {
            return HttpResponse::InternalServerError().finish();
        };
        *s.hits.entry(path.clone()).or_default() += 1;
        let auth = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        s.authorizations.push(auth);
        let completion = if path == "/v1/chat/completions" {
            s.prompts
                .push(serde_json::from_slice(&body).unwrap_or(Value::Null));
            s.completions.pop_front()
        } else {
            None
        };
        (s.mode, s.stars, s.history_days, completion)
    };
    if path == "/v1/chat/completions" {
        let content = completion.unwrap_or_else(|| "not a program (".to_owned());
        return HttpResponse::Ok().json(json!({
            "id": "chatcmpl-fixture", "object": "chat.completion", "model": "fixture",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}]
        }));
    }
    if mode == Mode::Silent {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    if let Some(failure) = upstream_failure(mode) {
        return failure;
    }
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["repos", _, _, "stargazers"] => {
            let now = Utc::now();
            let list: Vec<Value> = (0..=days)
                .rev()
                .take(100)
                .map(|ago| {
                    let at = (now - Days::days(ago))
                        .format("%Y-%m-%dT%H:%M:%SZ")
                        .to_string();
                    json!({"starred_at": at, "user": {"login": format!("user{ago}"), "id": ago}})
                })
                .collect();
            HttpResponse::Ok().json(list)
        }
        ["repos", owner, repo] if mode == Mode::ChangedShape => HttpResponse::Ok()
            .json(json!({"full_name": format!("{owner}/{repo}"), "stars": {"total": stars}})),
        ["repos", owner, repo] => HttpResponse::Ok().json(json!({
            "id": 1, "full_name": format!("{owner}/{repo}"), "stargazers_count": stars,
            "watchers_count": stars, "forks_count": 3
        })),
        ["stats.json"] => HttpResponse::Ok().json(json!({
            "generated": Utc::now().to_rfc3339(), "data": {"visitors": stars, "region": "eu"}
        })),
        _ => HttpResponse::NotFound().json(json!({"message": "Not Found"})),
    }
}

impl Fixture {
    /// Starts the server on a free port of 127.0.0.1.
    pub fn start() -> Self {
        let shared = Arc::new(Mutex::new(Shared {
            mode: Mode::Normal,
            hits: BTreeMap::new(),
            authorizations: Vec::new(),
            stars: 100,
            history_days: 95,
            completions: VecDeque::new(),
            prompts: Vec::new(),
        }));
        let data = web::Data::new(Arc::clone(&shared));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(handle))
        })
        .workers(2)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap_or_else(|e| panic!("fixture: {e}"));
        let port = server.addrs().first().map(|a| a.port()).unwrap_or_default();
        actix_web::rt::spawn(server.run());
        Self {
            url: format!("http://127.0.0.1:{port}"),
            shared,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Shared) -> T) -> T {
        let mut s = self
            .shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut s)
    }

    pub fn set_mode(&self, mode: Mode) {
        self.with(|s| s.mode = mode);
    }

    pub fn set_stars(&self, stars: i64) {
        self.with(|s| s.stars = stars);
    }

    /// Requests received on `path` so far.
    pub fn hits(&self, path: &str) -> usize {
        self.with(|s| s.hits.get(path).copied().unwrap_or(0))
    }

    /// Every `Authorization` header received (empty strings where none was sent).
    pub fn authorizations(&self) -> Vec<String> {
        self.with(|s| s.authorizations.clone())
    }

    /// Queues what the chat-completions endpoint answers next.
    pub fn queue_completion(&self, content: &str) {
        self.with(|s| s.completions.push_back(content.to_owned()));
    }

    /// The chat-completion requests received.
    pub fn prompts(&self) -> Vec<Value> {
        self.with(|s| s.prompts.clone())
    }
}
