#!/usr/bin/env bash
# check-compose.sh: check that docker-compose.yml is a valid Compose file
# (syntax, schema, interpolation) without starting anything or contacting a daemon.
# Uses `docker compose` (v2 plugin) when present, otherwise the standalone
# `docker-compose`. If neither is present, installs Debian's docker-compose
# (1.29) with apt.
#   scripts/check-compose.sh [compose-file]   (default: <repo>/docker-compose.yml)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="${1:-$REPO_ROOT/docker-compose.yml}"
[ -f "$FILE" ] || { echo "check-compose: no such file: $FILE" >&2; exit 2; }

if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  if ! command -v docker-compose >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || { echo "check-compose: no compose tool; install docker-compose (needs root)" >&2; exit 1; }
    echo "check-compose: installing docker-compose with apt" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 \
      --no-install-recommends docker-compose >&2
  fi
  compose=(docker-compose)
fi

echo "check-compose: ${compose[*]} -f $FILE config -q" >&2
# Compose interpolates ${VAR:-default}. Run from the file's directory so the
# relative build context resolves the same way it does for `up`.
cd "$(dirname "$FILE")"
compose_config() { "${compose[@]}" -f "$(basename "$FILE")" config "$@"; }

# Safe by default: without its secrets the file must refuse to start...
if env -u METRICS_HUB_DB_PASSWORD -u METRICS_HUB_JWT_SECRET -u METRICS_HUB_DEMO_SEED \
    "${compose[@]}" -f "$(basename "$FILE")" config -q 2>/dev/null; then
  echo "check-compose: error: the file starts without METRICS_HUB_DB_PASSWORD and METRICS_HUB_JWT_SECRET" >&2
  exit 1
fi
# ...and with them it is valid, runs as production and loads no demo data unless asked.
export METRICS_HUB_DB_PASSWORD=check-compose-db-password
export METRICS_HUB_JWT_SECRET=check-compose-jwt-secret-of-at-least-32-bytes
rendered="$(env -u METRICS_HUB_DEMO_SEED "${compose[@]}" -f "$(basename "$FILE")" config)"
compose_config -q
grep -q 'APP_ENVIRONMENT: production' <<<"$rendered" \
  || { echo "check-compose: error: the hub does not run as production" >&2; exit 1; }
grep -q 'METRICS_HUB_DEMO_SEED: .false' <<<"$rendered" \
  || { echo "check-compose: error: demo data is not opt-in" >&2; exit 1; }
if grep -q -- '--seed' <<<"$rendered"; then
  echo "check-compose: error: the hub is started with --seed" >&2
  exit 1
fi
echo "check-compose: OK (refuses to start without secrets; production; demo data opt-in)" >&2
