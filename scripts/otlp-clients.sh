#!/usr/bin/env bash
# otlp-clients.sh: the real OpenTelemetry clients the OTLP tests export with, in the
# project-local virtualenv .venv-otlp: the official Python SDK with its OTLP/HTTP protobuf
# exporter, at pinned versions. Installs what is missing (apt: python3, python3-venv; pip:
# the packages below) and prints the virtualenv's python, which the API tests read from
# METRICS_HUB_OTLP_PYTHON (scripts/test.sh sets it; web/tests/api/otlp.rs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-otlp"
PACKAGES=(opentelemetry-sdk==1.45.2 opentelemetry-exporter-otlp-proto-http==1.45.2)

log() { echo "otlp-clients: $*" >&2; }
die() { echo "otlp-clients: error: $*" >&2; exit 1; }

missing=()
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root or install them"
  log "installing with apt: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "${PACKAGES[*]}" ]; then
  log "virtualenv $VENV: ${PACKAGES[*]}"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PACKAGES[@]}" >&2
  echo "${PACKAGES[*]}" > "$stamp"
fi
echo "$VENV/bin/python"
