#!/usr/bin/env bash
# `make e2e`: the black-box run. An installation as an operator makes it (a virtual environment
# from requirements.txt alone, the production settings, gunicorn, a Celery worker and a Celery
# beat, PostgreSQL and Redis), driven over HTTP only by tests/e2e/drive.py, which prints one line
# per check. Everything lives in one temporary folder that is removed, and every process started
# here is stopped, on success, failure and Ctrl-C.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
STARTED=$SECONDS
E2E_VENV="${E2E_VENV:-$ROOT/.venv-e2e}"
ensure_venv requirements-dev.txt                # the driver's Python (it needs the standard library and Pillow)
ensure_venv requirements.txt "$E2E_VENV" fresh  # the installation: requirements.txt and nothing else
ensure_services

on_cleanup() {  # on failure: the end of every log, before the run's folder goes
  local file
  [ "$1" = 0 ] && return 0
  for file in "$RUN_DIR"/logs/*.log "$RUN_DIR"/redis/redis.log; do
    [ -s "$file" ] || continue
    printf '\n\033[1m--- the end of %s\033[0m\n' "${file#"$RUN_DIR"/}" >&2
    # Warnings and errors first (the INFO lines of a busy worker would hide them), then the last lines.
    grep -E "WARNING|ERROR|CRITICAL|Traceback|Error:|\" 5[0-9][0-9] " "$file" | tail -n "${E2E_LOG_LINES:-20}" >&2 || true
    echo "..." >&2
    tail -n 5 "$file" >&2
  done
  if [ -n "${E2E_SAVE_LOGS:-}" ]; then mkdir -p "$E2E_SAVE_LOGS" && cp -r "$RUN_DIR/logs" "$E2E_SAVE_LOGS/"; fi
  printf '\n\033[1;31me2e FAILED after %ss\033[0m\n' "$((SECONDS - STARTED))" >&2
}
make_run_dir e2e
mkdir -p "$RUN_DIR/logs" "$RUN_DIR/mail" "$RUN_DIR/private" "$RUN_DIR/static"
start_postgres
start_redis
export TMPDIR="$RUN_DIR/tmp"

secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(48))'; }  # 64 random characters
E2E_PORT="$(free_port)"
export DJANGO_SETTINGS_MODULE=mpaspor.settings.production
export DJANGO_SECRET_KEY="$(secret)" JWT_SIGNING_KEY="$(secret)" PAYMENT_WEBHOOK_SECRET="$(secret)" POS_WEBHOOK_SECRET="$(secret)"
export ALLOWED_HOSTS="127.0.0.1" SITE_URL="http://127.0.0.1:$E2E_PORT"
export DEBUG=false SECURE_COOKIES=false  # plain http on loopback; everything else as in production
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH="$RUN_DIR/mail"
export PRIVATE_MEDIA_ROOT="$RUN_DIR/private" STATIC_ROOT="$RUN_DIR/static" LOG_LEVEL=INFO
export REQUIRE_VERIFIED_EMAIL=true
# Production requires PT Pos's address and key. This run ships no parcel: the address is a closed
# loopback port, so a call to PT Pos would answer 503 pos_unavailable rather than reach anything.
export POS_API_URL="http://127.0.0.1:9/pt-pos" POS_API_KEY="$(secret)"
# Short deadlines and beat intervals so that expiry and the outbox are seen within seconds.
export BILL_TTL_SECONDS="${E2E_BILL_TTL:-20}" SWEEP_INTERVAL_SECONDS=2 NOTIFY_INTERVAL_SECONDS=2
# Production's limits per account stay. Those per network address are sized for many people
# behind one carrier NAT; here every simulated person (about 30, booking and reading at once for
# 30 seconds) comes from 127.0.0.1, so only those two are raised.
export RATE_LIMITS="read_address=100000/min,booking_address=100000/hour"
export E2E_RUN_DIR="$RUN_DIR" E2E_VENV E2E_PORT E2E_REDIS_PORT="$REDIS_PORT" E2E_WEB_WORKERS="${E2E_WEB_WORKERS:-4}"
for name in DJANGO_SETTINGS_MODULE DJANGO_SECRET_KEY JWT_SIGNING_KEY PAYMENT_WEBHOOK_SECRET POS_WEBHOOK_SECRET ALLOWED_HOSTS SITE_URL \
  DEBUG SECURE_COOKIES EMAIL_BACKEND EMAIL_FILE_PATH PRIVATE_MEDIA_ROOT STATIC_ROOT LOG_LEVEL REQUIRE_VERIFIED_EMAIL \
  POS_API_URL POS_API_KEY \
  BILL_TTL_SECONDS SWEEP_INTERVAL_SECONDS NOTIFY_INTERVAL_SECONDS RATE_LIMITS DATABASE_URL REDIS_URL TMPDIR \
  E2E_RUN_DIR E2E_VENV E2E_PORT E2E_REDIS_PORT E2E_WEB_WORKERS; do
  printf 'export %s=%q\n' "$name" "${!name}"
done >"$RUN_DIR/e2e.env"

log "installing as an operator: migrate, collectstatic, reference data (from $E2E_VENV)"
"$E2E_VENV/bin/python" manage.py migrate --noinput -v0
"$E2E_VENV/bin/python" manage.py collectstatic --noinput -v0
"$E2E_VENV/bin/python" manage.py loaddata -v0 tests/e2e/office.json  # a small office: 8 places a session
"$E2E_VENV/bin/python" manage.py load_offices

log "starting gunicorn ($E2E_WEB_WORKERS sync workers), a Celery worker and Celery beat"
tests/e2e/control.sh start-worker &
WORKER_START=$!
tests/e2e/control.sh start-beat &
BEAT_START=$!
tests/e2e/control.sh start-gunicorn
wait "$WORKER_START"
wait "$BEAT_START"
log "ready after $((SECONDS - STARTED))s on $SITE_URL; driving it over HTTP"

# The driver runs in the background so that Ctrl-C or a TERM stops the run at once (cleanup_run
# stops the driver too); it gets the address, the mail folder, the gateway's key and the
# operator's hands (control.sh), nothing of the installation's insides.
start_bg driver - env E2E_BASE_URL="$SITE_URL" E2E_MAIL_DIR="$EMAIL_FILE_PATH" \
  E2E_PAYMENT_SECRET="$PAYMENT_WEBHOOK_SECRET" E2E_BILL_TTL="$BILL_TTL_SECONDS" E2E_OFFICE=e2e-lab \
  E2E_CONTROL="$ROOT/tests/e2e/control.sh" "$PY" -u tests/e2e/drive.py
wait "$(cat "$RUN_DIR/pids/driver.pid")"
rm -f "$RUN_DIR/pids/driver.pid"
printf '\033[1;32me2e passed in %ss\033[0m\n' "$((SECONDS - STARTED))"
