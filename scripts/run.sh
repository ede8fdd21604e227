#!/usr/bin/env bash
# run.sh: the one command that runs metrics-hub on this machine. Installs and starts the local
# PostgreSQL 15 + Redis (scripts/stack.sh), builds the Yew dashboard (scripts/build-dashboard.sh)
# and the hub, applies migrations, seeds demo data (once) and serves the dashboard and the API on
# http://127.0.0.1:8080 until Ctrl-C. Extra arguments go to `metrics-hub serve`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/stack.sh up
eval "$(scripts/stack.sh env)"
export APP_ENVIRONMENT="${APP_ENVIRONMENT:-dev}"

scripts/build-dashboard.sh
cargo build --release --bin metrics-hub
export APP_HTTP__DASHBOARD_DIR="${APP_HTTP__DASHBOARD_DIR:-$PWD/web/dashboard/dist}"
exec target/release/metrics-hub serve --migrate --seed "$@"
