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

ensure_venv() {
  local requirements="$1" stamp
  if [ ! -x "$PY" ]; then
    log "creating virtual environment in $VENV"
    python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$VENV"; }
  fi
  stamp="$VENV/.installed-$(cat "$ROOT/requirements.txt" "$ROOT/$requirements" | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    log "installing Python packages from $requirements"
    "$PY" -m pip install -q --disable-pip-version-check -r "$ROOT/$requirements" 2>&1 | grep -v "^WARNING: Location" || true
    "$PY" -c "import django, rest_framework, celery, PIL" || { echo "package installation failed" >&2; exit 1; }
    touch "$stamp"
  fi
}

ensure_gettext() {
  command -v msgfmt >/dev/null || apt_install gettext
}

compile_messages() {
  ensure_gettext
  (cd "$ROOT" && "$PY" manage.py compilemessages -v0 --ignore ".venv" --ignore "node_modules")
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
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

# Starts a throwaway PostgreSQL cluster on a free loopback port. initdb refuses to run as
# root, so as root the cluster belongs to an unprivileged system user.
start_postgres() {
  local bindir port owner
  bindir="$(pg_bindir)"
  port="$(free_port)"
  PG_DIR="$(mktemp -d /tmp/mpaspor-pg.XXXXXX)"
  owner="$(id -un)"
  if [ "$(id -u)" = 0 ]; then
    owner=postgres
    id -u "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    chown "$owner" "$PG_DIR"
  fi
  run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$owner" -- "$@"; else "$@"; fi; }
  run_pg "$bindir/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
    || run_pg "$bindir/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 >/dev/null
  run_pg "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 start -o \
    "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=256MB" >/dev/null
  PG_STOP="run_pg $bindir/pg_ctl -D $PG_DIR/data -m immediate stop"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  log "PostgreSQL on 127.0.0.1:$port"
}

start_redis() {
  local port
  port="$(free_port)"
  REDIS_DIR="$(mktemp -d /tmp/mpaspor-redis.XXXXXX)"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$REDIS_DIR" \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$port/0"
  log "Redis on 127.0.0.1:$port"
}

stop_services() {
  set +e
  if [ -n "${PG_STOP:-}" ]; then eval "$PG_STOP" >/dev/null 2>&1; rm -rf "$PG_DIR"; fi
  if [ -n "${REDIS_DIR:-}" ] && [ -f "$REDIS_DIR/redis.pid" ]; then kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null; rm -rf "$REDIS_DIR"; fi
}
