//! What every command test needs: the test cluster's URLs (as `scripts/stack.sh env` exports
//! them) and a `metrics-hub` binary built from this tree.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The URL of database `name` on the test cluster (`TEST_DATABASE_ADMIN_URL`).
pub fn database_url(name: &str) -> String {
    let admin = std::env::var("TEST_DATABASE_ADMIN_URL").unwrap_or_else(|_| {
        "postgres://metrics_hub:metrics_hub@127.0.0.1:55432/postgres".to_owned()
    });
    match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => admin,
    }
}

/// The test Redis (`TEST_REDIS_URL`).
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:56379".to_owned())
}

/// `metrics-hub`, built now (once per test run) into the target directory and profile of
/// `metrics-hub-bench`, where the bench looks for it by default. `cargo test -p
/// metrics-hub-bench` does not build other packages' binaries, and a stale one must not be
/// measured.
pub fn hub_binary() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let bench = Path::new(env!("CARGO_BIN_EXE_metrics-hub-bench"));
        let profile_dir = bench
            .parent()
            .unwrap_or_else(|| panic!("{}", bench.display()));
        let target_dir = profile_dir
            .parent()
            .unwrap_or_else(|| panic!("{}", bench.display()));
        let profile = match profile_dir.file_name().and_then(|name| name.to_str()) {
            Some("debug") | None => "dev",
            Some(other) => other,
        };
        let output = Command::new(env!("CARGO"))
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .args(["build", "--quiet", "-p", "web", "--bin", "metrics-hub"])
            .args(["--profile", profile])
            .arg("--target-dir")
            .arg(target_dir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
        assert!(
            output.status.success(),
            "cargo build --bin metrics-hub failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        bench.with_file_name(format!("metrics-hub{}", std::env::consts::EXE_SUFFIX))
    })
}

/// Runs `metrics-hub-bench` with `args` against the test cluster and Redis.
pub fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_metrics-hub-bench"))
        .args(args)
        .env("APP_ENVIRONMENT", "dev")
        .env("APP_DATABASE__URL", database_url("postgres"))
        .env("APP_REDIS__URL", redis_url())
        .env("RUST_LOG", "warn")
        .env_remove("METRICS_HUB_BINARY")
        .output()
        .unwrap_or_else(|e| panic!("cannot run metrics-hub-bench: {e}"))
}

/// Stdout of a run that must have succeeded (its stdout and stderr in the panic otherwise).
pub fn succeeded(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
