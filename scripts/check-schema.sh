#!/usr/bin/env bash
# check-schema.sh: persistence/src/postgres/schema.rs must be exactly what `diesel print-schema` generates
# from migrations/. Migrates a scratch database with the hub's own runner, regenerates the schema
# and diffs. Installs diesel_cli (and libpq-dev, which it links) when missing.
# Needs the local stack running (scripts/stack.sh up).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
eval "$(scripts/stack.sh env)"

if ! command -v diesel >/dev/null 2>&1; then
  if ! dpkg -s libpq-dev >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libpq-dev
  fi
  cargo install diesel_cli --version 2.3.14 --no-default-features --features postgres --locked
fi

scratch="schema_check_$$"
base_url="${TEST_DATABASE_ADMIN_URL%/*}"
trap 'psql -q "$TEST_DATABASE_ADMIN_URL" -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null' EXIT
psql -q "$TEST_DATABASE_ADMIN_URL" -c "CREATE DATABASE $scratch" >/dev/null

cargo build --quiet --bin metrics-hub
APP_ENVIRONMENT=dev APP_DATABASE__URL="$base_url/$scratch" RUST_LOG=warn \
  target/debug/metrics-hub migrate

generated="$(mktemp)"
diesel print-schema --database-url "$base_url/$scratch" --config-file diesel.toml >"$generated"
if ! diff -u persistence/src/postgres/schema.rs "$generated"; then
  echo "check-schema: persistence/src/postgres/schema.rs is stale; regenerate it with diesel print-schema" >&2
  exit 1
fi
echo "check-schema: schema.rs matches the migrations"
