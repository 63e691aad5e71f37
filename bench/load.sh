#!/usr/bin/env bash
# Load test: gunicorn (2 x cores + 1 sync workers, persistent DB connections, DEBUG off) on loopback
# against a seeded PostgreSQL database (1,000 learners, 100,000 cards for one, 50 packs), driven by
# wrk at 50 connections: GET /api/flashcards/due, the bare-SQL baseline of the same queries
# (bench/flashcards_due.py), GET /bff/home, POST reviews, GET /api/packs. Prints requests/s,
# p50/p95/p99 and errors for each. Bounded: DURATION seconds per endpoint (default 10).
#
#   bench/load.sh                      # DATABASE_URL base defaults to postgres://postgres@127.0.0.1:5432/langlearn
#   DURATION=20 CONNECTIONS=50 bench/load.sh
# Needs wrk (apt-get install -y wrk). Not a test: it prints figures.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
BASE=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/langlearn}
DB_URL="${BASE%/*}/$(basename "${BASE%%\?*}")_bench_load"
DB_NAME=$(basename "$DB_URL")
SERVER=${BASE%/*}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-50}
CORES=$(nproc)
WORKERS=$((2 * CORES + 1))
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
WORK=$(mktemp -d)
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }

export DATABASE_URL=$DB_URL DJANGO_SETTINGS_MODULE=load_settings PYTHONPATH=$ROOT/bench:$ROOT
export DEBUG=false CONN_MAX_AGE=600 LANGLEARN_TESTING=0 LOG_LEVEL=WARNING
# The throttles still run (their cache round-trips are part of the cost) but never answer 429.
export THROTTLE_USER=1000000000/min THROTTLE_ANON=1000000000/min

cleanup() {
  [ -n "${GUNICORN_PID:-}" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null
  psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

psql "$SERVER/postgres" -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null
psql "$SERVER/postgres" -qc "CREATE DATABASE \"$DB_NAME\"" >/dev/null
$PY manage.py migrate --noinput -v0
$PY bench/load_seed.py "$WORK"

$PY -m gunicorn langlearn.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --timeout 60 \
  --log-level warning >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "127.0.0.1:$PORT/healthz" && break; sleep 0.2; done

echo "gunicorn: $WORKERS workers on $CORES cores; wrk: $CONNECTIONS connections, 2 threads, ${DURATION}s per endpoint"
for endpoint in due baseline home reviews packs; do
  # a short warm-up so every worker has its connection and caches
  LOAD_ENV=$WORK/env.lua ENDPOINT=$endpoint wrk -t2 -c"$CONNECTIONS" -d2s -s bench/load.lua \
    "http://127.0.0.1:$PORT" >/dev/null 2>&1 || true
  LOAD_ENV=$WORK/env.lua ENDPOINT=$endpoint wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s \
    -s bench/load.lua "http://127.0.0.1:$PORT" | grep '^RESULT' | sed 's/^RESULT /  /'
done
