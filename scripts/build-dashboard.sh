#!/usr/bin/env bash
# build-dashboard.sh: build the Yew dashboard (web/dashboard) to web/dashboard/dist, which the hub
# serves at `/`. Idempotent, and quick when nothing changed.
#
# Debian bookworm has no rustup wasm32 target to download, so the wasm build uses Debian's
# "Rust for web browsers" toolchain (rustc-web, cargo-web, rust-web-src: rustc/cargo 1.96 with
# LLVM 22) and rebuilds std for wasm32 (`-Zbuild-std`, allowed by RUSTC_BOOTSTRAP=1).
# What it does, installing only what is missing:
#   1. apt: rustc-web cargo-web rust-web-src rust-web-llvm lld-22, and nodejs + npm when npm is
#      absent. Each is named because apt runs with --no-install-recommends: rustc-web only
#      *recommends* rust-web-llvm, which ships the wasm linker /usr/bin/rust-lld, and that is a
#      link to lld-22, on which rust-web-llvm does not depend;
#   2. wasm-bindgen-cli, with rustup's cargo, at exactly the wasm-bindgen version of
#      web/dashboard/Cargo.lock;
#   3. npm ci in web/dashboard (vendored JavaScript: echarts; nothing is loaded from a CDN);
#   4. cargo build --release --target wasm32-unknown-unknown (target dir web/dashboard/target);
#   5. wasm-bindgen into dist/pkg, then index.html, style.css and vendor/echarts.min.js.
#
# Environment: CARGO_BUILD_JOBS is honoured (use 1 on a busy 2-core machine).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CRATE="$ROOT/web/dashboard"
DIST="$CRATE/dist"
export CARGO_TARGET_DIR="$CRATE/target"
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/dashboard.wasm"
START=$(date +%s)

log() { echo "build-dashboard: $*" >&2; }
die() { echo "build-dashboard: error: $*" >&2; exit 1; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# ---- 1. Debian packages
missing=()
for pkg in rustc-web cargo-web rust-web-src rust-web-llvm lld-22; do
  installed "$pkg" || missing+=("$pkg")
done
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root or install them"
  log "installing with apt: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
for tool in /usr/bin/rustc /usr/bin/cargo /usr/bin/rust-lld; do
  [ -x "$tool" ] || die "$tool missing after installing the packages above"
done

# ---- 2. wasm-bindgen-cli at the version the crate links
WB=$(grep -A1 '^name = "wasm-bindgen"$' "$CRATE/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')
[ -n "$WB" ] || die "no wasm-bindgen version in $CRATE/Cargo.lock"
export PATH="$HOME/.cargo/bin:$PATH"
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WB"; then
  log "installing wasm-bindgen-cli $WB (cargo install, a few minutes once)"
  # No --locked: the CLI's own lockfile pins a webpki-roots version the registry no longer has.
  cargo install -q wasm-bindgen-cli --version "$WB" >&2
fi

# ---- 3. vendored JavaScript
cd "$CRATE"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci (echarts)"
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
[ -f node_modules/echarts/dist/echarts.min.js ] || die "node_modules/echarts/dist/echarts.min.js missing after npm ci"

# ---- 4. the wasm build (Debian's toolchain; ~/.cargo/bin's rustc must not be picked up)
log "cargo build --release --target wasm32-unknown-unknown"
RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 \
  /usr/bin/cargo build --release --locked --target wasm32-unknown-unknown \
  -Zbuild-std=std,panic_abort >&2

# ---- 5. bindings and static files
mkdir -p "$DIST/pkg" "$DIST/vendor"
if [ ! -f "$DIST/pkg/dashboard_bg.wasm" ] || [ "$WASM" -nt "$DIST/pkg/dashboard_bg.wasm" ]; then
  log "wasm-bindgen"
  wasm-bindgen --target web --no-typescript --out-dir "$DIST/pkg" "$WASM"
fi
cp -u index.html style.css "$DIST/"
cp -u node_modules/echarts/dist/echarts.min.js "$DIST/vendor/"

SIZE=$(du -k "$DIST/pkg/dashboard_bg.wasm" | cut -f1)
echo "build-dashboard: OK: $DIST (dashboard_bg.wasm ${SIZE} KiB, $(( $(date +%s) - START )) s)"
