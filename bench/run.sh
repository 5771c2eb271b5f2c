#!/usr/bin/env bash
# The benchmark behind `make bench`: the real app under gunicorn with production settings, on
# PostgreSQL and Redis, loaded by locust one endpoint at a time. See docs/benchmarks.md.
#
#   bash bench/run.sh [--scale 1.0] [--duration 20] [--users 8] [--workers N] [--regenerate]
#                     [--seed 2020] [--warmup 3] [--port N] [--only name,name] [--baseline-each 8]
#
# It needs PostgreSQL and Redis running (it starts neither); it creates the database if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=1.0
DURATION=20
USERS=8
WORKERS=""
REGENERATE=0
SEED=2020
WARMUP=3
PORT=${BENCH_PORT:-}
ONLY=""
# Seconds of baseline measured again between endpoints and after the last (0: only the first baseline).
BASELINE_EACH=8

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --scale) SCALE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --baseline-each) BASELINE_EACH=$2; shift 2 ;;
    --regenerate) REGENERATE=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "Unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }
is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
is_number "$SCALE" || { echo "--scale must be a number, like 0.1 or 1" >&2; exit 2; }
is_count "$DURATION" || { echo "--duration must be a whole number of seconds" >&2; exit 2; }
is_count "$USERS" || { echo "--users must be a whole number" >&2; exit 2; }
[[ $WARMUP =~ ^[0-9]+$ ]] || { echo "--warmup must be a whole number of seconds" >&2; exit 2; }
[[ $BASELINE_EACH =~ ^[0-9]+$ ]] || { echo "--baseline-each must be a whole number of seconds" >&2; exit 2; }
CORES=$(nproc)
# One worker per core measured faster than 2 × cores + 1 here: the load generator and PostgreSQL
# share the same cores, so extra workers only contend for them (docs/benchmarks.md).
WORKERS=${WORKERS:-$CORES}
is_count "$WORKERS" || { echo "--workers must be a whole number" >&2; exit 2; }

VENV=${VENV:-.venv}
PY=$VENV/bin/python
for tool in "$PY" "$VENV/bin/gunicorn" "$VENV/bin/locust"; do
  [ -x "$tool" ] || { echo "Missing $tool: run 'make venv' first." >&2; exit 1; }
done

# -- services: PostgreSQL and Redis must already be running ---------------------------------------
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/practicehub_bench}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
case $DATABASE_URL in
  postgres://* | postgresql://*) ;;
  *) echo "The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://... (not $DATABASE_URL)." >&2; exit 1 ;;
esac
read -r DB_HOST DB_PORT DB_USER DB_NAME < <(
  "$PY" -c 'import os, urllib.parse as u; p = u.urlparse(os.environ["DATABASE_URL"]); print(p.hostname or "127.0.0.1", p.port or 5432, p.username or "postgres", p.path.lstrip("/"))'
)
if ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT"; then
  echo "PostgreSQL is not answering at $DB_HOST:$DB_PORT. Start it first (see README, 'Benchmarks')." >&2
  exit 1
fi
if ! psql "$DATABASE_URL" -Atqc "SELECT 1" >/dev/null 2>&1; then
  echo "== creating database $DB_NAME"
  createdb -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$DB_NAME"
fi
if ! "$PY" -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=2).ping()' 2>/dev/null; then
  echo "Redis is not answering at $REDIS_URL. Start it first (see README, 'Benchmarks')." >&2
  exit 1
fi
if [ -z "$PORT" ]; then
  PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fi
is_count "$PORT" || { echo "--port must be a port number" >&2; exit 2; }
if "$PY" -c "import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $PORT)) != 0)"; then
  echo "Port $PORT on 127.0.0.1 is in use: pass another --port." >&2
  exit 1
fi

# -- production settings, exactly, plus the query-count header -------------------------------------
export DJANGO_SETTINGS_MODULE=config.settings.production
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(60))')
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export BENCH_COUNT_QUERIES=1
export BENCH_PASSWORD=${BENCH_PASSWORD:-bench-practice-hub-not-a-secret}
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
export PYTHONUNBUFFERED=1

mkdir -p bench-results
# One run at a time per checkout: two would reset each other's data and share the cores.
exec 9>bench-results/.lock
flock -n 9 || { echo "Another benchmark is running in this checkout." >&2; exit 1; }
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=bench-results/$STAMP
mkdir -p "$OUT"
echo "== results in $OUT"

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
echo "== migrate and load content"
"$PY" manage.py migrate --noinput -v0
for command in load_knowledge_bite load_checklist_templates; do
  if "$PY" manage.py help "$command" >/dev/null 2>&1; then
    "$PY" manage.py "$command" >"$OUT/$command.log"
  else
    echo "   (no $command command yet: skipped)"
  fi
done

echo "== data at scale $SCALE"
GENERATE=(--scale "$SCALE" --seed "$SEED" --reset)
[ "$REGENERATE" = 1 ] || GENERATE+=(--reuse)
"$PY" manage.py generate_bench_data "${GENERATE[@]}" | tee "$OUT/generate.log" | grep -v '^  [0-9,]* of '
# A bulk load leaves PostgreSQL writing it out to disk for minutes, on the same two cores as the
# load: finish that now rather than during the first endpoints. CHECKPOINT needs a superuser.
psql "$DATABASE_URL" -Atqc "CHECKPOINT" >/dev/null 2>&1 || echo "   (CHECKPOINT needs a superuser: skipped)"

echo "== static files"
"$PY" manage.py collectstatic --noinput -v0

echo "== gunicorn: $WORKERS workers on 127.0.0.1:$PORT ($CORES cores)"
"$VENV/bin/gunicorn" config.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" \
  --log-level warning --error-logfile "$OUT/gunicorn.log" >>"$OUT/gunicorn.log" 2>&1 &
SERVER_PID=$!
stop_server() {
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
}
trap stop_server EXIT
ready=0
for _ in $(seq 1 60); do
  # Only this server adds X-DB-Queries (BENCH_COUNT_QUERIES=1).
  if "$PY" -c "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:$PORT/healthz/live', timeout=1).headers.get('X-DB-Queries') is None)" 2>/dev/null; then
    ready=1
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
# Make sure it is this gunicorn that answers, not something else that took the port.
sleep 1
if [ "$ready" != 1 ] || ! kill -0 "$SERVER_PID" 2>/dev/null || grep -q "Address already in use" "$OUT/gunicorn.log"; then
  echo "gunicorn did not start on 127.0.0.1:$PORT; see $OUT/gunicorn.log" >&2
  exit 1
fi

echo "== endpoints"
"$PY" bench/targets.py >"$OUT/targets.json"
"$PY" - "$OUT/targets.json" <<'EOF'
import json, sys
targets = json.load(open(sys.argv[1]))
for endpoint in targets["endpoints"]:
    print(f"   {endpoint['name']:<17} {endpoint['method']:<4} {endpoint['requests'][0]['url']}")
for endpoint in targets["missing"]:
    print(f"   {endpoint['name']:<17} MISSING: {endpoint['reason']}")
EOF
mapfile -t ENDPOINTS < <("$PY" -c 'import json, sys; [print(e["name"]) for e in json.load(open(sys.argv[1]))["endpoints"]]' "$OUT/targets.json")

"$PY" - "$OUT/run.json" <<EOF
import json, sys
json.dump({"stamp": "$STAMP", "load_before": $LOAD_BEFORE, "scale": float("$SCALE"), "duration_s": $DURATION, "warmup_s": $WARMUP,
           "users": $USERS, "workers": $WORKERS, "seed": $SEED, "port": $PORT, "baseline_each_s": $BASELINE_EACH,
           "only": [name for name in "$ONLY".split(",") if name]}, open(sys.argv[1], "w"), indent=2)
EOF

load() { # endpoint, seconds, figures file, log file
  BENCH_TARGETS="$OUT/targets.json" BENCH_ENDPOINT="$1" BENCH_OUT="$3" BENCH_WARMUP="$WARMUP" \
    "$VENV/bin/locust" -f bench/locustfile.py --headless --only-summary --loglevel WARNING \
    --users "$USERS" --spawn-rate "$USERS" --run-time "$((WARMUP + $2))s" --stop-timeout 5 \
    --host "http://127.0.0.1:$PORT" >"$4" 2>&1 || true
}

echo "== load: $USERS users, ${WARMUP}s warm-up + ${DURATION}s per endpoint, ${BASELINE_EACH}s of baseline between"
PREVIOUS=""
for name in "${ENDPOINTS[@]}"; do
  if [ -n "$ONLY" ] && [[ ",$ONLY," != *",$name,"* ]]; then
    continue
  fi
  # The machine's speed drifts over a run: each endpoint is compared with the baselines taken just
  # before and just after it, rather than only with the one at the start. One baseline between two
  # endpoints serves both.
  if [ "$BASELINE_EACH" -gt 0 ] && [ "$name" != baseline ]; then
    load baseline "$BASELINE_EACH" "$OUT/baseline-before-$name.json" "$OUT/locust-baseline-before-$name.log"
    [ -z "$PREVIOUS" ] || cp "$OUT/baseline-before-$name.json" "$OUT/baseline-after-$PREVIOUS.json"
  fi
  [ "$name" = baseline ] || PREVIOUS=$name
  load "$name" "$DURATION" "$OUT/endpoint-$name.json" "$OUT/locust-$name.log"
  if [ ! -s "$OUT/endpoint-$name.json" ]; then
    echo "   $name: locust wrote no figures; see $OUT/locust-$name.log" >&2
    continue
  fi
  "$PY" - "$OUT/endpoint-$name.json" <<'EOF'
import json, os, sys
r = json.load(open(sys.argv[1]))
errors = r["failures"] + r["warmup_failures"] + len(r["sign_in_failures"])
before = sys.argv[1].replace("endpoint-", "baseline-before-")
baseline_rps = json.load(open(before))["rps"] if r["name"] != "baseline" and os.path.exists(before) else 0
ratio = f"  {r['rps'] / baseline_rps:.2f}× the baseline just before" if baseline_rps else ""
print(f"   {r['name']:<17} {r['rps']:>8.1f} req/s  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  "
      f"p99 {r['p99_ms']} ms  queries {r['queries_max']}  errors {errors}{ratio}")
EOF
done

if [ "$BASELINE_EACH" -gt 0 ] && [ -n "$PREVIOUS" ]; then
  load baseline "$BASELINE_EACH" "$OUT/baseline-after-$PREVIOUS.json" "$OUT/locust-baseline-after-$PREVIOUS.log"
fi
stop_server
echo "== report"
"$PY" bench/report.py "$OUT"
