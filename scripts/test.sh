#!/usr/bin/env bash
# test.sh: every check of the project, as CI runs it (.ci/run calls this). Starts the local
# PostgreSQL + Redis (installing them if needed), then: formatting, clippy, all tests (the OTLP
# ones export with the real OpenTelemetry Python SDK, installed into .venv-otlp first), the
# property-based fuzzing of the API from its OpenAPI document (scripts/fuzz-api.sh), the
# schema.rs-matches-migrations check, the docker-compose.yml validation, and the dashboard's
# lints, unit tests and end-to-end tests in headless Chromium (building it for wasm first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

step "local stack"
scripts/stack.sh up
eval "$(scripts/stack.sh env)"

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "OpenTelemetry clients for the OTLP tests (scripts/otlp-clients.sh)"
METRICS_HUB_OTLP_PYTHON="$(scripts/otlp-clients.sh)"
export METRICS_HUB_OTLP_PYTHON

step "cargo test"
cargo test --workspace

step "API fuzzing from the OpenAPI document (schemathesis)"
# A fixed seed, so a run that passed here passes in CI too; FUZZ_SEED=$RANDOM explores anew
# (scripts/fuzz-api.sh alone picks a random seed every run).
FUZZ_SEED="${FUZZ_SEED:-17185}" scripts/fuzz-api.sh

step "schema.rs matches the migrations"
scripts/check-schema.sh

step "docker-compose.yml is valid"
scripts/check-compose.sh

step "dashboard: fmt, clippy, unit tests (native)"
(cd web/dashboard && cargo fmt --check && cargo clippy --all-targets -- -D warnings && cargo test)

step "dashboard: browser end-to-end tests"
scripts/e2e.sh

step "all checks passed"
