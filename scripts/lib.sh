# Shared helpers for the Makefile's scripts. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi
}

apt_install() {
  log "installing with apt-get: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ensure_venv REQUIREMENTS [VENV_DIR [fresh]]: a virtual environment with that file installed,
# skipped when a stamp says the same requirements were installed before. With `fresh`, a changed
# file means a new environment from nothing, so a package dropped from the file is gone too.
ensure_venv() {
  local requirements="$1" venv="${2:-$VENV}" fresh="${3:-}" python stamp
  python="$venv/bin/python"
  stamp="$venv/.installed-$(cat "$ROOT/requirements.txt" "$ROOT/$requirements" | sha256sum | cut -c1-16)"
  if [ -n "$fresh" ] && [ -d "$venv" ] && [ ! -f "$stamp" ]; then
    log "requirements changed: removing $venv to install from nothing"
    rm -rf "$venv"
  fi
  if [ ! -x "$python" ]; then
    log "creating virtual environment in $venv"
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$venv"; }
  fi
  if [ ! -f "$stamp" ]; then
    log "installing Python packages from $requirements into $venv"
    "$python" -m pip install -q --disable-pip-version-check -r "$ROOT/$requirements" 2>&1 | grep -v "^WARNING: Location" || true
    "$python" -c "import django, rest_framework, celery, PIL" || { echo "package installation failed" >&2; exit 1; }
    touch "$stamp"
  fi
}

ensure_gettext() {
  command -v msgfmt >/dev/null || apt_install gettext
}

compile_messages() {
  ensure_gettext
  (cd "$ROOT" && "$PY" manage.py compilemessages -v0 --ignore ".venv" --ignore ".venv-e2e" --ignore "node_modules")
}

# The audit asks PyPI's vulnerability data about every pinned runtime package. A report, not a
# gate: it prints what it finds (a new advisory must not turn an unrelated change red) and, where
# the vulnerability service cannot be reached, says the audit was skipped rather than passed.
audit_dependencies() {
  local out status=0
  out="$(timeout 120 "$VENV/bin/pip-audit" -r "$ROOT/requirements.txt" --no-deps --disable-pip \
    --progress-spinner off 2>&1)" || status=$?
  local pinned unaudited
  pinned="$(grep -c '==' "$ROOT/requirements.txt")"
  unaudited="$(grep -c 'could not be audited' <<<"$out" || true)"
  if [ "$unaudited" -ge "$pinned" ] || grep -q "ConnectionError\|Max retries exceeded" <<<"$out"; then
    echo "dependency audit skipped: the vulnerability service is not reachable from here" >&2
  elif [ "$status" = 124 ]; then
    echo "dependency audit skipped: no answer within 120 s" >&2
  else
    printf '%s\n' "$out" | tail -40 >&2
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_bindir() {
  local dir
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  command -v initdb >/dev/null && dirname "$(command -v initdb)"
}

ensure_services() {
  [ -n "$(pg_bindir)" ] || apt_install postgresql postgresql-contrib
  command -v redis-server >/dev/null || apt_install redis-server
}

ensure_chromium() {
  command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || apt_install chromium
}

# --- One folder per run, removed afterwards --------------------------------------------------
# Everything a run creates (PostgreSQL's cluster, Redis, uploads, static files, logs, temporary
# files) lives in RUN_DIR; cleanup_run stops what the run started and removes the folder on
# success, failure, Ctrl-C or kill (a script may define on_cleanup STATUS to run first, to
# show logs, say). Background processes are started with start_bg, each in
# its own process group, so stopping one stops its children too.
RUN_DIR=""
PG_STOP=""
PG_PORT=""
REDIS_PORT=""

make_run_dir() {  # make_run_dir NAME: creates RUN_DIR and installs the traps
  RUN_DIR="$(mktemp -d "/tmp/mpaspor-$1.XXXXXX")"
  chmod 755 "$RUN_DIR"  # PostgreSQL's unprivileged owner must reach its data folder inside
  mkdir -p "$RUN_DIR/pids" "$RUN_DIR/tmp"
  trap _exit_trap EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

# start_bg NAME LOGFILE COMMAND...: run COMMAND in the background in a process group of its
# own, its output appended to LOGFILE (or, with -, where the script's goes); its id is kept in
# RUN_DIR/pids/NAME.pid for stop_bg and cleanup_run.
start_bg() {
  local name="$1" logfile="$2"
  shift 2
  if [ "$logfile" = - ]; then setsid "$@" </dev/null & else setsid "$@" >>"$logfile" 2>&1 </dev/null & fi
  echo "$!" >"$RUN_DIR/pids/$name.pid"
}

# stop_bg NAME [SIGNAL]: TERM the process group (KILL after 15 s), or send SIGNAL at once.
stop_bg() {
  local file="$RUN_DIR/pids/$1.pid" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if [ -n "${2:-}" ]; then
    kill -"$2" -- "-$pid" 2>/dev/null || true
  else
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

bg_alive() {  # bg_alive NAME: the process started under NAME still runs
  [ -f "$RUN_DIR/pids/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/pids/$1.pid")" 2>/dev/null
}

# Starts a throwaway PostgreSQL cluster on a free loopback port in RUN_DIR/pg. initdb refuses
# to run as root, so as root the cluster belongs to an unprivileged system user.
PG_OWNER="$(id -un)"
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$PG_OWNER" -- "$@"; else "$@"; fi; }

# PG_DURABLE=1: fsync, synchronous_commit and full_page_writes on, as in production (the bench);
# by default they are off, since a throwaway test cluster need not survive a power cut.
start_postgres() {
  local bindir port dir="$RUN_DIR/pg" durability="off"
  [ "${PG_DURABLE:-0}" = 1 ] && durability="on"
  bindir="$(pg_bindir)"
  port="$(free_port)"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    PG_OWNER=postgres
    id -u "$PG_OWNER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OWNER"
    chown "$PG_OWNER" "$dir"
  fi
  run_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
    || run_pg "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >/dev/null
  PG_STOP="$bindir/pg_ctl -D $dir/data -m immediate stop"
  run_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start -o \
    "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=$durability -c synchronous_commit=$durability -c full_page_writes=$durability -c max_connections=300 -c shared_buffers=256MB" >/dev/null
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  PG_PORT="$port" PG_SOCKET_DIR="$dir"
  log "PostgreSQL on 127.0.0.1:$port (fsync, synchronous_commit, full_page_writes: $durability)"
}

# start_pgbouncer: PgBouncer in transaction pooling mode in front of start_postgres's cluster,
# on a free loopback port in RUN_DIR/pgbouncer; DATABASE_URL then points at it (Django needs
# DATABASE_POOLER=pgbouncer-transaction, see mpaspor/settings/base.py). PgBouncer refuses to
# run as root, so as root it runs as the cluster's owner.
start_pgbouncer() {
  local port dir="$RUN_DIR/pgbouncer"
  command -v pgbouncer >/dev/null || apt_install pgbouncer
  port="$(free_port)"
  mkdir -p "$dir"
  printf '"postgres" ""\n' >"$dir/users.txt"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
postgres = host=127.0.0.1 port=$PG_PORT dbname=postgres user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
pool_mode = transaction
default_pool_size = ${PGBOUNCER_POOL_SIZE:-20}
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits,options
logfile = $dir/pgbouncer.log
INI
  if [ "$(id -u)" = 0 ]; then
    chown -R "$PG_OWNER" "$dir"
    start_bg pgbouncer - runuser -u "$PG_OWNER" -- pgbouncer "$dir/pgbouncer.ini"
  else
    start_bg pgbouncer - pgbouncer "$dir/pgbouncer.ini"
  fi
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  log "PgBouncer (transaction pooling, ${PGBOUNCER_POOL_SIZE:-20} server connections) on 127.0.0.1:$port"
}

# start_haproxy PORT BACKEND_PORT...: HAProxy on 127.0.0.1:PORT spreading HTTP requests over
# the given loopback ports (least connections first), its configuration in RUN_DIR/haproxy.
start_haproxy() {
  local port="$1" dir="$RUN_DIR/haproxy" backend i=0
  shift
  command -v haproxy >/dev/null || apt_install haproxy
  mkdir -p "$dir"
  {
    printf 'global\n  maxconn 4096\n\ndefaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n'
    printf '  timeout server 60s\n  timeout queue 30s\n  option http-keep-alive\n\n'
    printf 'frontend portal\n  bind 127.0.0.1:%s\n  default_backend nodes\n\n' "$port"
    printf 'backend nodes\n  balance leastconn\n'
    for backend in "$@"; do i=$((i + 1)); printf '  server node%s 127.0.0.1:%s\n' "$i" "$backend"; done
  } >"$dir/haproxy.cfg"
  haproxy -c -q -f "$dir/haproxy.cfg"
  start_bg haproxy "$dir/haproxy.log" haproxy -db -f "$dir/haproxy.cfg"
  log "HAProxy on 127.0.0.1:$port in front of $*"
}

# redis_up PORT: (re)start Redis on that port with its folder RUN_DIR/redis, as at the first start.
redis_up() {
  mkdir -p "$RUN_DIR/redis"
  redis-server --port "$1" --bind 127.0.0.1 --save "" --appendonly no --dir "$RUN_DIR/redis" \
    --daemonize yes --pidfile "$RUN_DIR/redis/redis.pid" --logfile "$RUN_DIR/redis/redis.log" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "Redis did not start on port $1" >&2
  return 1
}

redis_down() {  # redis_down PORT: stop Redis at once, as a crash would, without saving
  redis-cli -p "$1" shutdown nosave >/dev/null 2>&1 || true
  for _ in $(seq 50); do redis-cli -p "$1" ping >/dev/null 2>&1 || return 0; sleep 0.1; done
}

start_redis() {
  REDIS_PORT="$(free_port)"
  redis_up "$REDIS_PORT"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  log "Redis on 127.0.0.1:$REDIS_PORT"
}

stop_services() {
  if [ -n "$PG_STOP" ]; then run_pg $PG_STOP >/dev/null 2>&1 || true; PG_STOP=""; fi
  if [ -n "$REDIS_PORT" ]; then
    redis_down "$REDIS_PORT"
    # A Redis that no longer answers but still runs (it was restarted on another port, say).
    [ -f "$RUN_DIR/redis/redis.pid" ] && kill "$(cat "$RUN_DIR/redis/redis.pid")" 2>/dev/null
    REDIS_PORT=""
  fi
  return 0
}

# Stops every background process of the run, then PostgreSQL and Redis, and removes RUN_DIR.
# Safe to call more than once; the scripts call it early to free the machine for what follows.
cleanup_run() {
  local - file
  set +e
  if [ -n "$RUN_DIR" ] && [ -d "$RUN_DIR/pids" ]; then
    for file in "$RUN_DIR"/pids/*.pid; do [ -f "$file" ] && stop_bg "$(basename "$file" .pid)"; done
  fi
  wait 2>/dev/null
  stop_services
  if [ -n "$RUN_DIR" ]; then rm -rf "$RUN_DIR"; RUN_DIR=""; fi
  return 0
}

_exit_trap() {  # the run's exit status is kept; nothing in here may stop the cleanup halfway
  local status=$?
  set +e +o pipefail
  trap - EXIT INT TERM HUP
  [ "$(type -t on_cleanup)" = function ] && on_cleanup "$status"
  cleanup_run
  exit "$status"
}
