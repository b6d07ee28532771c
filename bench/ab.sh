#!/usr/bin/env bash
# A/B comparison of two builds of Glasskey, interleaved round by round in one window (this
# machine is noisy: only runs interleaved like this compare). Each round runs, for build A then
# build B, a fresh server (plain java -jar, fresh data dir) and one load driver phase:
#   MODE=signin    complete sign-ins (LoadDriver defaults: options -> ES256 -> sign-in -> new session)
#   MODE=api-read  authenticated console reads, GET /api/accounts with signed-in sessions (--api-reads)
# The driver is always this checkout's (built with -Pbench), so both builds meet the same client.
#
#   bench/ab.sh DIR_A DIR_B          # each DIR a checkout built with ./mvnw -q -Pbench -DskipTests package
#
# Environment: MODE (signin), ROUNDS (3), PORT (18080), THREADS (8), ACCOUNTS (200 for signin,
# 20 for api-read), WARMUP (60s / 30s), DURATION (30s / 20s), DB=h2|postgres (h2; postgres uses
# a fresh schema of the local server per run), JAVA (java), JAVA_OPTS.
# Writes bench/results/ab-<timestamp>/: per run server log, driver output and properties, and
# summary.txt with the per-round figures and the medians.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
A=$(cd "$1" && pwd); B=$(cd "$2" && pwd)
MODE=${MODE:-signin}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-18080}
THREADS=${THREADS:-8}
DB=${DB:-h2}
JAVA=${JAVA:-java}
if [ "$MODE" = api-read ]; then
  ACCOUNTS=${ACCOUNTS:-20}; WARMUP=${WARMUP:-30s}; DURATION=${DURATION:-20s}; key=apiread.server_cpu_ms_per_read; rate=apiread.reads_per_s
  extra=(--api-reads)
else
  ACCOUNTS=${ACCOUNTS:-200}; WARMUP=${WARMUP:-60s}; DURATION=${DURATION:-30s}; key=load.server_cpu_ms_per_signin; rate=load.signins_per_s
  extra=()
fi
out="$here/bench/results/ab-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
cp="$here/target/test-classes:$here/target/classes:$(cat "$here/target/bench-classpath.txt")"
echo "A=$A ($(git -C "$A" rev-parse --short HEAD)$(git -C "$A" diff --quiet || echo +changes))" | tee "$out/summary.txt"
echo "B=$B ($(git -C "$B" rev-parse --short HEAD)$(git -C "$B" diff --quiet || echo +changes))" | tee -a "$out/summary.txt"
echo "MODE=$MODE DB=$DB ROUNDS=$ROUNDS THREADS=$THREADS ACCOUNTS=$ACCOUNTS WARMUP=$WARMUP DURATION=$DURATION; $(nproc) cores; $("$JAVA" -version 2>&1 | head -1)" | tee -a "$out/summary.txt"

server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true' EXIT INT TERM

# Rate limits far above the load: the limiter runs on every request (its cost is part of the figures)
# but never refuses the load driver, which sends everything from 127.0.0.1. (An older build ignores them.)
LIMITS=()
for l in sign-in credential-failures enrolment enrolment-link drill drill-id authorize token; do
  LIMITS+=("--glasskey.rate-limit.$l.requests=1000000000")
done

run_one() { # run_one LABEL DIR
  local label=$1 dir=$2 data="$out/data-$1"
  rm -rf "$data"; mkdir -p -m 700 "$data"  # owner-only, or the server refuses to start (docs/OPERATIONS.md, "Secrets at rest")
  local db=()
  if [ "$DB" = postgres ]; then
    local schema="ab_$(date +%s%N)"
    psql -q -h 127.0.0.1 -U postgres -d test -c "create schema $schema" >/dev/null
    db=(--spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema" --spring.datasource.username=postgres --spring.datasource.password=)
  fi
  # shellcheck disable=SC2086
  "$JAVA" ${JAVA_OPTS:-} -jar "$dir/target/glasskey.jar" --server.port="$PORT" --glasskey.base-url="http://localhost:$PORT" \
    --glasskey.data-dir="$data" "${LIMITS[@]}" "${db[@]}" >"$out/server-$label.log" 2>&1 &
  server_pid=$!
  "$JAVA" -cp "$cp" dev.glasskey.bench.LoadDriver --base-url "http://127.0.0.1:$PORT" --server-log "$out/server-$label.log" \
    --accounts "$ACCOUNTS" --threads "$THREADS" --warmup "$WARMUP" --duration "$DURATION" --server-pid "$server_pid" \
    --out "$out/$label.properties" "${extra[@]}" >"$out/driver-$label.txt" 2>&1 || { tail -20 "$out/driver-$label.txt"; exit 1; }
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  rm -rf "$data"
  printf '%-6s %-2s  %s ms server CPU, %s/s  (load average %s)\n' "$label" "" "$(grep "^$key=" "$out/$label.properties" | cut -d= -f2)" \
    "$(grep "^$rate=" "$out/$label.properties" | cut -d= -f2)" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/summary.txt"
}

for r in $(seq 1 "$ROUNDS"); do
  run_one "A$r" "$A"
  run_one "B$r" "$B"
done
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for side in A B; do
  cpu=$(for r in $(seq 1 "$ROUNDS"); do grep "^$key=" "$out/$side$r.properties" | cut -d= -f2; done | median)
  rt=$(for r in $(seq 1 "$ROUNDS"); do grep "^$rate=" "$out/$side$r.properties" | cut -d= -f2; done | median)
  echo "median $side: $cpu ms server CPU, $rt/s" | tee -a "$out/summary.txt"
done
echo "results: $out"
