#!/usr/bin/env bash
# The due queue against the peer stack it replaces (../shared/peers/fastapi_due: FastAPI + SQLAlchemy
# 2.0 async + asyncpg under uvicorn, the same SQL and JSON), on the same seeded database, the same
# number of worker processes and the same wrk connection count, in alternating rounds.
#
#   bench/peer.sh                                   # DATABASE_URL base: postgres://postgres@127.0.0.1:5432/langlearn
#   ROUNDS=10 DURATION=10 CONNECTIONS="1 50" WORKERS=5 bench/peer.sh
#   KEEP=1 bench/peer.sh                            # keep the seeded database and reuse it next time
#
# Seeds once (bench/load_seed.py: 1,000 learners, 100,000 cards for the one measured), starts gunicorn
# (sync workers, persistent connections, DEBUG off) and the peer (uvicorn --workers) side by side, then
# for each connection count runs ROUNDS rounds of wrk against each, alternating which goes first. For
# each it prints req/s, p50/p99 and the application CPU per request (user+system time of the server's
# processes over the round / requests), then the workers' RSS. The last line:
#   due: project N req/s, peer M req/s, ratio R (median of K rounds)
# for the last connection count. The peer runs from PEER_VENV (created with the README's pins if
# missing). Needs wrk (apt-get install -y wrk). Not a test: it prints figures.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
PEER_DIR=${PEER_DIR:-$ROOT/../shared/peers/fastapi_due}
PEER_VENV=${PEER_VENV:-$ROOT/.venv-peer}
BASE=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/langlearn}
DB_URL="${BASE%/*}/$(basename "${BASE%%\?*}")_bench_peer"
DB_NAME=$(basename "$DB_URL")
SERVER=${BASE%/*}
DURATION=${DURATION:-8}
ROUNDS=${ROUNDS:-5}
CONNECTIONS=${CONNECTIONS:-"1 50"}
WORKERS=${WORKERS:-$((2 * $(nproc) + 1))}
PEER_PATH=${PEER_PATH:-/peer/due}
WORK=$(mktemp -d)
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
[ -d "$PEER_DIR" ] || { echo "no peer app at $PEER_DIR (set PEER_DIR)"; exit 1; }

if [ ! -x "$PEER_VENV/bin/uvicorn" ]; then
  python3.13 -m venv "$PEER_VENV"
  "$PEER_VENV/bin/pip" install -q fastapi==0.165.0 'sqlalchemy[asyncio]==2.0.58' asyncpg==0.32.0 \
    uvicorn==0.55.0 pydantic==2.14.4 pyjwt==2.10.1
fi

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
PEER_PORT=$(free_port)

export DATABASE_URL=$DB_URL DJANGO_SETTINGS_MODULE=load_settings PYTHONPATH=$ROOT/bench:$ROOT
export DEBUG=false CONN_MAX_AGE=600 LANGLEARN_TESTING=0 LOG_LEVEL=WARNING
export THROTTLE_USER=1000000000/min THROTTLE_ANON=1000000000/min

cleanup() {
  for pid in ${GUNICORN_PID:-} ${PEER_PID:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  if [ -z "${KEEP:-}" ]; then
    psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${KEEP:-}" ] && psql "$SERVER/$DB_NAME" -qAtc "SELECT 1 FROM accounts_account LIMIT 1" >/dev/null 2>&1; then
  echo "reusing $DB_NAME"
  $PY manage.py migrate --noinput -v0
  $PY bench/load_seed.py "$WORK" --token-only
else
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null
  psql "$SERVER/postgres" -qc "CREATE DATABASE \"$DB_NAME\"" >/dev/null
  $PY manage.py migrate --noinput -v0
  $PY bench/load_seed.py "$WORK"
fi

$PY -m gunicorn langlearn.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --timeout 60 \
  --log-level warning >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
PEER_DATABASE_URL="postgresql+asyncpg://${DB_URL#*://}" PEER_POOL_SIZE=${PEER_POOL_SIZE:-5} \
  "$PEER_VENV/bin/uvicorn" app:app --app-dir "$PEER_DIR" --host 127.0.0.1 --port "$PEER_PORT" \
  --workers "$WORKERS" --log-level warning --no-access-log >"$WORK/peer.log" 2>&1 &
PEER_PID=$!
for _ in $(seq 1 150); do
  curl -s -o /dev/null "127.0.0.1:$PORT/healthz" && curl -s -o /dev/null "127.0.0.1:$PEER_PORT/healthz" && break
  sleep 0.2
done

# CPU seconds (user + system) of a process and all its descendants, from /proc.
tree() { local p; echo "$1"; for p in $(ps -o pid= --ppid "$1"); do tree "$p"; done; }
cpu_ticks() {
  local total=0 p
  for p in $(tree "$1"); do
    [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}
rss_mb() {
  local p out=""
  for p in $(ps -o pid= --ppid "$1"); do out="$out $(($(awk '/VmRSS/ {print $2}' "/proc/$p/status") / 1024))"; done
  echo "$out"
}
HZ=$(getconf CLK_TCK)

# run NAME PID URL_PATH CONNECTIONS -> "req/s p50 p99 cpu_ms_per_request" on stdout
run() {
  local name=$1 pid=$2 port=$3 path=$4 conns=$5 threads=2 before after out
  [ "$conns" -lt 2 ] && threads=1
  before=$(cpu_ticks "$pid")
  out=$(LOAD_ENV=$WORK/env.lua ENDPOINT=due_path DUE_PATH=$path wrk -t$threads -c"$conns" -d"${DURATION}s" \
    --timeout 10s -s bench/load.lua "http://127.0.0.1:$port" | grep '^RESULT')
  after=$(cpu_ticks "$pid")
  # RESULT peer <req/s> req/s p50 <ms> ms p95 <ms> ms p99 <ms> ms errors <n> / <total>
  set -- $out
  local rps=$3 p50=$6 p99=${12} errors=${15} total=${17}
  [ "$errors" = 0 ] || echo "  ($name: $errors errors of $total requests)" >&2
  awk -v r="$rps" -v a="$p50" -v b="$p99" -v c="$((after - before))" -v hz="$HZ" -v n="$total" \
    'BEGIN { printf "%s %s %s %.2f\n", r, a, b, (c / hz) * 1000 / n }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "gunicorn ($WORKERS sync workers) vs peer (uvicorn, $WORKERS workers, $PEER_PATH); ${DURATION}s rounds;" \
  "load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs"
for conns in $CONNECTIONS; do
  # warm up: every worker gets its connection, caches and code paths
  for target in "project $GUNICORN_PID $PORT /api/flashcards/due" "peer $PEER_PID $PEER_PORT $PEER_PATH"; do
    set -- $target
    LOAD_ENV=$WORK/env.lua ENDPOINT=due_path DUE_PATH=$4 wrk -t1 -c"$conns" -d2s -s bench/load.lua \
      "http://127.0.0.1:$3" >/dev/null 2>&1 || true
  done
  : >"$WORK/project" ; : >"$WORK/peer"
  for round in $(seq 1 "$ROUNDS"); do
    order=("project $GUNICORN_PID $PORT /api/flashcards/due" "peer $PEER_PID $PEER_PORT $PEER_PATH")
    [ $((round % 2)) = 0 ] && order=("${order[1]}" "${order[0]}")
    for target in "${order[@]}"; do
      set -- $target
      run "$1" "$2" "$3" "$4" "$conns" >>"$WORK/$1"
    done
  done
  for side in project peer; do
    printf "  %-8s %3s conns: %7.1f req/s  p50 %6.1f ms  p99 %6.1f ms  CPU %5.2f ms/request (medians of %s rounds)\n" \
      "$side" "$conns" "$(cut -d' ' -f1 "$WORK/$side" | median)" "$(cut -d' ' -f2 "$WORK/$side" | median)" \
      "$(cut -d' ' -f3 "$WORK/$side" | median)" "$(cut -d' ' -f4 "$WORK/$side" | median)" "$ROUNDS"
  done
  project=$(cut -d' ' -f1 "$WORK/project" | median)
  peer=$(cut -d' ' -f1 "$WORK/peer" | median)
  RESULT=$(awk -v a="$project" -v b="$peer" -v k="$ROUNDS" -v c="$conns" \
    'BEGIN { printf "due: project %.0f req/s, peer %.0f req/s, ratio %.2f (median of %d rounds, %d connections)", a, b, a / b, k, c }')
  echo "  $RESULT"
done
echo "RSS per worker (MB): project$(rss_mb "$GUNICORN_PID"); peer$(rss_mb "$PEER_PID")"
echo "$RESULT"
