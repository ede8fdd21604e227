//! Unit tests of the assistant actor against the in-memory store of [`crate::testing`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix::prelude::*;

use super::*;
use crate::actors::messages::Subscribe;
use crate::live::LiveEvent;
use crate::testing::{call, ingest, Collector, MemoryStore, BROKEN, POISON};

fn start(store: Arc<MemoryStore>, config: HubConfig) -> (Addr<AssistantActor>, Addr<LiveHub>) {
    let live = LiveHub::new(store.clone(), None, config.history).start();
    let actor = AssistantActor::new(1, config, store, None, live.clone(), None).start();
    (actor, live)
}

fn config() -> HubConfig {
    HubConfig {
        coalesce: Duration::from_millis(200),
        ..HubConfig::default()
    }
}

#[actix_rt::test]
async fn concurrent_requests_are_acknowledged_after_they_are_stored() {
    let store = Arc::new(MemoryStore::default());
    let (actor, _) = start(store.clone(), config());
    let requests =
        (0..5).map(|i| actor.send(ingest(vec![call(Some(&format!("c{i}"))), call(None)])));
    let acks = futures_util::future::join_all(requests).await;
    for ack in acks {
        assert_eq!(
            ack.ok().and_then(Result::ok),
            Some(Ack {
                accepted: 2,
                duplicates: 0,
                over_budget: false,
            })
        );
    }
    assert_eq!(store.samples.lock().map(|s| s.len()).unwrap_or(0), 10);
    let retry = actor
        .send(ingest(vec![call(Some("c0"))]))
        .await
        .ok()
        .and_then(Result::ok);
    assert_eq!(
        retry,
        Some(Ack {
            accepted: 0,
            duplicates: 1,
            over_budget: false,
        })
    );
}

#[actix_rt::test]
async fn a_full_buffer_refuses_and_a_failed_write_is_not_acknowledged() {
    let store = Arc::new(MemoryStore::default());
    let (actor, _) = start(
        store.clone(),
        HubConfig {
            buffer_capacity: 3,
            ..config()
        },
    );
    let too_many = actor.send(ingest(vec![call(None); 4])).await.ok();
    assert_eq!(
        too_many,
        Some(Err(IngestError::Busy {
            retry_after_secs: 1
        }))
    );
    if let Ok(mut fail) = store.fail.lock() {
        *fail = true;
    }
    let failed = actor.send(ingest(vec![call(None)])).await.ok();
    assert_eq!(failed, Some(Err(IngestError::Unavailable)));
    assert_eq!(store.samples.lock().map(|s| s.len()).unwrap_or(9), 0);
}

#[actix_rt::test]
async fn a_request_storage_refuses_fails_alone_and_its_batch_mates_are_stored() {
    let store = Arc::new(MemoryStore::default());
    let (actor, _) = start(store.clone(), config());
    let poisoned = Sample {
        model: Some(POISON.into()),
        ..call(None)
    };
    // The first request is written at once; the next three wait and share one batch.
    let requests = [
        vec![call(Some("first"))],
        vec![call(Some("before"))],
        vec![call(None), poisoned],
        vec![call(Some("after")), call(None)],
    ]
    .map(|samples| actor.send(ingest(samples)));
    let answers: Vec<_> = futures_util::future::join_all(requests)
        .await
        .into_iter()
        .map(|answer| answer.ok().map(|r| r.map(|ack| ack.accepted)))
        .collect();
    assert_eq!(
        answers,
        vec![
            Some(Ok(1)),
            Some(Ok(1)),
            Some(Err(IngestError::Refused {
                detail: "value out of range".into()
            })),
            Some(Ok(2)),
        ]
    );
    let stored: Vec<Option<String>> = store
        .samples
        .lock()
        .map(|s| s.iter().map(|s| s.client_id.clone()).collect())
        .unwrap_or_default();
    assert_eq!(
        stored,
        vec![
            Some("first".into()),
            Some("before".into()),
            Some("after".into()),
            None
        ]
    );
}

#[actix_rt::test]
async fn a_request_storage_fails_on_is_answered_failed_alone_and_never_retried_as_an_outage() {
    let store = Arc::new(MemoryStore::default());
    let (actor, _) = start(store.clone(), config());
    let broken = Sample {
        model: Some(BROKEN.into()),
        ..call(None)
    };
    // The first request is written at once; the next two wait and share one batch.
    let requests = [
        vec![call(Some("first"))],
        vec![broken],
        vec![call(Some("after"))],
    ]
    .map(|samples| actor.send(ingest(samples)));
    let answers: Vec<_> = futures_util::future::join_all(requests)
        .await
        .into_iter()
        .map(|answer| answer.ok().map(|r| r.map(|ack| ack.accepted)))
        .collect();
    assert_eq!(
        answers,
        vec![Some(Ok(1)), Some(Err(IngestError::Failed)), Some(Ok(1))]
    );
    assert_eq!(store.samples.lock().map(|s| s.len()).unwrap_or(0), 2);
}

#[actix_rt::test]
async fn deltas_are_coalesced_numbered_and_a_drain_waits_for_the_last_one() {
    let store = Arc::new(MemoryStore::default());
    let (actor, live) = start(store.clone(), config());
    let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
    let collector = Collector(seen.clone()).start();
    live.send(Subscribe {
        session_id: 1,
        subscriber: collector.recipient(),
        assistant_id: 1,
        since: None,
    })
    .await
    .ok();
    for _ in 0..5 {
        let _ = actor.send(ingest(vec![call(None)])).await;
    }
    // The first batch is announced at once; the next four wait for the coalescing interval,
    // and the drain must not finish before they are announced.
    let drained = tokio::time::timeout(Duration::from_secs(3), actor.send(Drain)).await;
    assert!(drained.is_ok(), "drain hung");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let events = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let deltas: Vec<(u64, i64, i64)> = events
        .iter()
        .filter_map(|e| match e {
            LiveEvent::Delta(d) => Some((d.seq, d.added.calls, d.stats.today.calls)),
            LiveEvent::Snapshot { .. } => None,
        })
        .collect();
    assert!(
        deltas.len() >= 2 && deltas.len() < 5,
        "coalesced: {deltas:?}"
    );
    let seqs: Vec<u64> = deltas.iter().map(|d| d.0).collect();
    assert_eq!(seqs, (1..=deltas.len() as u64).collect::<Vec<_>>());
    assert_eq!(deltas.iter().map(|d| d.1).sum::<i64>(), 5);
    assert_eq!(deltas.last().map(|d| d.2), Some(5));
}

#[actix_rt::test]
async fn crossing_a_budget_flags_acks_and_pushes_one_alert() {
    // Each call costs 5 nano-dollars; the budget is 12.
    let store = Arc::new(MemoryStore {
        budget_nanos: Some(12),
        ..MemoryStore::default()
    });
    let (actor, live) = start(store.clone(), config());
    let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
    live.send(Subscribe {
        session_id: 1,
        subscriber: Collector(seen.clone()).start().recipient(),
        assistant_id: 1,
        since: None,
    })
    .await
    .ok();
    let mut flags = Vec::new();
    for _ in 0..4 {
        let ack = actor
            .send(ingest(vec![call(None)]))
            .await
            .ok()
            .and_then(Result::ok);
        flags.push(ack.map(|a| a.over_budget));
    }
    assert_eq!(flags, [Some(false), Some(false), Some(true), Some(true)]);
    let drained = tokio::time::timeout(Duration::from_secs(3), actor.send(Drain)).await;
    assert!(drained.is_ok(), "drain hung");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let events = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let alerts: Vec<(i64, i64)> = events
        .iter()
        .filter_map(|e| match e {
            LiveEvent::Delta(d) => Some(d.alerts.iter().map(|a| (a.budget_id, a.spent_nanos))),
            LiveEvent::Snapshot { .. } => None,
        })
        .flatten()
        .collect();
    assert_eq!(alerts, [(7, 15)]);
    let last_over = events.iter().rev().find_map(|e| match e {
        LiveEvent::Delta(d) => Some(d.over_budget),
        LiveEvent::Snapshot { .. } => None,
    });
    assert_eq!(last_over, Some(true));
}
