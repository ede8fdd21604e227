//! Generation against a local OpenAI-compatible endpoint started by the test, which answers
//! each chat completion from a queue: a good program, a bad one then a good one (the second
//! attempt), two bad ones, a chart spec, and an error status.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use sources::generate::{ChartSpec, GenerateError, LlmClient, LlmConfig};
use sources::template::{Catalog, EndpointKind};
use sources::transform::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

struct Llm {
    addr: SocketAddr,
    /// Request bodies received.
    requests: Arc<Mutex<Vec<Value>>>,
}

fn completion(content: &str) -> String {
    json!({"id": "c1", "object": "chat.completion", "model": "test",
           "choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content}}]})
    .to_string()
}

/// Serves `(status, body)` answers in order; afterwards 500.
async fn llm(answers: Vec<(u16, String)>) -> Llm {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("addr: {e}"));
    let queue = Arc::new(Mutex::new(VecDeque::from(answers)));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut data = Vec::new();
            let mut buf = vec![0u8; 16 * 1024];
            // Head, then the body by its Content-Length.
            let body = loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => data.extend_from_slice(&buf[..n]),
                }
                let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
                    continue;
                };
                let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                    })
                    .unwrap_or(0);
                if data.len() >= end + 4 + length {
                    let auth_ok = head.contains("authorization: bearer test-key");
                    break Some((auth_ok, data[end + 4..end + 4 + length].to_vec()));
                }
            };
            let Some((auth_ok, body)) = body else {
                continue;
            };
            let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            if let Ok(mut log) = log.lock() {
                log.push(json!({"auth": auth_ok, "body": request}));
            }
            let (status, text) = queue
                .lock()
                .ok()
                .and_then(|mut q| q.pop_front())
                .unwrap_or((500, "queue empty".into()));
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
            let _ = stream.write_all(reply.as_bytes()).await;
        }
    });
    Llm { addr, requests }
}

fn client(server: &Llm) -> LlmClient {
    LlmClient::new(LlmConfig {
        base_url: format!("http://{}/v1/", server.addr),
        api_key: "test-key".into(),
        model: "test-model".into(),
        timeout: Duration::from_secs(5),
    })
    .unwrap_or_else(|e| panic!("client: {e}"))
}

fn requests(server: &Llm) -> Vec<Value> {
    server
        .requests
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default()
}

const GOOD: &str = "```jq\n{timestamp: $now, value: .data.total}\n```";
const BAD: &str = "{timestamp: $now, value: .data.totl}";

fn sample() -> Value {
    json!({"data": {"total": 17, "unit": "users"}})
}

#[tokio::test]
async fn a_good_program_is_accepted_at_once() {
    let server = llm(vec![(200, completion(GOOD))]).await;
    let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
    let template = catalog
        .get("http-json")
        .unwrap_or_else(|| panic!("no http-json"));
    let got = client(&server)
        .generate_transformer(
            template,
            EndpointKind::Polling,
            &sample(),
            &Limits::default(),
        )
        .await;
    let (program, points) = got.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(program, "{timestamp: $now, value: .data.total}");
    assert_eq!(points.iter().map(|p| p.value).collect::<Vec<_>>(), [17.0]);
    let seen = requests(&server);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["auth"], json!(true));
    assert_eq!(seen[0]["body"]["model"], json!("test-model"));
    let user = seen[0]["body"]["messages"][1]["content"]
        .as_str()
        .unwrap_or_default();
    assert!(
        user.contains("\"total\":17") && user.contains("http-json"),
        "{user}"
    );
}

#[tokio::test]
async fn a_bad_program_gets_a_second_attempt_that_knows_why() {
    let server = llm(vec![(200, completion(BAD)), (200, completion(GOOD))]).await;
    let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
    let template = catalog
        .get("http-json")
        .unwrap_or_else(|| panic!("no http-json"));
    let got = client(&server)
        .generate_transformer(
            template,
            EndpointKind::Polling,
            &sample(),
            &Limits::default(),
        )
        .await;
    assert_eq!(
        got.map(|(p, points)| (p, points.len())),
        Ok(("{timestamp: $now, value: .data.total}".into(), 1))
    );
    let seen = requests(&server);
    assert_eq!(seen.len(), 2);
    let messages = seen[1]["body"]["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[2]["content"], json!(BAD));
    let why = messages[3]["content"].as_str().unwrap_or_default();
    assert!(why.contains("rejected") && why.contains("value"), "{why}");
}

#[tokio::test]
async fn two_bad_programs_are_rejected() {
    let server = llm(vec![
        (200, completion(BAD)),
        (200, completion("this is not jq {")),
    ])
    .await;
    let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
    let template = catalog
        .get("http-json")
        .unwrap_or_else(|| panic!("no http-json"));
    let got = client(&server)
        .generate_transformer(
            template,
            EndpointKind::Polling,
            &sample(),
            &Limits::default(),
        )
        .await;
    assert!(
        matches!(got, Err(GenerateError::Rejected { attempts: 2, .. })),
        "{got:?}"
    );
    // An empty result is not accepted either.
    let server = llm(vec![
        (200, completion("empty")),
        (200, completion(".nothing[]?")),
    ])
    .await;
    let got = client(&server)
        .generate_transformer(
            template,
            EndpointKind::Polling,
            &sample(),
            &Limits::default(),
        )
        .await;
    assert!(
        matches!(got, Err(GenerateError::Rejected { .. })),
        "{got:?}"
    );
}

#[tokio::test]
async fn a_sentence_becomes_a_chart_spec() {
    let spec =
        r#"{"chartType": "bar", "dateRange": "90d", "aggregation": "avg", "bucket": "week"}"#;
    let server = llm(vec![
        (200, completion(&format!("```json\n{spec}\n```"))),
        (200, completion(r#"{"chartType": "<script>"}"#)),
        (503, "{\"error\": \"overloaded\"}".into()),
    ])
    .await;
    let llm = client(&server);
    let got = llm
        .chart_spec("weekly averages over three months as bars")
        .await;
    assert_eq!(
        got,
        Ok(ChartSpec {
            chart_type: Some("bar".into()),
            date_range: Some("90d".into()),
            aggregation: Some("avg".into()),
            bucket: Some("week".into()),
        })
    );
    assert!(matches!(
        llm.chart_spec("something").await,
        Err(GenerateError::InvalidSpec(_))
    ));
    assert!(matches!(
        llm.chart_spec("x").await,
        Err(GenerateError::Status { status: 503, .. })
    ));
}
