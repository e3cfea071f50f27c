#!/usr/bin/env bash
# `make bench`: the portal as in production (gunicorn, PostgreSQL, Redis, Celery worker and
# beat, all on loopback, RATE_LIMITS=off), a quota opening replayed by wrk, and the figures
# in bench/results/latest.json with a chart (latest.png) beside it (latest-2-nodes.* with BENCH_NODES=2).
#
# Phases, all against the same server: a rush (half the crowd refreshes the availability
# while the other half books the newly released day, at once), then ROUNDS interleaved
# rounds of health / availability / booking at full concurrency. Ratios are per round and
# the median is reported: on a shared 2-core machine the CPU budget drifts within seconds.
source "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
ensure_venv requirements.txt
ensure_services
command -v wrk >/dev/null || apt_install wrk
compile_messages

CLIENTS="${BENCH_CLIENTS:-64}"
RUSH_SECONDS="${BENCH_RUSH_SECONDS:-10}"
ROUND_SECONDS="${BENCH_ROUND_SECONDS:-3}"
ROUNDS="${BENCH_ROUNDS:-6}"
WORKERS="${BENCH_WORKERS:-9}"
NODES="${BENCH_NODES:-1}"  # 2: two gunicorn nodes of NODE_WORKERS behind HAProxy, PgBouncer before PostgreSQL
NODE_WORKERS="${BENCH_NODE_WORKERS:-5}"
[ "$NODES" = 1 ] || [ "$NODES" = 2 ] || { echo "BENCH_NODES must be 1 or 2" >&2; exit 2; }
WRK_THREADS=2
make_run_dir bench  # everything below lives in RUN_DIR, stopped and removed at exit (scripts/lib.sh)
PG_DURABLE=1 start_postgres  # fsync, synchronous_commit, full_page_writes on, as in production
start_redis

export DJANGO_SETTINGS_MODULE=mpaspor.settings.production
secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(48))'; }  # 64 random characters
export DJANGO_SECRET_KEY="$(secret)" JWT_SIGNING_KEY="$(secret)"
export ALLOWED_HOSTS="127.0.0.1,localhost" SITE_URL="http://127.0.0.1"  # links in e-mails only; none is read
export PAYMENT_WEBHOOK_SECRET="$(secret)" POS_WEBHOOK_SECRET="$(secret)"
# Production requires these; the bench sends no e-mail it reads and ships no parcel (PT Pos is a
# closed loopback port). REDIS_URL comes from start_redis.
export EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
export POS_API_URL="http://127.0.0.1:9/pt-pos" POS_API_KEY="$(secret)"
export DEBUG=false RATE_LIMITS=off SECURE_COOKIES=0 JWT_ACCESS_MINUTES=120 LOG_LEVEL=WARNING
export PRIVATE_MEDIA_ROOT="$RUN_DIR/private" CONN_MAX_AGE=600

log "migrating and preparing the crowd"
"$PY" manage.py migrate --noinput -v0
BENCH_APPLICANTS="${BENCH_APPLICANTS:-30000}" "$PY" bench/prepare.py

if [ "$NODES" = 2 ]; then
  # Everything from here on goes through PgBouncer (transaction pooling); migrations and the
  # preparation above went straight to PostgreSQL.
  start_pgbouncer
  export DATABASE_POOLER=pgbouncer-transaction
  WORKERS="$NODE_WORKERS"
fi
# Sync workers (4 x cores + 1) behind the kernel's accept queue: the fairest tail latency
# under a closed-loop crowd here (gthread measured worse p99; with 5 workers readers wait
# behind bookings that wait on PostgreSQL; see README).
NODE_URLS=()
for node in $(seq "$NODES"); do
  node_port="$(free_port)"
  start_bg "gunicorn$node" - "$VENV/bin/gunicorn" mpaspor.wsgi:application --bind "127.0.0.1:$node_port" \
    --workers "$WORKERS" --worker-class sync --backlog 2048 --log-level warning
  NODE_URLS+=("http://127.0.0.1:$node_port")
done
start_bg celery "$RUN_DIR/celery.log" "$PY" -m celery -A mpaspor worker --beat --concurrency 1 --loglevel WARNING \
  --schedule "$RUN_DIR/beat-schedule" --without-mingle --without-gossip
for node_url in "${NODE_URLS[@]}"; do
  for _ in $(seq 100); do curl -sf "$node_url/health/" >/dev/null && break; sleep 0.2; done
done
if [ "$NODES" = 2 ]; then
  PORT="$(free_port)"
  start_haproxy "$PORT" "${NODE_URLS[0]##*:}" "${NODE_URLS[1]##*:}"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health/" >/dev/null && break; sleep 0.1; done
  URL="http://127.0.0.1:$PORT"
else
  URL="${NODE_URLS[0]}"
fi
log "$NODES node(s) of $WORKERS sync workers, the crowd on $URL; $CLIENTS clients"

APPLICANTS="${BENCH_APPLICANTS:-30000}"
SLICE=$((APPLICANTS / (ROUNDS + 1)))
phase() {  # output-name mode clients seconds [slice]: booking phases get their own applicants
  local first=$(( ${5:-0} * SLICE + 1 )) last=$(( (${5:-0} + 1) * SLICE ))
  wrk -t"$WRK_THREADS" -c"$3" -d"${4}s" --latency --timeout 10s \
    -s bench/wrk.lua "$URL" -- "$2" bench-office "$WRK_THREADS" "$first" "$last" | tail -n 1 >"$RUN_DIR/$1.json"
}
group() {  # group NAME: "first last" of that group's lines in applicants.txt (bench/prepare.py)
  awk -v g="$1" '$1 == g {print $2, $3}' bench/tmp/layout.txt
}
wrk -t2 -c"$CLIENTS" -d2s "$URL/health/" >/dev/null
wrk -t2 -c"$CLIENTS" -d2s "$URL/api/v1/offices/bench-office/availability/" >/dev/null

log "rush: $((CLIENTS / 2)) clients reading, $((CLIENTS / 2)) booking, ${RUSH_SECONDS}s"
if [ -n "${BENCH_PROFILE:-}" ]; then
  # py-spy samples every gunicorn worker during the rush; the flamegraph shows the hot paths.
  "$VENV/bin/python" -m pip install -q py-spy >/dev/null 2>&1 || true
  "$VENV/bin/py-spy" record --nonblocking --subprocesses --pid "$(cat "$RUN_DIR/pids/gunicorn1.pid")" --duration "$RUSH_SECONDS" --rate 100 \
    --format raw --output bench/results/profile-rush.txt >/dev/null 2>&1 &
  SPY=$!
fi
phase rush_reads availability $((CLIENTS / 2)) "$RUSH_SECONDS" &
READS=$!
phase rush_bookings booking $((CLIENTS / 2)) "$RUSH_SECONDS" 0
wait "$READS"
for round in $(seq "$ROUNDS"); do
  for mode in health availability booking; do
    phase "round${round}_${mode}" "$mode" "$CLIENTS" "$ROUND_SECONDS" "$round"
  done
  log "round $round: $(for m in health availability booking; do printf '%s %s  ' "$m" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d["requests"]*1e6/d["duration_us"]))' "$RUN_DIR/round${round}_${m}.json")"; done)"
done

[ -n "${SPY:-}" ] && wait "$SPY"  # the profiler still writing

# The draw: every applicant of the draw group enters bench-draw's day at 64 clients (bots
# re-send theirs ten times as often) while 16 others read its availability; then the window
# closes and the draw is made. The health check just before is its yardstick.
if [ -f bench/tmp/draw.txt ]; then
  read -r DRAW_OFFICE DRAW_DATE _ <bench/tmp/draw.txt
  read -r first last <<<"$(group draw)"
  phase draw_health health "$CLIENTS" "$ROUND_SECONDS"
  log "draw: $((last - first + 1)) applicants enter $DRAW_OFFICE $DRAW_DATE at $CLIENTS clients, 16 read"
  wrk -t1 -c16 -d"${BENCH_DRAW_SECONDS:-600}s" --latency --timeout 10s -s bench/wrk.lua "$URL" -- availability "$DRAW_OFFICE" 1 \
    >"$RUN_DIR/draw_reads.out" &
  READS=$!
  rm -f bench/tmp/entries-done
  wrk -t1 -c"$CLIENTS" -d"${BENCH_DRAW_SECONDS:-600}s" --latency --timeout 10s -s bench/wrk.lua "$URL" -- \
    entry "$DRAW_OFFICE" 1 "$first" "$last" >"$RUN_DIR/draw_entries.out" &
  ENTRIES=$!
  while [ ! -f bench/tmp/entries-done ] && kill -0 "$ENTRIES" 2>/dev/null; do sleep 0.1; done
  kill -INT "$ENTRIES" 2>/dev/null || true  # wrk runs until -d is up unless interrupted
  wait "$ENTRIES" || true
  tail -n 1 "$RUN_DIR/draw_entries.out" >"$RUN_DIR/draw_entries.json"
  kill -INT "$READS" 2>/dev/null || true  # wrk prints its summary when interrupted
  wait "$READS" || true
  tail -n 1 "$RUN_DIR/draw_reads.out" >"$RUN_DIR/draw_reads.json"
  log "draw: $(cat "$RUN_DIR/draw_entries.json")"
  "$PY" manage.py draw_allocate --office "$DRAW_OFFICE" --date "$DRAW_DATE" --close-now | tail -n 1 \
    >"$RUN_DIR/draw_allocate.json"
  log "draw made: $(cat "$RUN_DIR/draw_allocate.json")"
else
  log "draw phase skipped: no queueing.releases in this tree, or BENCH_DRAW_APPLICANTS=0 (bench/prepare.py)"
fi

# How stale can an availability answer be: book a place on the first node, then ask the last
# node (the same one with one node: another of its processes) until the count shows it.
read -r first last <<<"$(group probe)"
"$PY" bench/staleness.py "${NODE_URLS[0]}" "${NODE_URLS[-1]}" "$first" "$last" >"$RUN_DIR/staleness.json"
log "staleness: $(cat "$RUN_DIR/staleness.json")"

mkdir -p bench/tmp/raw && cp "$RUN_DIR"/*.json bench/tmp/raw/  # the phases as wrk wrote them
"$PY" bench/report.py "$RUN_DIR" "$CLIENTS" "$WORKERS" "$ROUNDS" "$ROUND_SECONDS" "$RUSH_SECONDS" "$NODES"
