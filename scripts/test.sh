#!/usr/bin/env bash
# The whole test suite against a real PostgreSQL and Redis that it starts and stops, then the
# black-box run of a production-style install (scripts/e2e.sh). Arguments go to pytest; with
# arguments the black-box run is skipped unless E2E=1 (E2E=0 skips it always).
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
log "the apps import only the layers below them (import-linter)"
"$VENV/bin/lint-imports" --no-cache >/dev/null || "$VENV/bin/lint-imports" --no-cache
log "migrations are up to date"
"$PY" manage.py makemigrations --check --dry-run >/dev/null
log "dependency audit of requirements.txt (pip-audit)"
audit_dependencies
log "pytest"
# Two processes by default (the machine has two cores): each has its own test database and
# Redis database (mpaspor/settings/test.py). PYTEST_WORKERS=0 runs everything in this process.
"$PY" -m pytest -n "${PYTEST_WORKERS:-2}" "$@"

if [ "${E2E:-}" = 1 ] || { [ "${E2E:-}" != 0 ] && [ $# = 0 ]; }; then
  cleanup_run  # the suite's PostgreSQL and Redis are not needed any more
  env -u TMPDIR -u PRIVATE_MEDIA_ROOT -u STATIC_ROOT -u DJANGO_SETTINGS_MODULE -u DATABASE_URL -u REDIS_URL \
    "$ROOT/scripts/e2e.sh"
fi
