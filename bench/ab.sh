#!/usr/bin/env bash
# A/B comparison of two builds of Glasskey, interleaved round by round in one window (this
# machine is noisy: only runs interleaved like this compare). Each round runs, for build A then
# build B, a fresh server (plain java -jar, fresh data dir) and one load driver phase:
#   MODE=signin    complete sign-ins (LoadDriver defaults: options -> ES256 -> sign-in -> new session)
#   MODE=api-read  authenticated console reads, GET /api/accounts with signed-in sessions (--api-reads)
#   MODE=app       complete application sign-ins (--app-sign-ins: authorize with PKCE -> sign-in page ->
#                  options -> ES256 -> sign-in -> authorize -> code -> token), 64 accounts by default
#   MODE=password  password + authenticator-app sign-ins of invited people (--password-sign-ins: GET /sign-in ->
#                  POST /api/sign-in/password, Argon2id + TOTP); each TOTP step signs a person in once, so ACCOUNTS
#                  (600 by default) must cover ~30 s of sign-ins. THREADS=64 JAVA_OPTS=-Xmx256m makes it a login flood
#                  against the bounded hashing (503 signin.busy beyond it; the driver reports the server's largest RSS)
#   MODE=startup   start-up only: JVM launch -> first GET /sign-in answered 200 (plain java -jar, fresh
#                  data dir, polled every 10 ms over bash's /dev/tcp), ROUNDS defaults to 7
# The driver is always this checkout's (built with -Pbench), so both builds meet the same client.
#
#   bench/ab.sh DIR_A DIR_B [DIR_C ...]   # each DIR a checkout built with ./mvnw -q -DskipTests package
# Builds are labelled A, B, C, ... in the order given; every round runs each of them once.
#
# Environment: MODE (signin), ROUNDS (3), PORT (18080), THREADS (8), ACCOUNTS (200 for signin,
# 20 for api-read), WARMUP (60s / 30s), DURATION (30s / 20s), DB=h2|postgres (h2; postgres uses
# a fresh schema of the local server per run), JAVA (java), JAVA_OPTS, ARGS_A, ARGS_B, ... (extra server
# arguments for one build only, e.g. ARGS_B="--spring.autoconfigure.exclude=..." to try a setting
# against the same jar: pass the same DIR twice), JAVA_OPTS_A, JAVA_OPTS_B, ... (JVM options for one build only, e.g.
# JAVA_OPTS_B=-XX:+UseSerialGC to try a JVM setting against the same jar).
# Writes bench/results/ab-<timestamp>/: per run server log, driver output and properties, and
# summary.txt with the per-round figures and the medians.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# One DIR measures one build (no comparison): the figures of MODE=password, say.
[ $# -ge 1 ] || { echo "usage: bench/ab.sh DIR_A [DIR_B ...]" >&2; exit 2; }
labels=(A B C D E F G H)
dirs=()
for d in "$@"; do dirs+=("$(cd "$d" && pwd)"); done
MODE=${MODE:-signin}
if [ "$MODE" = startup ]; then ROUNDS=${ROUNDS:-7}; else ROUNDS=${ROUNDS:-3}; fi
PORT=${PORT:-18080}
THREADS=${THREADS:-8}
DB=${DB:-h2}
JAVA=${JAVA:-java}
if [ "$MODE" = startup ]; then
  ACCOUNTS=0; WARMUP=0s; DURATION=0s; key=startup_ms; rate=startup_ms
elif [ "$MODE" = app ]; then
  ACCOUNTS=${ACCOUNTS:-64}; WARMUP=${WARMUP:-45s}; DURATION=${DURATION:-30s}; key=load.server_cpu_ms_per_signin; rate=load.signins_per_s
  extra=(--app-sign-ins)
elif [ "$MODE" = password ]; then
  ACCOUNTS=${ACCOUNTS:-600}; WARMUP=${WARMUP:-20s}; DURATION=${DURATION:-30s}; key=load.server_cpu_ms_per_signin; rate=load.signins_per_s
  extra=(--password-sign-ins)
elif [ "$MODE" = api-read ]; then
  ACCOUNTS=${ACCOUNTS:-20}; WARMUP=${WARMUP:-30s}; DURATION=${DURATION:-20s}; key=apiread.server_cpu_ms_per_read; rate=apiread.reads_per_s
  extra=(--api-reads)
else
  ACCOUNTS=${ACCOUNTS:-200}; WARMUP=${WARMUP:-60s}; DURATION=${DURATION:-30s}; key=load.server_cpu_ms_per_signin; rate=load.signins_per_s
  extra=()
fi
out="$here/bench/results/ab-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
cp="$here/target/test-classes:$here/target/classes:$(cat "$here/target/bench-classpath.txt")"
: >"$out/summary.txt"
for i in "${!dirs[@]}"; do
  d=${dirs[$i]}
  own="ARGS_${labels[$i]}"
  jopts="JAVA_OPTS_${labels[$i]}"
  echo "${labels[$i]}=$d ($(git -C "$d" rev-parse --short HEAD)$(git -C "$d" diff --quiet || echo +changes))${!own:+ with ${!own}}${!jopts:+ with JVM options ${!jopts}}" | tee -a "$out/summary.txt"
done
echo "MODE=$MODE DB=$DB ROUNDS=$ROUNDS THREADS=$THREADS ACCOUNTS=$ACCOUNTS WARMUP=$WARMUP DURATION=$DURATION; $(nproc) cores; $("$JAVA" -version 2>&1 | head -1)" | tee -a "$out/summary.txt"

server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true' EXIT INT TERM

source "$here/bench/lib.sh"  # now_ms, serving, LIMITS

run_one() { # run_one LABEL DIR
  local label=$1 dir=$2 data="$out/data-$1"
  rm -rf "$data"; mkdir -p -m 700 "$data"  # owner-only, or the server refuses to start (docs/OPERATIONS.md, "Secrets at rest")
  local db=()
  if [ "$DB" = postgres ]; then
    local schema="ab_$(date +%s%N)"
    psql -q -h 127.0.0.1 -U postgres -d test -c "create schema $schema" >/dev/null
    db=(--spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema" --spring.datasource.username=postgres --spring.datasource.password=)
  fi
  local side=${label%%[0-9]*} own jopts; own="ARGS_$side"; jopts="JAVA_OPTS_$side"
  local t0; t0=$(now_ms)
  # shellcheck disable=SC2086
  "$JAVA" ${JAVA_OPTS:-} ${!jopts:-} -jar "$dir/target/glasskey.jar" --server.port="$PORT" --glasskey.base-url="http://localhost:$PORT" \
    --glasskey.data-dir="$data" "${LIMITS[@]}" "${db[@]}" ${!own:-} >"$out/server-$label.log" 2>&1 &
  server_pid=$!
  if [ "$MODE" = startup ]; then
    until serving; do
      kill -0 "$server_pid" 2>/dev/null || { tail -20 "$out/server-$label.log"; exit 1; }
      [ $(( $(now_ms) - t0 )) -lt 60000 ] || { echo "$label not serving after 60 s"; exit 1; }
      sleep 0.01
    done
    echo "startup_ms=$(( $(now_ms) - t0 ))" >"$out/$label.properties"
  else
  "$JAVA" -cp "$cp" dev.glasskey.bench.LoadDriver --base-url "http://127.0.0.1:$PORT" --server-log "$out/server-$label.log" \
    --accounts "$ACCOUNTS" --threads "$THREADS" --warmup "$WARMUP" --duration "$DURATION" --server-pid "$server_pid" \
    --out "$out/$label.properties" "${extra[@]}" >"$out/driver-$label.txt" 2>&1 || { tail -20 "$out/driver-$label.txt"; exit 1; }
  fi
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  rm -rf "$data"
  if [ "$MODE" = startup ]; then
    printf '%-6s %s ms to the first page  (load average %s)\n' "$label" "$(cut -d= -f2 "$out/$label.properties")" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/summary.txt"
    return
  fi
  local written; written=$(grep "^load.server_storage_write_kib_per_signin=" "$out/$label.properties" | cut -d= -f2 || true)
  printf '%-6s %-2s  %s ms server CPU, %s/s%s  (load average %s)\n' "$label" "" "$(grep "^$key=" "$out/$label.properties" | cut -d= -f2)" \
    "$(grep "^$rate=" "$out/$label.properties" | cut -d= -f2)" "${written:+, $written KiB written per sign-in}" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/summary.txt"
}

for r in $(seq 1 "$ROUNDS"); do
  for i in "${!dirs[@]}"; do run_one "${labels[$i]}$r" "${dirs[$i]}"; done
done
median() { sort -n | awk '{a[NR]=$1} END { if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2] + a[NR/2+1]) / 2 }'; }
for i in "${!dirs[@]}"; do
  side=${labels[$i]}
  cpu=$(for r in $(seq 1 "$ROUNDS"); do grep "^$key=" "$out/$side$r.properties" | cut -d= -f2; done | median)
  rt=$(for r in $(seq 1 "$ROUNDS"); do grep "^$rate=" "$out/$side$r.properties" | cut -d= -f2; done | median)
  if [ "$MODE" = startup ]; then echo "median $side: $cpu ms start-up" | tee -a "$out/summary.txt"; continue; fi
  echo "median $side: $cpu ms server CPU, $rt/s" | tee -a "$out/summary.txt"
done
echo "results: $out"
