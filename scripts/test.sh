#!/usr/bin/env bash
# The whole test suite against a real PostgreSQL and Redis that it starts and stops; everything
# it creates lives in one folder removed at the end, whatever the outcome.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv requirements-dev.txt
ensure_services
ensure_chromium
compile_messages
make_run_dir test
start_postgres
start_redis
export DJANGO_SETTINGS_MODULE=mpaspor.settings.test
# Uploads, static files and every temporary file of the suite live in the run's folder.
export PRIVATE_MEDIA_ROOT="$RUN_DIR/private" STATIC_ROOT="$RUN_DIR/static" TMPDIR="$RUN_DIR/tmp"

log "ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
log "migrations are up to date"
"$PY" manage.py makemigrations --check --dry-run >/dev/null
log "pytest"
"$PY" -m pytest "$@"

