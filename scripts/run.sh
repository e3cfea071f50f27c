#!/usr/bin/env bash
# The portal with demo data on SQLite, no other service needed.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv requirements.txt
compile_messages
export DEBUG="${DEBUG:-1}"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py seed_demo
log "serving on http://${HOST:-127.0.0.1}:${PORT:-8000}/ (Ctrl-C to stop)"
exec "$PY" manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
