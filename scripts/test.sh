#!/usr/bin/env bash
# The whole test suite against a real PostgreSQL and Redis that it starts and stops.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv requirements-dev.txt
ensure_services
ensure_chromium
compile_messages
trap stop_services EXIT
start_postgres
start_redis
export DJANGO_SETTINGS_MODULE=mpaspor.settings.test

log "ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
log "migrations are up to date"
"$PY" manage.py makemigrations --check --dry-run >/dev/null
log "pytest"
"$PY" -m pytest "$@"
