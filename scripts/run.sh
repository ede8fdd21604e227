#!/usr/bin/env bash
# run.sh: the one command that runs metrics-hub on this machine. Installs and starts the local
# PostgreSQL 15 + Redis (scripts/stack.sh), builds the Yew dashboard (scripts/build-dashboard.sh)
# and the hub, applies migrations, seeds demo data (once) and serves the dashboard and the API on
# http://127.0.0.1:8080 until Ctrl-C. Extra arguments go to `metrics-hub serve`.
#
# The GitHub templates of the Metrics area (docs/sources.md) call api.github.com; when it cannot
# be reached (no internet) and APP_SOURCES__BASE_URLS is not set, a local GitHub stand-in
# (`metrics-hub-demo-fixtures`, made-up numbers in GitHub's real shapes) answers them instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/stack.sh up
eval "$(scripts/stack.sh env)"
export APP_ENVIRONMENT="${APP_ENVIRONMENT:-dev}"

scripts/build-dashboard.sh
cargo build --release --bin metrics-hub --bin metrics-hub-demo-fixtures
export APP_HTTP__DASHBOARD_DIR="${APP_HTTP__DASHBOARD_DIR:-$PWD/web/dashboard/dist}"

FIXTURE_ADDR=127.0.0.1:9871
if [[ -z "${APP_SOURCES__BASE_URLS:-}" ]] \
  && ! timeout 3 bash -c ': </dev/tcp/api.github.com/443' 2>/dev/null; then
  target/release/metrics-hub-demo-fixtures "$FIXTURE_ADDR" &
  fixture_pid=$!
  trap 'kill "$fixture_pid" 2>/dev/null || true' EXIT
  export APP_SOURCES__BASE_URLS="github=http://$FIXTURE_ADDR"
  echo "run: api.github.com is unreachable: GitHub sources use the local stand-in on $FIXTURE_ADDR (any token works)" >&2
fi
target/release/metrics-hub serve --migrate --seed "$@"
