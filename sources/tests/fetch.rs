//! The fetcher against a local HTTP server started by the test (a bare tokio listener that
//! answers by path): JSON, errors, timeouts, rate limits, malformed and oversized bodies,
//! redirects, and the address policy.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use sources::fetch::{AddressPolicy, FetchConfig, FetchError, Fetcher};
use sources::template::{Auth, RenderedRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Allows 127.0.0.1 only (so 127.0.0.2 stands for a refused internal address).
struct LoopbackOnly;

impl AddressPolicy for LoopbackOnly {
    fn check(&self, _host: &str, ip: IpAddr) -> Result<(), String> {
        if ip == IpAddr::V4(Ipv4Addr::LOCALHOST) {
            Ok(())
        } else {
            Err(format!("{ip} is not allowed in this test"))
        }
    }
}

struct Server {
    addr: SocketAddr,
    /// The request heads received, in order.
    seen: Arc<Mutex<Vec<String>>>,
}

fn response(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

async fn answer(path: &str, port: u16, stream: &mut tokio::net::TcpStream) -> std::io::Result<()> {
    let bytes = match path {
        "/ok" => response(
            "200 OK",
            &[("Content-Type", "application/json")],
            r#"{"stargazers_count": 42}"#,
        ),
        "/empty" => response("202 Accepted", &[], ""),
        "/fail" => response("500 Internal Server Error", &[], "upstream exploded"),
        "/limited" => response("429 Too Many Requests", &[("Retry-After", "30")], "{}"),
        "/limited-date" => response(
            "429 Too Many Requests",
            &[("Retry-After", "Fri, 01 Jan 2100 00:00:00 GMT")],
            "",
        ),
        "/malformed" => response("200 OK", &[], "{\"a\": [1, 2"),
        "/big" => response("200 OK", &[], &format!("\"{}\"", "x".repeat(300_000))),
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            response("200 OK", &[], "{}")
        }
        "/redirect-ok" => response("302 Found", &[("Location", "/ok")], ""),
        "/redirect-refused" => {
            let to = format!("http://127.0.0.2:{port}/ok");
            response("302 Found", &[("Location", to.as_str())], "")
        }
        "/redirect-loop" => response("302 Found", &[("Location", "/redirect-loop")], ""),
        "/redirect-localhost" => {
            let to = format!("http://localhost:{port}/ok");
            response("307 Temporary Redirect", &[("Location", to.as_str())], "")
        }
        // Hangs up without an answer: the client's error names the URL it was sending to.
        "/hangup" => return Ok(()),
        _ => response("404 Not Found", &[], "no such path"),
    };
    if path == "/big" {
        // Without a length, so the limit is met while reading.
        let body = format!("\"{}\"", "x".repeat(300_000));
        let head = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        return Ok(());
    }
    stream.write_all(&bytes).await
}

async fn serve() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("addr: {e}"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut head = Vec::new();
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let path = text
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .split('?')
                    .next()
                    .unwrap_or("/")
                    .to_owned();
                if let Ok(mut seen) = log.lock() {
                    seen.push(text);
                }
                let _ = answer(&path, addr.port(), &mut stream).await;
            });
        }
    });
    Server { addr, seen }
}

fn fetcher(max_body_bytes: usize) -> Fetcher {
    let config = FetchConfig {
        timeout: Duration::from_millis(800),
        max_body_bytes,
        ..FetchConfig::default()
    };
    Fetcher::new(config, Arc::new(LoopbackOnly)).unwrap_or_else(|e| panic!("fetcher: {e}"))
}

fn get(server: &Server, path: &str) -> RenderedRequest {
    let url = format!("http://{}{path}", server.addr);
    RenderedRequest {
        method: reqwest::Method::GET,
        url: url::Url::parse(&url).unwrap_or_else(|e| panic!("{url}: {e}")),
        headers: vec![("Accept".into(), "application/vnd.github+json".into())],
        body: None,
    }
}

fn hosts() -> Vec<String> {
    vec!["127.0.0.1".into(), "localhost".into()]
}

#[tokio::test]
async fn a_json_answer_with_auth_and_headers() {
    let server = serve().await;
    let f = fetcher(1024 * 1024);
    let got = f
        .fetch(
            &get(&server, "/ok?x=1"),
            &Auth::Bearer,
            Some("s3cret"),
            &hosts(),
        )
        .await;
    assert_eq!(
        got.map(|g| (g.status, g.body)),
        Ok((200, json!({"stargazers_count": 42})))
    );
    let yt = f
        .fetch(
            &get(&server, "/ok"),
            &Auth::Query { name: "key".into() },
            Some("k&y"),
            &hosts(),
        )
        .await;
    assert!(yt.is_ok(), "{yt:?}");
    let header = Auth::Header {
        name: "X-Api-Key".into(),
    };
    assert!(f
        .fetch(&get(&server, "/ok"), &header, Some("hk"), &hosts())
        .await
        .is_ok());
    let empty = f
        .fetch(&get(&server, "/empty"), &Auth::None, None, &hosts())
        .await;
    assert_eq!(
        empty.map(|g| (g.status, g.body)),
        Ok((202, serde_json::Value::Null))
    );
    let seen = server.seen.lock().map(|s| s.clone()).unwrap_or_default();
    let first = seen[0].to_ascii_lowercase();
    assert!(first.contains("authorization: bearer s3cret"), "{first}");
    assert!(
        first.contains("accept: application/vnd.github+json"),
        "{first}"
    );
    assert!(first.contains("user-agent: metrics-hub/"), "{first}");
    assert!(seen[1].starts_with("GET /ok?key=k%26y "), "{}", seen[1]);
    assert!(
        seen[2].to_ascii_lowercase().contains("x-api-key: hk"),
        "{}",
        seen[2]
    );
}

#[tokio::test]
async fn a_post_sends_its_json_body() {
    let server = serve().await;
    let mut req = get(&server, "/ok");
    req.method = reqwest::Method::POST;
    req.body = Some(json!({"query": {"kind": "TrendsQuery"}}));
    assert!(fetcher(1024)
        .fetch(&req, &Auth::None, None, &hosts())
        .await
        .is_ok());
    let seen = server.seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert!(seen[0].starts_with("POST /ok "), "{}", seen[0]);
    assert!(
        seen[0]
            .to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{}",
        seen[0]
    );
}

#[tokio::test]
async fn failures_are_classified() {
    let server = serve().await;
    let f = fetcher(100_000);
    let fetch = |path: &'static str| {
        let req = get(&server, path);
        let f = &f;
        async move { f.fetch(&req, &Auth::None, None, &hosts()).await }
    };
    assert_eq!(
        fetch("/fail").await,
        Err(FetchError::Status {
            status: 500,
            body_excerpt: "upstream exploded".into()
        })
    );
    assert_eq!(
        fetch("/limited").await,
        Err(FetchError::RateLimited {
            retry_after: Some(Duration::from_secs(30))
        })
    );
    let dated = fetch("/limited-date").await;
    assert!(
        // A date in 2100: the wait is capped, so an upstream cannot park a source for years.
        matches!(dated, Err(FetchError::RateLimited { retry_after: Some(d) }) if d == sources::fetch::MAX_RETRY_AFTER),
        "{dated:?}"
    );
    assert!(matches!(
        fetch("/malformed").await,
        Err(FetchError::NotJson(_))
    ));
    assert_eq!(fetch("/big").await, Err(FetchError::TooLarge(100_000)));
    let started = std::time::Instant::now();
    assert_eq!(fetch("/slow").await, Err(FetchError::Timeout));
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(
        fetch("/nothing").await,
        Err(FetchError::Status { status: 404, .. })
    ));
}

#[tokio::test]
async fn redirects_are_followed_and_rechecked() {
    let server = serve().await;
    let f = fetcher(100_000);
    let ok = f
        .fetch(
            &get(&server, "/redirect-ok"),
            &Auth::Bearer,
            Some("tok"),
            &hosts(),
        )
        .await;
    assert_eq!(ok.map(|g| g.body), Ok(json!({"stargazers_count": 42})));
    // To an address the policy refuses: refused, and nothing is sent there.
    let refused = f
        .fetch(&get(&server, "/redirect-refused"), &Auth::None, None, &[])
        .await;
    assert!(
        matches!(&refused, Err(FetchError::Refused(m)) if m.contains("127.0.0.2")),
        "{refused:?}"
    );
    let looping = f
        .fetch(&get(&server, "/redirect-loop"), &Auth::None, None, &hosts())
        .await;
    assert!(
        matches!(&looping, Err(FetchError::Refused(m)) if m.contains("redirects")),
        "{looping:?}"
    );
    // To another host (by name, through the resolver): allowed here, without the secret.
    let named = f
        .fetch(
            &get(&server, "/redirect-localhost"),
            &Auth::Bearer,
            Some("tok"),
            &hosts(),
        )
        .await;
    let seen = server.seen.lock().map(|s| s.clone()).unwrap_or_default();
    if named.is_ok() {
        let last = seen
            .last()
            .map(|s| s.to_ascii_lowercase())
            .unwrap_or_default();
        assert!(
            last.contains("host: localhost") && !last.contains("authorization"),
            "{last}"
        );
    } else {
        // localhost may resolve to ::1 first, which this policy refuses.
        assert!(matches!(&named, Err(FetchError::Refused(_))), "{named:?}");
    }
    // A host the template does not name.
    let other = f
        .fetch(
            &get(&server, "/redirect-localhost"),
            &Auth::None,
            None,
            &["127.0.0.1".into()],
        )
        .await;
    assert!(
        matches!(&other, Err(FetchError::Refused(m)) if m.contains("localhost")),
        "{other:?}"
    );
}

#[tokio::test]
async fn the_policy_and_the_template_hosts_are_checked_before_sending() {
    let server = serve().await;
    let f = fetcher(1000);
    let mut req = get(&server, "/ok");
    req.url = url::Url::parse(&format!("http://127.0.0.2:{}/ok", server.addr.port()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        f.fetch(&req, &Auth::None, None, &[]).await,
        Err(FetchError::Refused(_))
    ));
    let not_listed = f
        .fetch(
            &get(&server, "/ok"),
            &Auth::None,
            None,
            &["api.github.com".into()],
        )
        .await;
    assert!(
        matches!(&not_listed, Err(FetchError::Refused(m)) if m.contains("api.github.com")),
        "{not_listed:?}"
    );
    assert!(server.seen.lock().map(|s| s.is_empty()).unwrap_or(false));
}

#[tokio::test]
async fn a_secret_sent_in_the_query_never_appears_in_an_error() {
    let server = serve().await;
    let auth = Auth::Query { name: "key".into() };
    let result = fetcher(1 << 20)
        .fetch(
            &get(&server, "/hangup"),
            &auth,
            Some("SECRET-KEY-123"),
            &hosts(),
        )
        .await;
    let Err(FetchError::Network(text)) = result else {
        panic!("a hang-up is a network error: {result:?}");
    };
    assert!(!text.contains("SECRET-KEY-123"), "{text}");
    let seen = server.seen.lock().map(|s| s.join("\n")).unwrap_or_default();
    assert!(
        seen.contains("key=SECRET-KEY-123"),
        "the key was sent: {seen}"
    );
}
