#!/usr/bin/env bash
# run.sh: the one command that runs metrics-hub on this machine. Installs and starts the local
# PostgreSQL 15 + Redis (scripts/stack.sh), builds the hub, applies migrations, seeds demo data
# (once) and serves http://127.0.0.1:8080 until Ctrl-C. Extra arguments go to `metrics-hub serve`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/stack.sh up
eval "$(scripts/stack.sh env)"
export APP_ENVIRONMENT="${APP_ENVIRONMENT:-dev}"

cargo build --release --bin metrics-hub
exec target/release/metrics-hub serve --migrate --seed "$@"
