#!/usr/bin/env bash
# The operator's hands during the black-box run (scripts/e2e.sh): start, kill and restart the
# processes of the installation and stop or start Redis. Used by e2e.sh and by the driver
# (tests/e2e/drive.py), never by a check itself. Reads the run's settings from
# $E2E_RUN_DIR/e2e.env, written by e2e.sh.
#
#   control.sh start-gunicorn | start-worker | start-beat   start and wait until it is ready
#   control.sh kill-worker                                  kill -9 the worker and its pool
#   control.sh worker-pid                                   the running worker's process id
#   control.sh redis-stop | redis-start                     shutdown nosave; start on the same port and folder
#   control.sh open-draw DATE SECONDS [OFFICE]              open that day's draw by hand (manage.py draw_open) for
#                                                           SECONDS; prints the release's public record (JSON)
source "$(dirname "$0")/../../scripts/lib.sh"
: "${E2E_RUN_DIR:?set by scripts/e2e.sh}"
source "$E2E_RUN_DIR/e2e.env"
RUN_DIR="$E2E_RUN_DIR"  # no traps here: the run's folder belongs to e2e.sh
cd "$ROOT"

# wait_ready NAME LOGFILE PATTERN SECONDS: until PATTERN appears in LOGFILE; fail loudly if the
# process dies or the time runs out.
wait_ready() {
  local name="$1" logfile="$2" pattern="$3" seconds="$4"
  for _ in $(seq $((seconds * 5))); do
    grep -q -- "$pattern" "$logfile" 2>/dev/null && return 0
    if ! bg_alive "$name"; then
      echo "e2e: $name exited before it was ready; the end of $logfile:" >&2
      tail -n 40 "$logfile" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "e2e: $name was not ready after ${seconds}s; the end of $logfile:" >&2
  tail -n 40 "$logfile" >&2
  return 1
}

next_log() {  # next_log NAME: a new log file for each start, so readiness is read from this one
  local n=1
  while [ -e "$RUN_DIR/logs/$1-$n.log" ]; do n=$((n + 1)); done
  echo "$RUN_DIR/logs/$1-$n.log"
}

case "${1:-}" in
  start-gunicorn)
    logfile="$(next_log gunicorn)"
    start_bg gunicorn "$logfile" "$E2E_VENV/bin/gunicorn" mpaspor.wsgi:application --bind "127.0.0.1:$E2E_PORT" \
      --workers "$E2E_WEB_WORKERS" --worker-class sync --timeout 60 --graceful-timeout 5 \
      --access-logfile - --error-logfile - --log-level info
    for _ in $(seq 150); do
      "$E2E_VENV/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
        "$SITE_URL/health/" 2>/dev/null && exit 0
      bg_alive gunicorn || break
      sleep 0.2
    done
    echo "e2e: gunicorn does not answer $SITE_URL/health/; the end of $logfile:" >&2
    tail -n 40 "$logfile" >&2
    exit 1
    ;;
  start-worker)
    logfile="$(next_log worker)"
    start_bg worker "$logfile" "$E2E_VENV/bin/celery" -A mpaspor worker --loglevel INFO --concurrency 2 \
      --hostname "e2e-$(basename "$logfile" .log)@%h"
    wait_ready worker "$logfile" " ready." 90
    ;;
  start-beat)
    logfile="$(next_log beat)"
    start_bg beat "$logfile" "$E2E_VENV/bin/celery" -A mpaspor beat --loglevel INFO --schedule "$RUN_DIR/beat-schedule"
    wait_ready beat "$logfile" "beat: Starting" 60
    ;;
  kill-worker)
    stop_bg worker KILL
    ;;
  worker-pid)
    cat "$RUN_DIR/pids/worker.pid"
    ;;
  redis-stop)
    redis_down "$E2E_REDIS_PORT"
    ;;
  redis-start)
    redis_up "$E2E_REDIS_PORT"
    ;;
  open-draw)
    : "${2:?usage: $0 open-draw DATE SECONDS [OFFICE]}" "${3:?usage: $0 open-draw DATE SECONDS [OFFICE]}"
    "$E2E_VENV/bin/python" manage.py draw_open --office "${4:-e2e-lab}" --date "$2" --seconds "$3"
    ;;
  *)
    echo "usage: $0 start-gunicorn|start-worker|start-beat|kill-worker|worker-pid|redis-stop|redis-start|open-draw DATE SECONDS [OFFICE]" >&2
    exit 2
    ;;
esac
