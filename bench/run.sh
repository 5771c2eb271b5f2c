#!/usr/bin/env bash
# The benchmark behind `make bench`: the real app under gunicorn with production settings, on
# PostgreSQL and Redis. See bench/README.md.
#
#   workforce (default): FCAs and supervisors at work at once, with think times, in steps of
#     concurrent users: can one machine carry them all, every page answering fast?
#   --saturation: one endpoint at a time with no think time, for reference only (docs/benchmarks-saturation.md).
#
#   bash bench/run.sh [--quick] [--scale 1.0] [--workers N] [--regenerate] [--seed 2020] [--port N]
#     workforce:  [--steps 250,500,1000,1500,2200,3000] [--hold 180] [--spawn-rate 50]
#                 [--profile] [--profile-step N] [--think-scale 1]
#     saturation: --saturation [--duration 20] [--users 8] [--warmup 3] [--only name,name] [--baseline-each 8]
#
#   --quick: scale 0.1; workforce steps 100,250,500 held 45 s; saturation 5 s per endpoint.
#   --profile: py-spy on each gunicorn worker for 60 s of the hold of --profile-step (default: the
#     second largest step). --think-scale below 1 only checks the workload end to end, quickly.
#
# It needs PostgreSQL and Redis running (it starts neither); it creates the database if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=workforce
QUICK=0
# Empty means "the default for the mode" (and for --quick), set after the options are read.
SCALE=""
WORKERS=""
REGENERATE=0
SEED=2020
PORT=${BENCH_PORT:-}
# Workforce.
STEPS=""
HOLD=""
SPAWN_RATE=50
PROFILE=0
PROFILE_STEP=""
THINK_SCALE=1
# Saturation.
DURATION=""
USERS=8
WARMUP=""
ONLY=""
# Seconds of baseline measured again between endpoints and after the last (0: only the first baseline).
BASELINE_EACH=""

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --saturation) MODE=saturation; shift ;;
    --quick) QUICK=1; shift ;;
    --scale) SCALE=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --regenerate) REGENERATE=1; shift ;;
    --steps) STEPS=$2; shift 2 ;;
    --hold) HOLD=$2; shift 2 ;;
    --spawn-rate) SPAWN_RATE=$2; shift 2 ;;
    --profile) PROFILE=1; shift ;;
    --profile-step) PROFILE=1; PROFILE_STEP=$2; shift 2 ;;
    --think-scale) THINK_SCALE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --users) USERS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --baseline-each) BASELINE_EACH=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "Unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# --quick only fills in what was not given.
if [ "$QUICK" = 1 ]; then
  SCALE=${SCALE:-0.1}
  STEPS=${STEPS:-100,250,500}
  HOLD=${HOLD:-45}
  DURATION=${DURATION:-5}
  WARMUP=${WARMUP:-2}
  BASELINE_EACH=${BASELINE_EACH:-3}
fi
SCALE=${SCALE:-1.0}
STEPS=${STEPS:-250,500,1000,1500,2200,3000}
HOLD=${HOLD:-180}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
BASELINE_EACH=${BASELINE_EACH:-8}

is_number() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }
is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
is_number "$SCALE" || { echo "--scale must be a number, like 0.1 or 1" >&2; exit 2; }
is_count "$DURATION" || { echo "--duration must be a whole number of seconds" >&2; exit 2; }
is_count "$USERS" || { echo "--users must be a whole number" >&2; exit 2; }
[[ $WARMUP =~ ^[0-9]+$ ]] || { echo "--warmup must be a whole number of seconds" >&2; exit 2; }
[[ $BASELINE_EACH =~ ^[0-9]+$ ]] || { echo "--baseline-each must be a whole number of seconds" >&2; exit 2; }
[[ $STEPS =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "--steps must be user counts separated by commas, like 100,250,500" >&2; exit 2; }
is_count "$HOLD" || { echo "--hold must be a whole number of seconds" >&2; exit 2; }
is_number "$SPAWN_RATE" && [[ ! $SPAWN_RATE =~ ^0+([.]0+)?$ ]] || { echo "--spawn-rate must be a positive number of users a second" >&2; exit 2; }
is_number "$THINK_SCALE" && [[ ! $THINK_SCALE =~ ^0+([.]0+)?$ ]] || { echo "--think-scale must be a positive number, like 1 or 0.05" >&2; exit 2; }
IFS=, read -r -a STEP_LIST <<<"$STEPS"
for ((i = 1; i < ${#STEP_LIST[@]}; i++)); do
  [ "${STEP_LIST[i]}" -gt "${STEP_LIST[i - 1]}" ] || { echo "--steps must go up: $STEPS" >&2; exit 2; }
done
if [ "$PROFILE" = 1 ]; then
  # The step before the largest: the largest is usually past the limit, and the one before it near it.
  count=${#STEP_LIST[@]}
  PROFILE_STEP=${PROFILE_STEP:-${STEP_LIST[$((count > 1 ? count - 2 : 0))]}}
  [[ ",$STEPS," == *",$PROFILE_STEP,"* ]] || { echo "--profile-step must be one of the steps ($STEPS)" >&2; exit 2; }
fi
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
if [ "$PROFILE" = 1 ] && [ ! -x "$VENV/bin/py-spy" ]; then
  echo "Missing $VENV/bin/py-spy: run 'make venv' first." >&2
  exit 1
fi

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
echo "== $MODE benchmark; results in $OUT"

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
# A workforce run adds checklists, so the next run finds a different volume and generates afresh.
[ "$REGENERATE" = 1 ] || GENERATE+=(--reuse)
"$PY" manage.py generate_bench_data "${GENERATE[@]}" | tee "$OUT/generate.log" | grep -v '^  [0-9,]* of '
# The actions recorded on the last year's checklists (nothing to do if they are there already).
"$PY" manage.py generate_bench_actions --seed "$SEED" | tee -a "$OUT/generate.log"
# A bulk load leaves PostgreSQL writing it out to disk for minutes, on the same two cores as the
# load: finish that now rather than during the first endpoints. CHECKPOINT needs a superuser.
psql "$DATABASE_URL" -Atqc "CHECKPOINT" >/dev/null 2>&1 || echo "   (CHECKPOINT needs a superuser: skipped)"

echo "== static files"
"$PY" manage.py collectstatic --noinput -v0

# Thousands of locust users may each hold a connection while gunicorn's workers are busy.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

echo "== gunicorn: $WORKERS workers on 127.0.0.1:$PORT ($CORES cores)"
"$VENV/bin/gunicorn" config.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" \
  --log-level warning --error-logfile "$OUT/gunicorn.log" >>"$OUT/gunicorn.log" 2>&1 &
SERVER_PID=$!
LOCUST_PID=""
stop_server() {
  if [ -n "$LOCUST_PID" ] && kill -0 "$LOCUST_PID" 2>/dev/null; then
    kill -TERM "$LOCUST_PID" 2>/dev/null || true
    wait "$LOCUST_PID" 2>/dev/null || true
  fi
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

# -- workforce: the mixed workload, step by step --------------------------------------------------
run_workforce() {
  "$PY" bench/workforce_targets.py >"$OUT/workforce-targets.json"
  "$PY" - "$OUT/run.json" <<EOF
import json, sys
json.dump({"mode": "workforce", "stamp": "$STAMP", "load_before": $LOAD_BEFORE, "scale": float("$SCALE"),
           "quick": bool($QUICK), "workers": $WORKERS, "cores": $CORES, "seed": $SEED, "port": $PORT,
           "steps": [int(n) for n in "$STEPS".split(",")], "hold_s": $HOLD, "spawn_rate": float("$SPAWN_RATE"),
           "think_scale": float("$THINK_SCALE"), "profile_step": int("${PROFILE_STEP:-0}") or None},
          open(sys.argv[1], "w"), indent=2)
EOF
  local profile=""
  [ "$PROFILE" = 1 ] && profile=" (py-spy during the hold of $PROFILE_STEP)"
  echo "== workforce load: steps of $STEPS users, ${HOLD}s measured at each once all have signed in$profile"
  BENCH_TARGETS="$OUT/workforce-targets.json" BENCH_OUT="$OUT/workforce.json" BENCH_STEPS="$STEPS" \
    BENCH_HOLD="$HOLD" BENCH_SPAWN_RATE="$SPAWN_RATE" BENCH_THINK_SCALE="$THINK_SCALE" \
    BENCH_GUNICORN_PID="$SERVER_PID" BENCH_DB_NAME="$DB_NAME" \
    BENCH_PROFILE_STEP="${PROFILE_STEP:-}" BENCH_PROFILE_DIR="$OUT" BENCH_PYSPY="$VENV/bin/py-spy" \
    "$VENV/bin/locust" -f bench/locustfile.py --headless --only-summary --loglevel INFO \
    --host "http://127.0.0.1:$PORT" >"$OUT/locust.log" 2>&1 &
  LOCUST_PID=$!
  # Progress as it happens; everything else stays in locust.log.
  tail -n +1 -f --pid="$LOCUST_PID" "$OUT/locust.log" | grep --line-buffered '^workforce: ' | sed -u 's/^workforce: /   /' || true
  wait "$LOCUST_PID" || true # locust exits 1 when any request failed: the report says which
  LOCUST_PID=""
  stop_server
  if [ ! -s "$OUT/workforce.json" ]; then
    echo "locust wrote no figures; see $OUT/locust.log" >&2
    tail -n 20 "$OUT/locust.log" >&2
    exit 1
  fi
  echo "== report"
  "$PY" bench/workforce_report.py "$OUT"
}

# -- saturation: one endpoint at a time, no think time (reference only) ---------------------------
run_saturation() {
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
  local ENDPOINTS
  mapfile -t ENDPOINTS < <("$PY" -c 'import json, sys; [print(e["name"]) for e in json.load(open(sys.argv[1]))["endpoints"]]' "$OUT/targets.json")

  "$PY" - "$OUT/run.json" <<EOF
import json, sys
json.dump({"mode": "saturation", "stamp": "$STAMP", "load_before": $LOAD_BEFORE, "scale": float("$SCALE"), "duration_s": $DURATION, "warmup_s": $WARMUP,
           "users": $USERS, "workers": $WORKERS, "seed": $SEED, "port": $PORT, "baseline_each_s": $BASELINE_EACH,
           "only": [name for name in "$ONLY".split(",") if name]}, open(sys.argv[1], "w"), indent=2)
EOF

  load() { # endpoint, seconds, figures file, log file
    BENCH_TARGETS="$OUT/targets.json" BENCH_ENDPOINT="$1" BENCH_OUT="$3" BENCH_WARMUP="$WARMUP" \
      "$VENV/bin/locust" -f bench/saturation.py --headless --only-summary --loglevel WARNING \
      --users "$USERS" --spawn-rate "$USERS" --run-time "$((WARMUP + $2))s" --stop-timeout 5 \
      --host "http://127.0.0.1:$PORT" >"$4" 2>&1 || true
  }

  echo "== load: $USERS users, ${WARMUP}s warm-up + ${DURATION}s per endpoint, ${BASELINE_EACH}s of baseline between"
  local PREVIOUS="" name
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
}

if [ "$MODE" = saturation ]; then
  run_saturation
else
  run_workforce
fi
