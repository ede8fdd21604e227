//! The hub under test as a child process. The benchmarks start the real `metrics-hub serve`
//! (not an in-process server) so that its memory is measured alone and the load generator's
//! threads do not share its runtime. The binary is found beside `metrics-hub-bench` (both are
//! built into the same target directory) unless `--hub-binary` or `METRICS_HUB_BINARY` names it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::BenchError;

/// A `metrics-hub` executable that exists.
#[derive(Debug, Clone)]
pub struct HubBinary(PathBuf);

impl HubBinary {
    /// `named` if given, else `metrics-hub` in the directory of the running executable; an
    /// error saying how to build it when there is no file there.
    pub fn locate(named: Option<PathBuf>) -> Result<Self, BenchError> {
        let path = match named {
            Some(path) => path,
            None => beside_this_executable()?,
        };
        if path.is_file() {
            Ok(Self(path))
        } else {
            Err(BenchError::NoHubBinary { path })
        }
    }

    /// Where the binary is.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

/// `metrics-hub` in the directory of the running executable.
fn beside_this_executable() -> Result<PathBuf, BenchError> {
    let exe = std::env::current_exe()
        .map_err(|e| BenchError::Setup(format!("cannot find this executable: {e}")))?;
    Ok(exe.with_file_name(format!("metrics-hub{}", std::env::consts::EXE_SUFFIX)))
}

/// How to run the hub under test.
#[derive(Debug, Clone, Copy)]
pub struct HubConfig<'a> {
    /// The database it serves (already migrated).
    pub database_url: &'a str,
    /// The Redis it caches in and publishes on.
    pub redis_url: &'a str,
    /// Prefix of its Redis keys (a `:` is appended), so runs never share cached state.
    pub key_prefix: &'a str,
    /// Its live coalescing interval (`APP_HUB__COALESCE_MS`).
    pub coalesce_ms: u64,
}

/// A running `metrics-hub serve` child on a free loopback port.
pub struct HubProcess {
    child: Child,
    base: String,
}

impl HubProcess {
    /// Starts `binary serve` on a free port; [`Self::wait_ready`] waits until it answers.
    pub fn spawn(binary: &HubBinary, config: HubConfig<'_>) -> Result<Self, BenchError> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| BenchError::Setup(format!("no free port: {e}")))?;
        let child = Command::new(binary.path())
            .arg("serve")
            .env("APP_ENVIRONMENT", "dev")
            .env("APP_HTTP__PORT", port.to_string())
            .env("APP_DATABASE__URL", config.database_url)
            .env("APP_DATABASE__MAX_CONNECTIONS", "16")
            .env("APP_REDIS__URL", config.redis_url)
            .env("APP_REDIS__KEY_PREFIX", format!("{}:", config.key_prefix))
            .env("APP_HUB__COALESCE_MS", config.coalesce_ms.to_string())
            .env("APP_HTTP__MAX_JSON_BYTES", (8 * 1024 * 1024).to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| {
                BenchError::Setup(format!("cannot start {}: {e}", binary.path().display()))
            })?;
        Ok(Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Waits (up to 30 s) until the hub answers `/readyz`; fails at once if it exits first.
    pub async fn wait_ready(&mut self) -> Result<(), BenchError> {
        let client = awc::Client::new();
        for _ in 0..300 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(BenchError::Setup(format!(
                    "the hub exited before it was ready ({status}); its log is above"
                )));
            }
            if let Ok(response) = client.get(format!("{}/readyz", self.base)).send().await {
                if response.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(BenchError::Setup("the hub did not become ready".into()))
    }

    /// The hub's resident memory, KiB (0 when it cannot be read).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    /// Stops the hub gracefully (SIGTERM: it flushes what it holds) and waits for it.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
