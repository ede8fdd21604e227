#!/usr/bin/env bash
# fresh-machine-check.sh: run the README's two commands, scripts/run.sh and scripts/test.sh, on a
# fresh Debian bookworm that has nothing but the Rust toolchain (issue 10: "the README's first
# command fails on a fresh machine"). A green run on a developer's machine proves little: packages
# installed by hand, or pulled in once as a Recommends, hide missing install steps. This builds a
# clean root with `debootstrap --variant=minbase`, gives it only what a new user's machine has (apt,
# the rustup toolchain read-only, its own empty ~/.cargo with just the rustup proxies, the machine's
# TLS-proxy CA) and a `git clone` of the committed HEAD, then, as root in a chroot:
#   1. scripts/run.sh in the background: waits for /readyz (it compiles everything cold: up to
#      --ready-timeout minutes), checks that `/` serves the built dashboard, then stops it;
#   2. scripts/test.sh.
# Pass/fail and wall-clock time of each step go to artifacts/fresh-machine-check/result.txt, with
# the full logs beside it. Mounts are undone on exit, also on failure; exit status 1 if a step failed.
# The run inside uses its own ports (PostgreSQL 55532, Redis 56479, HTTP 18080; the root shares this
# machine's network) so it never talks to the host's stack (55432/56379).
#
#   scripts/fresh-machine-check.sh [--root DIR] [--keep] [--reuse] [--only run|test]
#                                  [--ready-timeout MIN]
#     --root DIR   where the root goes (default /var/tmp/metrics-hub-fresh-root, outside the repo)
#     --keep       keep the root afterwards (for debugging, or a later --reuse)
#     --reuse      reuse a kept root: no debootstrap; the clone is moved to the new HEAD, its build
#                  caches (target/, .stack/) stay; implies --keep
#     --only STEP  run only `run` (scripts/run.sh) or `test` (scripts/test.sh)
# Needs root (debootstrap, mount, chroot). Runs under `nice -n 10` (the machine is shared).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT=/var/tmp/metrics-hub-fresh-root
KEEP=0 REUSE=0 ONLY=all READY_MIN=90
PG_PORT=55532 REDIS_PORT=56479 HTTP_PORT=18080
SRC=/root/metrics-hub          # the clone, inside the root
OUT="$REPO/artifacts/fresh-machine-check"
RESULTS=() FAILED=0 RUN_PID=""

log() { echo "fresh-machine-check: $*" >&2; }
die() { log "error: $*"; exit 2; }
usage() { sed -n '17,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root) ROOT="${2:?--root needs a directory}"; shift ;;
    --keep) KEEP=1 ;;
    --reuse) REUSE=1 KEEP=1 ;;
    --only) ONLY="${2:?--only needs run or test}"; shift ;;
    --ready-timeout) READY_MIN="${2:?--ready-timeout needs minutes}"; shift ;;
    -h|--help) usage ;;
    *) log "unknown argument: $1"; usage ;;
  esac
  shift
done
case "$ONLY" in all|run|test) ;; *) usage ;; esac
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, mount and chroot need it)"
ROOT="$(realpath -m "$ROOT")"
case "$ROOT/" in "$REPO"/*) die "the root must not be inside the repository" ;; esac
MARK="$ROOT/.metrics-hub-fresh-root"   # never remove a directory this script did not make

mounts_under() { awk -v r="$ROOT/" 'index($2, r) == 1 {print $2}' /proc/self/mounts | sort -r; }

# Runs a command line as root inside the root, with a fresh machine's environment plus this
# machine's CA settings (the registries are reached through a TLS proxy).
ENV=(HOME=/root USER=root TERM=dumb PATH=/root/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  RUSTUP_HOME=/root/.rustup CARGO_HOME=/root/.cargo
  METRICS_HUB_PG_PORT="$PG_PORT" METRICS_HUB_REDIS_PORT="$REDIS_PORT")
while IFS='=' read -r name value; do
  case "$name" in
    SSL_CERT_FILE|SSL_CERT_DIR|NODE_EXTRA_CA_CERTS|GIT_SSL_CAINFO|PIP_*) ENV+=("$name=$value") ;;
  esac
done < <(env)
in_root() { nice -n 10 chroot "$ROOT" /usr/bin/env -i "${ENV[@]}" bash -c "$1" </dev/null; }

record() {  # name status seconds note
  RESULTS+=("$(printf '%-8s %-4s %6ss  %s' "$1" "$2" "$3" "$4")")
  [ "$2" = PASS ] || FAILED=1
  log "$1: $2 in $3 s $4"
}

cleanup() {
  local status=$? pids=() p
  trap - EXIT INT TERM
  if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then kill -TERM -- "-$RUN_PID" 2>/dev/null || true; sleep 5; fi
  if [ -x "$ROOT$SRC/scripts/stack.sh" ] && mountpoint -q "$ROOT/proc"; then
    in_root "cd $SRC && scripts/stack.sh down" >>"$OUT/cleanup.log" 2>&1 || true
  fi
  # Whatever still runs inside the root was started by this check: end it, by pid.
  for p in /proc/[0-9]*; do
    if [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ]; then pids+=("${p#/proc/}"); fi
  done
  if [ "${#pids[@]}" -gt 0 ]; then
    log "ending processes left in the root: ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true; sleep 3; kill -KILL "${pids[@]}" 2>/dev/null || true; sleep 1
  fi
  for p in $(mounts_under); do umount -R "$p" 2>/dev/null || true; done
  for p in $(mounts_under); do umount -R -l "$p" 2>/dev/null || log "warning: could not unmount $p"; done
  if [ "$KEEP" = 1 ]; then
    log "root kept at $ROOT (rerun with --reuse)"
  elif [ -n "$(mounts_under)" ]; then
    log "warning: mounts left under $ROOT, not removing it"
  elif [ -f "$MARK" ]; then
    rm -rf --one-file-system "$ROOT"
  fi
  if [ "${#RESULTS[@]}" -gt 0 ]; then
    { printf 'fresh-machine-check %s  commit %s  root %s\n' "$(date -u +%FT%TZ)" "${COMMIT:-?}" "$ROOT"
      printf '%s\n' "${RESULTS[@]}"; } >"$OUT/result.txt"
    cat "$OUT/result.txt"
  fi
  [ "$status" -eq 0 ] && [ "$FAILED" = 1 ] && status=1
  exit "$status"
}

mkdir -p "$OUT"
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the root: debootstrap, apt, CA, toolchain
t0=$(date +%s)
if [ "$REUSE" = 1 ]; then
  if [ ! -x "$ROOT/usr/bin/apt-get" ] || [ ! -d "$ROOT$SRC/.git" ]; then die "--reuse: no kept root with a clone at $ROOT"; fi
  [ -z "$(mounts_under)" ] || die "mounts already under $ROOT (another check running?)"
else
  [ -z "$(mounts_under)" ] || die "mounts already under $ROOT (another check running?)"
  if [ -e "$ROOT" ]; then
    [ -f "$MARK" ] || die "$ROOT exists and is not a root made by this script; remove it or pick --root"
    rm -rf --one-file-system "$ROOT"
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "installing debootstrap with apt"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
  fi
  MIRROR="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
  [ -n "$MIRROR" ] || die "no URIs: in /etc/apt/sources.list.d/debian.sources"
  log "debootstrap --variant=minbase bookworm $ROOT $MIRROR (log: $OUT/debootstrap.log)"
  nice -n 10 debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$OUT/debootstrap.log" 2>&1 \
    || { tail -n 20 "$OUT/debootstrap.log" >&2; touch "$MARK"; die "debootstrap failed"; }
  touch "$MARK"
  cp /etc/apt/sources.list.d/debian.sources "$ROOT/etc/apt/sources.list.d/"
  rm -f "$ROOT/etc/apt/sources.list"
  # Like this machine (and Debian's container images): package scripts do not start daemons.
  cp /usr/sbin/policy-rc.d "$ROOT/usr/sbin/policy-rc.d" 2>/dev/null \
    || printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 755 "$ROOT/usr/sbin/policy-rc.d"
fi
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"
mount --rbind /dev "$ROOT/dev" && mount --make-rslave "$ROOT/dev"   # /dev/shm and /dev/pts with it
mount -t sysfs -o ro sysfs "$ROOT/sys"
mkdir -p "$ROOT/root/.rustup" "$ROOT/root/.cargo/bin"
mount --bind "$HOME/.rustup" "$ROOT/root/.rustup"
mount -o remount,bind,ro "$ROOT/root/.rustup" || log "warning: could not make the toolchain read-only"
# rustup's layout: the rustup binary and its proxies; nothing else of this machine's ~/.cargo.
cp "$HOME/.cargo/bin/rustup" "$ROOT/root/.cargo/bin/rustup"
for proxy in cargo rustc rustdoc cargo-clippy cargo-fmt clippy-driver rustfmt; do
  ln -sfn rustup "$ROOT/root/.cargo/bin/$proxy"
done
SETUP="$OUT/setup.log"
if [ "$REUSE" = 0 ]; then
  # shellcheck disable=SC2016 # expanded inside the root
  log "not in the minimal root: $(in_root 'for t in cc git curl node npm psql kill python3; do
    [ -n "$(type -P $t)" ] || printf "%s " $t; done')"
  in_root 'apt-get update -q && apt-get install -y -q --no-install-recommends ca-certificates' >"$SETUP" 2>&1 \
    || { tail -n 20 "$SETUP" >&2; die "apt inside the root failed"; }
  # The TLS proxy's CA, where this machine keeps it (after ca-certificates wrote its own bundle).
  if [ -d /usr/local/share/ca-certificates ]; then
    cp -a /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
  fi
  if [ -d "${SSL_CERT_DIR:-}" ]; then cp -a "$SSL_CERT_DIR/." "$ROOT$SSL_CERT_DIR/"; fi
  for f in "${SSL_CERT_FILE:-}" "${NODE_EXTRA_CA_CERTS:-}"; do
    if [ -f "$f" ]; then mkdir -p "$ROOT$(dirname "$f")"; cp -L "$f" "$ROOT$f"; fi
  done
fi
in_root 'rustc --version && cargo --version' >>"$SETUP" 2>&1 || { tail -n 20 "$SETUP" >&2; die "the toolchain does not run in the root"; }

# ---- the project: the committed HEAD only
if [ "$REUSE" = 1 ]; then
  git -C "$ROOT$SRC" fetch -q "$REPO" HEAD && git -C "$ROOT$SRC" reset -q --hard FETCH_HEAD
else
  git clone -q "$REPO" "$ROOT$SRC"
fi
COMMIT="$(git -C "$ROOT$SRC" rev-parse --short HEAD)"
if [ "$REUSE" = 1 ]; then what="reused root (warm caches)"; else what="new minbase root"; fi
record setup PASS $(( $(date +%s) - t0 )) "$what, toolchain, clone of $COMMIT"

# ---- 1. scripts/run.sh
if [ "$ONLY" != test ]; then
  URL="http://127.0.0.1:$HTTP_PORT"
  ! curl -s -o /dev/null "$URL/" || die "something already answers on $URL"
  log "scripts/run.sh (log: $OUT/run.log), waiting up to $READY_MIN min for $URL/readyz"
  t0=$(date +%s)
  setsid nice -n 10 chroot "$ROOT" /usr/bin/env -i "${ENV[@]}" APP_HTTP__PORT="$HTTP_PORT" \
    bash -c "cd $SRC && exec scripts/run.sh" >"$OUT/run.log" 2>&1 </dev/null &
  RUN_PID=$!
  note="" status=FAIL
  while :; do
    if curl -fsS -o "$OUT/readyz.json" "$URL/readyz" 2>/dev/null; then break; fi
    if ! kill -0 "$RUN_PID" 2>/dev/null; then wait "$RUN_PID" || note="run.sh exited ($?) before /readyz; "; RUN_PID=""; break; fi
    if [ $(( $(date +%s) - t0 )) -gt $(( READY_MIN * 60 )) ]; then note="no /readyz after $READY_MIN min; "; break; fi
    sleep 10
  done
  if [ -n "$RUN_PID" ] && [ -z "$note" ]; then
    ready=$(( $(date +%s) - t0 ))
    curl -fsS -o "$OUT/index.html" "$URL/" || true
    if grep -q 'dashboard is not built' "$OUT/index.html"; then note="/ serves the 'dashboard is not built' page"
    elif ! grep -q '/pkg/dashboard.js' "$OUT/index.html"; then note="/ does not serve the dashboard's index.html"
    elif ! curl -fsS -o /dev/null "$URL/pkg/dashboard_bg.wasm"; then note="/pkg/dashboard_bg.wasm is not served"
    else status=PASS note="ready after ${ready} s, / serves the built dashboard"
    fi
  fi
  if [ -n "$RUN_PID" ]; then
    kill -TERM -- "-$RUN_PID" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$RUN_PID" 2>/dev/null || true
    wait "$RUN_PID" 2>/dev/null || true
    RUN_PID=""
  fi
  [ "$status" = PASS ] || note="$note(tail of run.log: $(tail -n 3 "$OUT/run.log" | tr '\n' ' ' | cut -c1-300))"
  record run.sh "$status" $(( $(date +%s) - t0 )) "$note"
fi

# ---- 2. scripts/test.sh
if [ "$ONLY" != run ]; then
  log "scripts/test.sh (log: $OUT/test.log)"
  t0=$(date +%s)
  if in_root "cd $SRC && scripts/test.sh" >"$OUT/test.log" 2>&1; then
    record test.sh PASS $(( $(date +%s) - t0 )) "all checks passed"
  else
    rc=$?
    step="$(grep '^==> ' "$OUT/test.log" | tail -n 1)"
    record test.sh FAIL $(( $(date +%s) - t0 )) "exit $rc in step '${step#==> }'"
  fi
fi
