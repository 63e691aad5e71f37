#!/usr/bin/env bash
# The due queue against the peer stack it replaces (../shared/peers/fastapi_due: FastAPI + SQLAlchemy
# 2.0 async + asyncpg under uvicorn, the same SQL and JSON), on the same seeded database, the same
# number of worker processes and the same wrk connection count, in alternating rounds.
#
#   bench/peer.sh                                   # DATABASE_URL base: postgres://postgres@127.0.0.1:5432/langlearn
#   ROUNDS=10 DURATION=10 CONNECTIONS="1 50" WORKERS=5 bench/peer.sh
#   KEEP=1 bench/peer.sh                            # keep the seeded database and reuse it next time
#   VARIANTS="project unprepared:DB_PREPARED_STATEMENTS=false" bench/peer.sh   # what a lever gives
#
# Seeds once (bench/load_seed.py: 1,000 learners, 100,000 cards for the one measured), starts gunicorn
# (sync workers, persistent connections, DEBUG off) — one per VARIANT, each `name[:VAR=value,...]`
# with its own environment, the first one the project as configured — and the peer (uvicorn
# --workers) side by side, then for each connection count runs ROUNDS rounds of wrk against each,
# rotating which goes first. For each it prints the median req/s, p50/p99 and application CPU per
# request (user+system time of the server's processes over the round / requests); for each variant
# the median of its per-round ratios to the peer (each round's pair measured back to back, so load
# that drifts over minutes hits both alike) with the lowest and highest round — the noise. Then the
# workers' RSS. The last line, for the first variant at the last connection count:
#   due: project N req/s, peer M req/s, ratio R (median of K rounds)
# The peer runs from PEER_VENV (created with the README's pins if missing). Needs wrk
# (apt-get install -y wrk). Not a test: it prints figures.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
# shared/ sits beside the main checkout; a git worktree elsewhere finds it through the common git dir
PEER_DIR=${PEER_DIR:-$ROOT/../shared/peers/fastapi_due}
[ -d "$PEER_DIR" ] || PEER_DIR=$(cd "$(git rev-parse --git-common-dir)/../.." && pwd)/shared/peers/fastapi_due
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
VARIANTS=${VARIANTS:-project}
WORK=$(mktemp -d)
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
[ -d "$PEER_DIR" ] || { echo "no peer app at $PEER_DIR (set PEER_DIR)"; exit 1; }

if [ ! -x "$PEER_VENV/bin/uvicorn" ]; then
  python3.13 -m venv "$PEER_VENV"
  "$PEER_VENV/bin/pip" install -q fastapi==0.165.0 'sqlalchemy[asyncio]==2.0.58' asyncpg==0.32.0 \
    uvicorn==0.55.0 pydantic==2.14.4 pyjwt==2.10.1
fi

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PEER_PORT=$(free_port)

export DATABASE_URL=$DB_URL DJANGO_SETTINGS_MODULE=load_settings PYTHONPATH=$ROOT/bench:$ROOT
export DEBUG=false CONN_MAX_AGE=600 LANGLEARN_TESTING=0 LOG_LEVEL=WARNING
export THROTTLE_USER=1000000000/min THROTTLE_ANON=1000000000/min

cleanup() {
  for pid in ${GUNICORN_PIDS:-} ${PEER_PID:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
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

declare -A VPORT VPID
NAMES=()
for variant in $VARIANTS; do
  name=${variant%%:*}
  envs=()
  [ "$variant" != "$name" ] && IFS=, read -ra envs <<<"${variant#*:}"
  VPORT[$name]=$(free_port)
  env "${envs[@]}" $PY -m gunicorn langlearn.wsgi --bind "127.0.0.1:${VPORT[$name]}" --workers "$WORKERS" \
    --timeout 60 --log-level warning >"$WORK/gunicorn-$name.log" 2>&1 &
  VPID[$name]=$!
  GUNICORN_PIDS="${GUNICORN_PIDS:-} ${VPID[$name]}"
  NAMES+=("$name")
done
PEER_DATABASE_URL="postgresql+asyncpg://${DB_URL#*://}" PEER_POOL_SIZE=${PEER_POOL_SIZE:-5} \
  "$PEER_VENV/bin/uvicorn" app:app --app-dir "$PEER_DIR" --host 127.0.0.1 --port "$PEER_PORT" \
  --workers "$WORKERS" --log-level warning --no-access-log >"$WORK/peer.log" 2>&1 &
PEER_PID=$!
for name in "${NAMES[@]}" peer; do
  port=$PEER_PORT
  [ "$name" != peer ] && port=${VPORT[$name]}
  for _ in $(seq 1 150); do curl -s -o /dev/null "127.0.0.1:$port/healthz" && break; sleep 0.2; done
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

echo "gunicorn ($WORKERS sync workers; variants: $VARIANTS) vs peer (uvicorn, $WORKERS workers, $PEER_PATH);" \
  "${DURATION}s rounds; load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs"
TARGETS=()
for name in "${NAMES[@]}"; do TARGETS+=("$name ${VPID[$name]} ${VPORT[$name]} /api/flashcards/due"); done
TARGETS+=("peer $PEER_PID $PEER_PORT $PEER_PATH")
FIRST=${NAMES[0]}
for conns in $CONNECTIONS; do
  # warm up: every worker gets its connection, caches and code paths
  for target in "${TARGETS[@]}"; do
    set -- $target
    LOAD_ENV=$WORK/env.lua ENDPOINT=due_path DUE_PATH=$4 wrk -t1 -c"$conns" -d2s -s bench/load.lua \
      "http://127.0.0.1:$3" >/dev/null 2>&1 || true
  done
  for target in "${TARGETS[@]}"; do : >"$WORK/${target%% *}"; done
  for round in $(seq 1 "$ROUNDS"); do
    # rotate the order: each target goes first, middle and last equally often
    n=${#TARGETS[@]}
    for i in $(seq 0 $((n - 1))); do
      set -- ${TARGETS[$(((i + round) % n))]}
      run "$1" "$2" "$3" "$4" "$conns" >>"$WORK/$1"
    done
  done
  for side in "${NAMES[@]}" peer; do
    printf "  %-11s %3s conns: %7.1f req/s  p50 %6.1f ms  p99 %6.1f ms  CPU %5.2f ms/request (medians of %s rounds)\n" \
      "$side" "$conns" "$(cut -d' ' -f1 "$WORK/$side" | median)" "$(cut -d' ' -f2 "$WORK/$side" | median)" \
      "$(cut -d' ' -f3 "$WORK/$side" | median)" "$(cut -d' ' -f4 "$WORK/$side" | median)" "$ROUNDS"
  done
  for side in "${NAMES[@]}"; do
    # per-round ratios: this variant's req/s over the peer's in the same round
    paste -d' ' "$WORK/$side" "$WORK/peer" | awk '{ printf "%.4f %.4f\n", $1 / $5, $8 / $4 }' >"$WORK/$side.ratio"
    printf "  %-11s %3s conns: ratio to the peer %.2f req/s (rounds %.2f-%.2f), CPU/request peer/%s %.2f\n" \
      "$side" "$conns" "$(cut -d' ' -f1 "$WORK/$side.ratio" | median)" "$(cut -d' ' -f1 "$WORK/$side.ratio" | sort -g | head -1)" \
      "$(cut -d' ' -f1 "$WORK/$side.ratio" | sort -g | tail -1)" "$side" "$(cut -d' ' -f2 "$WORK/$side.ratio" | median)"
  done
  project=$(cut -d' ' -f1 "$WORK/$FIRST" | median)
  peer=$(cut -d' ' -f1 "$WORK/peer" | median)
  ratio=$(cut -d' ' -f1 "$WORK/$FIRST.ratio" | median)
  RESULT=$(awk -v a="$project" -v b="$peer" -v r="$ratio" -v k="$ROUNDS" -v c="$conns" \
    'BEGIN { printf "due: project %.0f req/s, peer %.0f req/s, ratio %.2f (median of %d rounds, %d connections)", a, b, r, k, c }')
  echo "  $RESULT"
done
RSS="RSS per worker (MB):"
for name in "${NAMES[@]}"; do RSS="$RSS $name$(rss_mb "${VPID[$name]}");"; done
echo "$RSS peer$(rss_mb "$PEER_PID")"
echo "$RESULT"
