#!/usr/bin/env bash
# stack.sh: run the local backing services for metrics-hub (PostgreSQL 15 and Redis)
# as plain processes, without Docker. This is the setup used for development,
# tests and benchmarks on a bare Debian bookworm machine with only the Rust
# toolchain installed. The packages are installed with apt only if they are missing.
#
#   scripts/stack.sh up       install if needed, then start pg and redis (idempotent)
#   scripts/stack.sh down     stop both; no error if they are already stopped
#   scripts/stack.sh status   report each service; exit 0 only if both are up
#   scripts/stack.sh env      print export lines: eval "$(scripts/stack.sh env)"
#
# Environment:
#   METRICS_HUB_STACK_DIR   data dir (default: <repo>/.stack)
#   METRICS_HUB_PG_PORT     PostgreSQL TCP port on 127.0.0.1 (default 55432)
#   METRICS_HUB_REDIS_PORT  Redis TCP port on 127.0.0.1 (default 56379)
#
# Progress messages go to stderr with a "stack:" prefix. Only `env` and `status`
# write to stdout.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK="${METRICS_HUB_STACK_DIR:-$REPO_ROOT/.stack}"
PG_PORT="${METRICS_HUB_PG_PORT:-55432}"
REDIS_PORT="${METRICS_HUB_REDIS_PORT:-56379}"

PG_BIN=/usr/lib/postgresql/15/bin
PG_USER=metrics_hub
PG_PASSWORD=metrics_hub
PG_DB=metrics_hub
WAIT_SECS=30

REDIS_DIR="$STACK/redis"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"

# Set by resolve_pg_paths.
PG_BASE="" PGDATA_DIR="" PG_RUN="" PG_LOG=""

log() { echo "stack: $*" >&2; }
die() { echo "stack: error: $*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as the OS user that owns the cluster. initdb and postgres refuse
# to run as root, so under root we switch to "postgres".
as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Print the last lines of a log file to stderr, used when something fails.
show_log_tail() {
  local f="$1"
  if [ -r "$f" ]; then
    echo "stack: ---- last lines of $f ----" >&2
    tail -n 30 "$f" >&2 || true
    echo "stack: ----" >&2
  else
    echo "stack: (no log at $f)" >&2
  fi
}

# ---------------------------------------------------------------- paths ----

# Decide where the cluster lives. By default it goes in $STACK/pg, but the
# postgres user must be able to reach and write it. That is not possible when
# the repo is somewhere like /root (mode 0700), so we fall back to
# /var/lib/metrics-hub/stack-<hash>. The Unix socket path also has a length
# limit of about 107 bytes, so a very deep repo path uses the fallback too.
resolve_pg_paths() {
  local use_local=1 reason=""
  if is_root; then
    if ! runuser -u postgres -- test -x "$STACK" 2>/dev/null; then
      use_local=0; reason="postgres cannot traverse $STACK"
    fi
  fi
  if [ "$use_local" = 1 ] && [ "${#STACK}" -gt 80 ]; then
    use_local=0; reason="path too long for a unix socket"
  fi
  if [ "$use_local" = 1 ]; then
    PG_BASE="$STACK"
  else
    local hash
    hash="$(printf '%s' "$STACK" | sha256sum | cut -c1-12)"
    PG_BASE="/var/lib/metrics-hub/stack-$hash"
    if [ "${1:-}" = announce ]; then
      log "notice: $reason; using $PG_BASE for the PostgreSQL data, socket and log"
    fi
  fi
  PGDATA_DIR="$PG_BASE/pg"
  PG_RUN="$PG_BASE/run"
  PG_LOG="$PG_BASE/pg.log"
  # In fallback mode, keep $STACK/pg.log as a link to the real log so people
  # find the log in the usual place.
  if [ "${1:-}" = announce ] && [ -d "$STACK" ]; then
    if [ "$PG_BASE" != "$STACK" ]; then
      ln -sfn "$PG_LOG" "$STACK/pg.log"
    elif [ -L "$STACK/pg.log" ]; then
      rm -f "$STACK/pg.log"
    fi
  fi
}

# Create the dirs the cluster needs and give them to the postgres user. Return
# non-zero if postgres still cannot write them, for example on a filesystem
# that ignores chown.
prepare_pg_dirs() {
  ( umask 022; mkdir -p "$PG_BASE" )   # every new dir on the path must be traversable
  mkdir -p "$PGDATA_DIR" "$PG_RUN"
  touch "$PG_LOG"
  if is_root; then
    chown postgres:postgres "$PGDATA_DIR" "$PG_RUN" "$PG_LOG"
  fi
  chmod 0700 "$PGDATA_DIR"
  chmod 0755 "$PG_RUN"
  if is_root; then
    runuser -u postgres -- test -w "$PGDATA_DIR" -a -w "$PG_RUN" -a -w "$PG_LOG" 2>/dev/null
  fi
}

# --------------------------------------------------------------- install ----

ensure_packages() {
  local pkgs=()
  [ -x "$PG_BIN/initdb" ] || pkgs+=(postgresql-15 postgresql-client-15)
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    pkgs+=(redis-server)
  fi
  # Not services, but every command that starts the stack (run.sh, test.sh) needs them next, and a
  # machine with only the Rust toolchain (a minimal Debian) may lack them: a C compiler and linker
  # (rustc links with cc; ring and zstd-sys compile C) and kill(1) (procps: the shutdown test and
  # the bench signal the hub with it).
  command -v cc >/dev/null 2>&1 || pkgs+=(gcc libc6-dev)
  [ -x /usr/bin/kill ] || [ -x /bin/kill ] || pkgs+=(procps)
  [ "${#pkgs[@]}" -eq 0 ] && return 0

  is_root || die "missing packages (${pkgs[*]}); run as root or install them with apt"
  log "installing ${pkgs[*]} with apt (first run only)"
  apt-get update -qq >&2
  # A fresh postgresql-15 install may create and start a system cluster on port
  # 5432. We leave it alone because we run our own cluster.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${pkgs[@]}" >&2
  [ -x "$PG_BIN/initdb" ] || die "apt finished but $PG_BIN/initdb is still missing"
  command -v redis-server >/dev/null 2>&1 || die "apt finished but redis-server is still missing"
  command -v cc >/dev/null 2>&1 || die "apt finished but cc is still missing"
}

# ------------------------------------------------------------ postgresql ----

# True if the pid on the first line of a lock file belongs to a live postgres
# process. A pid that is gone, a zombie, or reused by another program means the
# file is stale. Zombies matter because under a PID 1 that does not reap (a
# container without --init), a kill -9'd postmaster stays a zombie. Postgres
# itself (kill(pid, 0)) and `pg_ctl status` would then treat it as alive and
# refuse to start.
pid_file_live() {
  local f="$1" pid stat comm
  [ -f "$f" ] || return 1
  pid="$(head -n 1 "$f" 2>/dev/null | tr -dc 0-9)"
  [ -n "$pid" ] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"                      # drop "pid (comm) "
  [ "${stat%% *}" != Z ] || return 1      # zombie
  comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
  case "$comm" in postgres|postmaster) return 0 ;; *) return 1 ;; esac
}

pg_running() {
  [ -f "$PGDATA_DIR/PG_VERSION" ] && pid_file_live "$PGDATA_DIR/postmaster.pid"
}

# After a crash, remove lock files whose owner is dead, so the new postmaster
# can start. These are postmaster.pid and the socket lock in the run dir.
pg_clear_stale_locks() {
  local f
  for f in "$PGDATA_DIR/postmaster.pid" "$PG_RUN/.s.PGSQL.$PG_PORT.lock"; do
    if [ -f "$f" ] && ! pid_file_live "$f"; then
      log "removing stale $(basename "$f") (its process is gone)"
      rm -f "$f"
    fi
  done
}

pg_ready() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1
}

psql_admin() {
  PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"
}

pg_init() {
  local locale=C
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale=C.UTF-8; fi
  log "initializing PostgreSQL cluster in $PGDATA_DIR (locale $locale)"
  local pwfile="$PG_RUN/.pwfile"
  ( umask 077; printf '%s\n' "$PG_PASSWORD" >"$pwfile" )
  is_root && chown postgres:postgres "$pwfile"
  if ! as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U "$PG_USER" --pwfile="$pwfile" \
        --auth=scram-sha-256 --encoding=UTF8 --locale="$locale" >"$PG_BASE/initdb.log" 2>&1; then
    rm -f "$pwfile"
    show_log_tail "$PG_BASE/initdb.log"
    die "initdb failed"
  fi
  rm -f "$pwfile"
}

# Add our settings to postgresql.conf once. This runs on every `up`, so an
# `up` that was interrupted right after initdb still gets them. The port and
# socket dir are passed with -o at start, so the env vars can change them later.
pg_configure() {
  local marker='# ---- metrics-hub local stack (scripts/stack.sh) ----'
  grep -qF -- "$marker" "$PGDATA_DIR/postgresql.conf" && return 0
  cat >>"$PGDATA_DIR/postgresql.conf" <<'EOF'

# ---- metrics-hub local stack (scripts/stack.sh) ----
listen_addresses = '127.0.0.1'
max_connections = 300
shared_buffers = 256MB
EOF
}

pg_up() {
  if ! prepare_pg_dirs; then
    die "postgres user cannot write $PG_BASE (filesystem without chown support?); set METRICS_HUB_STACK_DIR to a local path"
  fi
  [ -f "$PGDATA_DIR/PG_VERSION" ] || pg_init
  pg_configure

  if pg_running; then
    if pg_ready; then
      log "postgres already running on 127.0.0.1:$PG_PORT"
    else
      die "postgres is running from $PGDATA_DIR but not accepting connections on 127.0.0.1:$PG_PORT (port changed? try: $0 down && $0 up)"
    fi
  else
    pg_clear_stale_locks
    log "starting postgres on 127.0.0.1:$PG_PORT"
    if ! as_pg "$PG_BIN/pg_ctl" start -D "$PGDATA_DIR" -l "$PG_LOG" -w -t "$WAIT_SECS" \
          -o "-p $PG_PORT -k $PG_RUN -c listen_addresses=127.0.0.1" >/dev/null 2>&1 9>&-; then
      show_log_tail "$PG_LOG"
      die "postgres failed to start (log above; pg_ctl waits at most ${WAIT_SECS}s)"
    fi
    local i=0
    until pg_ready; do
      i=$((i + 1))
      if [ "$i" -ge "$WAIT_SECS" ]; then
        show_log_tail "$PG_LOG"
        die "postgres started but is not accepting TCP connections on 127.0.0.1:$PG_PORT"
      fi
      sleep 1
    done
  fi

  local exists
  if ! exists="$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")"; then
    show_log_tail "$PG_LOG"
    die "cannot log in to postgres as $PG_USER on 127.0.0.1:$PG_PORT (is another server using this port?)"
  fi
  if [ "$exists" != 1 ]; then
    log "creating database $PG_DB"
    psql_admin -c "CREATE DATABASE $PG_DB"
  fi
}

pg_down() {
  if pg_running; then
    log "stopping postgres"
    as_pg "$PG_BIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w -t "$WAIT_SECS" >/dev/null \
      || { show_log_tail "$PG_LOG"; die "postgres did not stop"; }
  else
    log "postgres not running"
  fi
}

# ----------------------------------------------------------------- redis ----

redis_ping() {
  [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

# Check that the redis answering on our port is ours, not another instance.
redis_is_ours() {
  local dir
  dir="$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get dir 2>/dev/null | sed -n 2p)"
  [ "$dir" = "$(cd "$REDIS_DIR" 2>/dev/null && pwd -P)" ]
}

redis_up() {
  mkdir -p "$REDIS_DIR"
  if redis_ping; then
    redis_is_ours || die "port $REDIS_PORT is used by another redis; set METRICS_HUB_REDIS_PORT"
    log "redis already running on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  if [ -f "$REDIS_PIDFILE" ]; then
    log "removing stale redis pidfile"
    rm -f "$REDIS_PIDFILE"
  fi
  log "starting redis on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" --dir "$REDIS_DIR" \
    --save "" --appendonly no --protected-mode yes >/dev/null 9>&- \
    || { show_log_tail "$REDIS_LOG"; die "redis-server failed to launch"; }
  local i=0
  until redis_ping; do
    i=$((i + 1))
    if [ "$i" -ge $((WAIT_SECS * 5)) ]; then
      show_log_tail "$REDIS_LOG"
      die "redis did not answer PING within ${WAIT_SECS}s"
    fi
    sleep 0.2
  done
}

redis_down() {
  if redis_ping && redis_is_ours; then
    log "stopping redis"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    local i=0
    while redis_ping; do
      i=$((i + 1))
      [ "$i" -ge $((WAIT_SECS * 5)) ] && die "redis did not stop"
      sleep 0.2
    done
  else
    log "redis not running"
  fi
  rm -f "$REDIS_PIDFILE"
}

# -------------------------------------------------------------- commands ----

# Serialize concurrent up/down calls, for example from parallel test runners.
# The daemons are started with fd 9 closed ("9>&-"). Otherwise they would
# inherit the lock and hold it for as long as they run.
take_lock() {
  ( umask 022; mkdir -p "$STACK" )
  exec 9>"$STACK/.lock"
  flock -w 120 9 || die "timed out waiting for another stack.sh to finish"
}

cmd_up() {
  take_lock
  ensure_packages
  resolve_pg_paths announce
  pg_up
  redis_up
  log "ready: postgres 127.0.0.1:$PG_PORT, redis 127.0.0.1:$REDIS_PORT"
}

cmd_down() {
  [ -d "$STACK" ] || { log "nothing to stop ($STACK does not exist)"; return 0; }
  take_lock
  resolve_pg_paths
  if [ -x "$PG_BIN/pg_ctl" ]; then pg_down; fi
  if command -v redis-cli >/dev/null 2>&1; then redis_down; fi
}

cmd_status() {
  local ok=0
  resolve_pg_paths
  if [ -x "$PG_BIN/pg_ctl" ] && pg_running && pg_ready; then
    echo "postgres: running (127.0.0.1:$PG_PORT, data $PGDATA_DIR)"
  else
    echo "postgres: not running"; ok=1
  fi
  if command -v redis-cli >/dev/null 2>&1 && redis_ping; then
    echo "redis:    running (127.0.0.1:$REDIS_PORT)"
  else
    echo "redis:    not running"; ok=1
  fi
  return "$ok"
}

cmd_env() {
  cat <<EOF
export APP_DATABASE__URL='postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB'
export APP_REDIS__URL='redis://127.0.0.1:$REDIS_PORT'
export TEST_DATABASE_ADMIN_URL='postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres'
export TEST_REDIS_URL='redis://127.0.0.1:$REDIS_PORT'
EOF
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: $0 {up|down|status|env}" >&2; exit 2 ;;
esac
