//! A TCP proxy between the hub and PostgreSQL that a test can cut or stall, to see how the hub
//! behaves when its database goes away and comes back (the real server keeps running for the
//! other tests).

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const UP: u8 = 0;
const DOWN: u8 = 1;
const STALLED: u8 = 2;

/// The proxy's switch and its live connections.
#[derive(Clone)]
pub struct Proxy {
    pub port: u16,
    mode: Arc<AtomicU8>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    /// Forwards a free loopback port to `upstream` (`host:port`).
    pub async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("proxy bind: {e}"));
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let proxy = Self {
            port,
            mode: Arc::new(AtomicU8::new(UP)),
            connections: Arc::new(Mutex::new(Vec::new())),
        };
        let this = proxy.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                match this.mode.load(Ordering::SeqCst) {
                    DOWN => drop(client),
                    mode => {
                        let upstream = upstream.clone();
                        let stalled = mode == STALLED;
                        let task = tokio::spawn(async move {
                            if stalled {
                                // Accept and never answer, like a hung server.
                                std::future::pending::<()>().await;
                            }
                            if let Ok(mut server) = TcpStream::connect(&upstream).await {
                                let _ =
                                    tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            }
                        });
                        if let Ok(mut list) = this.connections.lock() {
                            list.push(task);
                        }
                    }
                }
            }
        });
        proxy
    }

    /// Refuses new connections and cuts the open ones.
    pub fn cut(&self) {
        self.mode.store(DOWN, Ordering::SeqCst);
        self.kill_connections();
    }

    /// Cuts the open connections; new ones are accepted but never answered.
    pub fn stall(&self) {
        self.mode.store(STALLED, Ordering::SeqCst);
        self.kill_connections();
    }

    /// Forwards again.
    pub fn restore(&self) {
        self.mode.store(UP, Ordering::SeqCst);
    }

    fn kill_connections(&self) {
        if let Ok(mut list) = self.connections.lock() {
            for task in list.drain(..) {
                task.abort();
            }
        }
    }
}
