#!/usr/bin/env bash
# e2e.sh: the dashboard's end-to-end tests in a real headless Chromium (Debian's), driven by
# playwright-core under node's test runner (web/e2e).
#
# Installs what is missing (apt: chromium, nodejs + npm; npm ci in web/e2e, no browser
# download), builds the dashboard (scripts/build-dashboard.sh) and the hub
# (`cargo build --bin metrics-hub`), starts the local stack, creates a fresh database
# e2e_<random>, migrates it, serves the hub on a free port with its own Redis key prefix, runs
# the tests, and always stops the hub, drops the database and deletes its Redis keys afterwards.
#
# Screenshots and the hub's log go to artifacts/e2e/. Extra arguments are the test files to run
# (relative to web/e2e, e.g. `scripts/e2e.sh tests/auth.test.mjs`; default: tests/*.test.mjs).
# With E2E_BASE_URL set, the tests run against that hub instead and nothing is started.
#
# Each file runs on its own with plain `node --test FILE`, one after the other (they share one
# hub), and every test sets its own timeout (helpers.mjs): that works on Debian bookworm's Node 18
# as well as on Node 20+ (`--test-concurrency` and `--test-timeout` do not exist in Node 18).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ARTIFACTS="$ROOT/artifacts/e2e"
E2E_DIR="$ROOT/web/e2e"

log() { echo "e2e: $*" >&2; }
die() { echo "e2e: error: $*" >&2; exit 1; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# ---- tools
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root or install them"
  log "installing with apt: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
if [ ! -f "$E2E_DIR/node_modules/.package-lock.json" ] \
  || [ "$E2E_DIR/package-lock.json" -nt "$E2E_DIR/node_modules/.package-lock.json" ]; then
  log "npm ci (playwright-core)"
  (cd "$E2E_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
fi

rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"

run_tests() {
  local files=("$@") file failed=()
  if [ "${#files[@]}" -eq 0 ]; then
    files=("$E2E_DIR"/tests/*.test.mjs)
    files=("${files[@]#"$E2E_DIR/"}")
  fi
  log "node $(node --version) --test, one file at a time, against $E2E_BASE_URL"
  for file in "${files[@]}"; do
    log "node --test $file"
    (cd "$E2E_DIR" && E2E_BASE_URL="$E2E_BASE_URL" E2E_ARTIFACTS="$ARTIFACTS" \
      E2E_FIXTURE_PORT="${E2E_FIXTURE_PORT:-}" node --test "$file") \
      || failed+=("$file")
  done
  [ "${#failed[@]}" -eq 0 ] || die "failed: ${failed[*]}"
  log "all ${#files[@]} test files passed"
}

if [ -n "${E2E_BASE_URL:-}" ]; then
  run_tests "$@"
  exit
fi

# ---- what the tests run against
scripts/build-dashboard.sh >&2
log "cargo build --bin metrics-hub"
cargo build --bin metrics-hub >&2
HUB="$ROOT/target/debug/metrics-hub"

scripts/stack.sh up
eval "$(scripts/stack.sh env)"
[ -n "${TEST_DATABASE_ADMIN_URL:-}" ] || die "scripts/stack.sh env gave no TEST_DATABASE_ADMIN_URL"

SUFFIX="$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')"
DB="e2e_${SUFFIX}"
HUB_PID=""
cleanup() {
  local status=$?
  if [ -n "$HUB_PID" ] && kill -0 "$HUB_PID" 2>/dev/null; then
    kill "$HUB_PID" 2>/dev/null || true
    wait "$HUB_PID" 2>/dev/null || true
  fi
  psql "$TEST_DATABASE_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 \
    || log "warning: could not drop database $DB"
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -u "$APP_REDIS__URL" --scan --pattern "e2e-${SUFFIX}:*" 2>/dev/null \
      | xargs -r redis-cli -u "$APP_REDIS__URL" del >/dev/null 2>&1 || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$ARTIFACTS/hub.log" ]; then
    log "---- last lines of the hub's log ($ARTIFACTS/hub.log) ----"
    tail -n 25 "$ARTIFACTS/hub.log" >&2 || true
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "database $DB"
psql "$TEST_DATABASE_ADMIN_URL" -qc "CREATE DATABASE \"$DB\"" >/dev/null
DB_URL="${TEST_DATABASE_ADMIN_URL%/*}/$DB"

PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
export APP_ENVIRONMENT=dev
export APP_DATABASE__URL="$DB_URL"
export APP_HTTP__HOST=127.0.0.1
export APP_HTTP__PORT="$PORT"
export APP_HTTP__DASHBOARD_DIR="$ROOT/web/dashboard/dist"
export APP_REDIS__KEY_PREFIX="e2e-${SUFFIX}:"
# Every browser test registers and logs in from 127.0.0.1: lift the per-address limit of
# password attempts (tested on its own in web/tests/api/accounts.rs).
export APP_AUTH__ATTEMPTS_BURST=100000
# alerts.test.mjs starts a webhook receiver on 127.0.0.1 (refused by default: SSRF policy).
export APP_WEBHOOKS__ALLOW_HOSTS=127.0.0.1
export APP_WEBHOOKS__POLL_INTERVAL_MS=200
# metrics.test.mjs serves GitHub's endpoints from a fixture server on this port (started by the
# test, before it adds a source); the hub's GitHub integration is pointed at it.
E2E_FIXTURE_PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
export E2E_FIXTURE_PORT
export APP_SOURCES__BASE_URLS="github=http://127.0.0.1:${E2E_FIXTURE_PORT}"

"$HUB" migrate >"$ARTIFACTS/hub.log" 2>&1 || die "migrate failed (see $ARTIFACTS/hub.log)"
"$HUB" serve >>"$ARTIFACTS/hub.log" 2>&1 &
HUB_PID=$!

E2E_BASE_URL="http://127.0.0.1:$PORT"
log "waiting for $E2E_BASE_URL/readyz"
ready=""
for _ in $(seq 1 120); do
  kill -0 "$HUB_PID" 2>/dev/null || die "the hub exited (see $ARTIFACTS/hub.log)"
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' \
    "$E2E_BASE_URL/readyz"; then
    ready=1
    break
  fi
  sleep 0.5
done
[ -n "$ready" ] || die "the hub did not become ready in 60 s"

# Tests that need an administrator run `$E2E_HUB admin create` or `admin promote` (same settings
# as the hub).
export E2E_HUB="$HUB"
run_tests "$@"
log "screenshots in $ARTIFACTS"
