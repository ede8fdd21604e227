# Container image of the metrics-hub server (`metrics-hub serve|migrate|seed`) with the Yew
# dashboard it serves at `/`. Used by docker-compose.yml and for deployment; local development
# uses scripts/stack.sh instead. Build from the workspace root: `docker build -t metrics-hub .`

# ---- dashboard (wasm) ------------------------------------------------------------
# Built by the same script as on a development machine (scripts/build-dashboard.sh): Debian's
# rustc-web toolchain from bookworm-security (it rebuilds std for wasm32), wasm-bindgen-cli at
# the version of web/dashboard/Cargo.lock, and ECharts from npm, vendored (no CDN at run time).
FROM rust:1-bookworm AS dashboard
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/web/dashboard/target \
    rm -rf web/dashboard/dist \
 && scripts/build-dashboard.sh \
 && cp -r web/dashboard/dist /dashboard

# ---- build -------------------------------------------------------------------
FROM rust:1-bookworm AS builder
WORKDIR /src
COPY . .
# The cache mounts keep the cargo registry and target dir between builds. They
# need BuildKit, the default builder of Docker 23+ and of Compose v2; the legacy
# builder rejects --mount. The binary is copied out in the same step because
# the target cache mount is not part of the image. Migrations are embedded at
# compile time.
# The package of the binary is `web` (web/Cargo.toml). We select by --bin so
# the build does not depend on the package name. Only the server is built, but
# cargo loads every workspace member, so the context must hold all of them
# (bench/ too): keep them out of .dockerignore.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin metrics-hub \
 && install -m 0755 target/release/metrics-hub /usr/local/bin/metrics-hub

# ---- runtime -----------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 metrics-hub \
 && useradd --system --uid 10001 --gid metrics-hub --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin metrics-hub
COPY --from=builder /usr/local/bin/metrics-hub /usr/local/bin/metrics-hub
COPY --from=dashboard /dashboard /usr/share/metrics-hub/dashboard
# The binary listens on 127.0.0.1 by default. That cannot be reached from
# outside a container, so the image listens on all interfaces instead.
ENV APP_HTTP__HOST=0.0.0.0 \
    APP_HTTP__PORT=8080 \
    APP_HTTP__DASHBOARD_DIR=/usr/share/metrics-hub/dashboard
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["metrics-hub"]
CMD ["serve"]
