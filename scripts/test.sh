#!/usr/bin/env bash
# test.sh: every check of the project, as CI runs it (.ci/run calls this). Starts the local
# PostgreSQL + Redis (installing them if needed), then: formatting, clippy, all tests, the
# schema.rs-matches-migrations check and the docker-compose.yml validation.
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

step "cargo test"
cargo test --workspace

step "schema.rs matches the migrations"
scripts/check-schema.sh

step "docker-compose.yml is valid"
scripts/check-compose.sh

step "all checks passed"
