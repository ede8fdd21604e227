//! A webhook receiver the tests start on 127.0.0.1: an actix-web server speaking plain HTTP
//! that records every request (headers and raw body), checks its HMAC signature for real with
//! the secret the hub answered (a bad or missing signature is answered 401), and answers as its
//! [`Script`] says: fail the first N requests with a 500, redirect every request, or never
//! answer.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// How the receiver answers.
#[derive(Debug, Clone, Copy)]
pub enum Script {
    /// 500 to the first `n` requests, then 204.
    FailFirst(usize),
    /// 302 to `/elsewhere` on this same server (which records and accepts).
    Redirect,
    /// Never answers (holds each request for a minute).
    Silent,
}

/// One request received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub body: String,
    pub signature: String,
    pub delivery: String,
    /// Whether the signature verified against the secret.
    pub signed: bool,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

#[derive(Default)]
struct Shared {
    secret: Option<String>,
    received: Vec<Received>,
}

/// A running receiver.
pub struct Receiver {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
}

/// Verifies `header` (`t=<unix>,v1=<hex>`) over `body` with `secret`, as a receiver should:
/// the HMAC-SHA256 of `<t>.<body>`, compared in constant time, and `t` within five minutes.
pub fn verify(secret: &str, header: &str, body: &[u8]) -> bool {
    let mut timestamp = None;
    let mut given = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => given = Some(v.to_owned()),
            _ => {}
        }
    }
    let (Some(timestamp), Some(given)) = (timestamp, given) else {
        return false;
    };
    if (chrono::Utc::now().timestamp() - timestamp).abs() > 300 {
        return false;
    }
    let Ok(expected) = (0..given.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(given.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<Vec<u8>, _>>()
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

fn header(req: &HttpRequest, name: &str) -> String {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    shared: web::Data<Arc<Mutex<Shared>>>,
    script: web::Data<Script>,
) -> HttpResponse {
    let signature = header(&req, "x-metrics-hub-signature");
    let (count, signed) = {
        let Ok(mut shared) = shared.lock() else {
            return HttpResponse::InternalServerError().finish();
        };
        let signed = shared
            .secret
            .as_deref()
            .is_some_and(|secret| verify(secret, &signature, &body));
        shared.received.push(Received {
            path: req.path().to_owned(),
            body: String::from_utf8_lossy(&body).into_owned(),
            signature,
            delivery: header(&req, "x-metrics-hub-delivery"),
            signed,
        });
        (shared.received.len(), signed)
    };
    if req.path() == "/elsewhere" {
        return HttpResponse::NoContent().finish();
    }
    if !signed {
        return HttpResponse::Unauthorized().body("bad signature");
    }
    match *script.get_ref() {
        Script::FailFirst(n) if count <= n => {
            HttpResponse::InternalServerError().body("receiver failing on purpose")
        }
        Script::FailFirst(_) => HttpResponse::NoContent().finish(),
        Script::Redirect => HttpResponse::Found()
            .insert_header(("Location", "/elsewhere"))
            .finish(),
        Script::Silent => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            HttpResponse::NoContent().finish()
        }
    }
}

impl Receiver {
    /// Starts a receiver on a free port of 127.0.0.1.
    pub fn start(script: Script) -> Self {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let data = web::Data::new(Arc::clone(&shared));
        let script = web::Data::new(script);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(script.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap_or_else(|e| panic!("receiver: {e}"));
        let port = server.addrs().first().map(|a| a.port()).unwrap_or_default();
        actix_web::rt::spawn(server.run());
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            shared,
        }
    }

    /// Tells the receiver the secret signatures must verify with.
    pub fn expect_secret(&self, secret: &str) {
        if let Ok(mut shared) = self.shared.lock() {
            shared.secret = Some(secret.to_owned());
        }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared
            .lock()
            .map(|s| s.received.clone())
            .unwrap_or_default()
    }
}
