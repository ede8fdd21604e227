//! Ingest-to-subscriber latency: `subscribers` live WebSocket clients follow one assistant
//! while events arrive at a fixed rate over HTTP. For every request, each subscriber records
//! the time from sending it to receiving the first delta whose totals include it.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use awc::ws::{Frame, Message};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};

use super::target::Target;
use super::IngestArgs;
use crate::progress;
use crate::BenchError;

/// Latency percentiles and the memory held meanwhile.
pub struct Latency {
    /// Median delay from sending a request to a subscriber seeing it, ms.
    pub p50_ms: f64,
    /// 99th percentile of the same, ms.
    pub p99_ms: f64,
    /// Delays observed (requests × subscribers, when none is missed).
    pub observations: usize,
    /// Hub RSS (KiB) with every subscriber connected.
    pub rss_with_subscribers: u64,
}

/// Sent requests: when, and the assistant's call count once it is applied.
type Sent = Rc<RefCell<Vec<(Instant, i64)>>>;

/// Connects the subscribers, publishes at the requested rate and collects every delay.
pub async fn measure(args: &IngestArgs, target: &Target) -> Result<Latency, BenchError> {
    let assistant = target.assistants.first().copied().unwrap_or(1);
    let url = format!(
        "{}/api/v1/ws/live?token={}",
        target.base.replace("http://", "ws://"),
        target.token
    );
    let sent: Sent = Rc::new(RefCell::new(Vec::new()));
    let samples: Rc<RefCell<Vec<f64>>> = Rc::new(RefCell::new(Vec::new()));
    let done = Rc::new(RefCell::new(false));
    let bar = progress::bar(args.subscribers, "live subscribers (connected)");
    let mut baseline = None;
    let mut subscribers = Vec::new();
    for _ in 0..args.subscribers {
        let (_, mut ws) = awc::Client::new()
            .ws(url.clone())
            .connect()
            .await
            .map_err(|e| BenchError::Run(format!("live subscriber: {e}")))?;
        ws.send(Message::Text(
            json!({"type": "subscribe", "assistants": [assistant]})
                .to_string()
                .into(),
        ))
        .await
        .map_err(|e| BenchError::Run(format!("live subscriber: {e}")))?;
        let snapshot = next_json(&mut ws).await?;
        let calls = snapshot["stats"]["today"]["calls"].as_i64().unwrap_or(0);
        baseline.get_or_insert(calls);
        let (sent, samples, done) = (Rc::clone(&sent), Rc::clone(&samples), Rc::clone(&done));
        subscribers.push(actix_rt::spawn(async move {
            let mut seen = 0;
            while !*done.borrow() {
                let Ok(Some(frame)) =
                    tokio::time::timeout(Duration::from_millis(200), ws.next()).await
                else {
                    continue;
                };
                match frame {
                    Ok(Frame::Text(text)) => {
                        let message: Value = serde_json::from_slice(&text).unwrap_or_default();
                        let Some(total) = message["stats"]["today"]["calls"].as_i64() else {
                            continue;
                        };
                        let now = Instant::now();
                        let sent = sent.borrow();
                        while seen < sent.len() && sent[seen].1 <= total {
                            samples
                                .borrow_mut()
                                .push(now.duration_since(sent[seen].0).as_secs_f64() * 1000.0);
                            seen += 1;
                        }
                    }
                    Ok(Frame::Ping(bytes)) => {
                        let _ = ws.send(Message::Pong(bytes)).await;
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }));
        bar.inc(1);
    }
    bar.finish();
    let rss_with_subscribers = target.rss_kib();

    // Publish at the requested rate in 10 ms ticks.
    let per_tick = (args.rate / 100).max(1);
    let events: Vec<Value> = vec![json!({"cost": 0.001, "tokensIn": 100}); per_tick];
    let ticks = args.seconds * 100;
    let publisher = progress::bar(ticks as usize, "latency phase (10 ms ticks)");
    let mut total = baseline.unwrap_or(0);
    let mut interval = tokio::time::interval(Duration::from_millis(10));
    for _ in 0..ticks {
        interval.tick().await;
        let at = Instant::now();
        total += per_tick as i64;
        sent.borrow_mut().push((at, total));
        target
            .post(
                &format!("/api/v1/assistants/{assistant}/events"),
                &json!(events),
            )
            .await?;
        publisher.inc(1);
    }
    publisher.finish();
    tokio::time::sleep(Duration::from_millis(args.coalesce_ms * 2 + 1_000)).await;
    *done.borrow_mut() = true;
    for subscriber in subscribers {
        let _ = subscriber.await;
    }
    let mut all = samples.borrow().clone();
    all.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        if all.is_empty() {
            f64::NAN
        } else {
            all[((all.len() - 1) as f64 * q).round() as usize]
        }
    };
    Ok(Latency {
        p50_ms: pick(0.50),
        p99_ms: pick(0.99),
        observations: all.len(),
        rss_with_subscribers,
    })
}

/// The next text frame of `ws` as JSON (the snapshot after subscribing), within 10 s.
async fn next_json(
    ws: &mut actix_codec::Framed<awc::BoxedSocket, awc::ws::Codec>,
) -> Result<Value, BenchError> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Frame::Text(text)))) => {
                return serde_json::from_slice(&text).map_err(|e| BenchError::Run(e.to_string()))
            }
            Ok(Some(Ok(_))) => {}
            other => {
                return Err(BenchError::Run(format!(
                    "live subscriber: no snapshot ({other:?})"
                )))
            }
        }
    }
}
