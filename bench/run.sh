#!/usr/bin/env bash
# Glasskey performance run: build, start-up time, resident memory, complete sign-ins under load,
# and the JMH benchmark of bare assertion verification. Everything runs on this machine; the only
# network traffic goes to 127.0.0.1. Results land in bench/results/<timestamp>/ (gitignored).
#
# Environment (all optional):
#   PORT=18080          server port on 127.0.0.1
#   THREADS=8           load driver threads (one keep-alive connection each)
#   ACCOUNTS=200        accounts enrolled up front, each with its own software authenticator
#   WARMUP=60s DURATION=30s MAX=100000   load phases: warm-up (not counted), then measured, bounded
#                       (with 15 s the JIT compiler still takes ~25 % of the server's CPU when measuring starts)
#   STARTS=3            timed starts with the launcher (bin/glasskey, class-data sharing)
#   PLAIN_START=1       also time one start with plain `java -jar` (no CDS)
#   JAVA=java           the JVM for server, driver and benchmark (e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
#   SKIP_BUILD=1        reuse target/ from a previous `./mvnw -Pbench -DskipTests package`
#   SKIP_JMH=1 / SKIP_LOAD=1
#   PROFILE=1           the load server runs a JFR recording from launch (settings=default); the
#                       measured phase is dumped to results/.../server-load.jfr + server-profile.txt.
#                       Its start-up time then includes JFR, so take figures from a run without it.
#   JMH_QUICK=1         shorter JMH iterations (for trying the script, not for figures)
#   KEEP_DATA=1         keep the servers' data directories in the results (the load server's is GBs)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

PORT=${PORT:-18080}
THREADS=${THREADS:-8}
ACCOUNTS=${ACCOUNTS:-200}
WARMUP=${WARMUP:-60s}
DURATION=${DURATION:-30s}
MAX=${MAX:-100000}
STARTS=${STARTS:-3}
PLAIN_START=${PLAIN_START:-1}
JAVA=${JAVA:-java}
export JAVA

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$here/bench/results/$stamp"
mkdir -p "$out"
summary="$out/summary.properties"
: >"$summary"
note() { echo "[run.sh] $*" | tee -a "$out/run.log" >&2; }
put() { echo "$1=$2" >>"$summary"; }

server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

if ss -ltn 2>/dev/null | grep -q "[:.]$PORT "; then
  echo "port $PORT is in use; set PORT=..." >&2
  exit 1
fi

# ---------------------------------------------------------------------------------------------
note "machine: $(nproc) cores; $("$JAVA" -version 2>&1 | head -1); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
put machine.cores "$(nproc)"
put machine.java "$("$JAVA" -version 2>&1 | head -1 | tr -d '"')"
put machine.loadavg_before "$(cut -d' ' -f1-3 /proc/loadavg)"
put git.commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo +changes)"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  note "building (./mvnw -q -Pbench -DskipTests package)"
  ./mvnw -q -Pbench -DskipTests package >"$out/build.log" 2>&1 || { tail -30 "$out/build.log"; exit 1; }
fi
cp="$here/target/test-classes:$here/target/classes:$(cat "$here/target/bench-classpath.txt")"

# The launcher prepares its class-data-sharing archive once per build (outside any timing).
GLASSKEY_APP_DIR="$here/target/glasskey-app" bin/glasskey --version >"$out/cds-prepare.log" 2>&1

# ---------------------------------------------------------------------------------------------
# Start-up: from JVM launch to the first served GET /sign-in (200), on a fresh data directory.
source "$here/bench/lib.sh"  # now_ms, serving, LIMITS

# start_server LABEL COMMAND... ; sets server_pid and startup_ms
start_server() {
  local label=$1; shift
  local data="$out/data-$label"
  rm -rf "$data"; mkdir -p -m 700 "$data"  # owner-only, or the server refuses to start (docs/OPERATIONS.md, "Secrets at rest")
  local t0; t0=$(now_ms)
  "$@" --server.port="$PORT" --glasskey.base-url="http://localhost:$PORT" --glasskey.data-dir="$data" "${LIMITS[@]}" \
    >"$out/server-$label.log" 2>&1 &
  server_pid=$!
  until serving; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      note "server $label died during start-up:"; tail -30 "$out/server-$label.log" >&2; exit 1
    fi
    if [ $(( $(now_ms) - t0 )) -gt 60000 ]; then note "server $label not serving after 60 s"; exit 1; fi
    sleep 0.01
  done
  startup_ms=$(( $(now_ms) - t0 ))
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

if [ "$PLAIN_START" = 1 ]; then
  start_server plain "$JAVA" -jar target/glasskey.jar
  note "start-up, plain java -jar: ${startup_ms} ms"
  put startup.plain_ms "$startup_ms"
  stop_server
fi

starts=()
for i in $(seq 1 "$STARTS"); do
  opts=${JAVA_OPTS:-}
  if [ "${PROFILE:-0}" = 1 ] && [ "$i" = "$STARTS" ]; then
    opts="$opts -XX:StartFlightRecording=name=glasskey-bench,settings=default,maxage=30m"
  fi
  start_server "cds$i" env GLASSKEY_APP_DIR="$here/target/glasskey-app" JAVA_OPTS="$opts" bin/glasskey
  starts+=("$startup_ms")
  note "start-up $i, bin/glasskey (CDS archive on JDK 17-24, AOT cache on 25+): ${startup_ms} ms"
  if [ "$i" -lt "$STARTS" ]; then stop_server; fi
done
sorted=$(printf '%s\n' "${starts[@]}" | sort -n | tr '\n' ' ')
put startup.cds_ms "$(echo "${starts[@]}" | tr ' ' ',')"
put startup.cds_median_ms "$(printf '%s\n' "${starts[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
note "start-up with the launcher, sorted: $sorted ms"

# The last started server stays up for the load run. Idle RSS after it settles.
load_log="$out/server-cds$STARTS.log"
sleep 10
put rss.idle_kb "$(rss_kb "$server_pid")"
note "RSS idle (10 s after start): $(( $(rss_kb "$server_pid") / 1024 )) MiB"

# ---------------------------------------------------------------------------------------------
if [ "${SKIP_LOAD:-0}" != 1 ]; then
  profile_args=()
  if [ "${PROFILE:-0}" = 1 ]; then profile_args=(--profile "$out/server-load.jfr"); fi
  note "load: $ACCOUNTS accounts, $THREADS threads, warm-up $WARMUP, then $DURATION or $MAX sign-ins"
  "$JAVA" -cp "$cp" dev.glasskey.bench.LoadDriver --base-url "http://127.0.0.1:$PORT" --server-log "$load_log" \
    --accounts "$ACCOUNTS" --threads "$THREADS" --warmup "$WARMUP" --duration "$DURATION" --max "$MAX" \
    --server-pid "$server_pid" --out "$summary" "${profile_args[@]}" 2>&1 | tee "$out/load.txt"
  put rss.after_load_kb "$(rss_kb "$server_pid")"
  put rss.peak_kb "$(hwm_kb "$server_pid")"
  note "RSS after load: $(( $(rss_kb "$server_pid") / 1024 )) MiB (peak $(( $(hwm_kb "$server_pid") / 1024 )) MiB)"
  # What the heap holds after the load (the histogram forces a full GC: live objects only).
  jcmd_bin="$(dirname "$(readlink -f "$(command -v "$JAVA")")")/jcmd"
  "$jcmd_bin" "$server_pid" GC.heap_info >"$out/heap-after-load.txt" 2>&1 || true
  "$jcmd_bin" "$server_pid" GC.class_histogram >"$out/heap-histogram-after-load.full.txt" 2>/dev/null || true
  { head -30 "$out/heap-histogram-after-load.full.txt"; grep '^Total' "$out/heap-histogram-after-load.full.txt"; } \
    >"$out/heap-histogram-after-load.txt" 2>/dev/null || true
  rm -f "$out/heap-histogram-after-load.full.txt"
  "$jcmd_bin" "$server_pid" GC.heap_info >>"$out/heap-after-load.txt" 2>&1 || true
  put rss.after_full_gc_kb "$(rss_kb "$server_pid")"
  put heap.live_after_load_bytes "$(awk '/^Total/ {print $3}' "$out/heap-histogram-after-load.txt")"
  if [ "${PROFILE:-0}" = 1 ] && [ -f "$out/server-load.jfr" ]; then
    python3 bench/jfr-hot.py "$out/server-load.jfr" --thread http-nio --jfr "$(dirname "$(readlink -f "$(command -v "$JAVA")")")/jfr" \
      >"$out/server-profile.txt" 2>&1 || true
  fi
fi
stop_server
# The embedded database after the run (it is not compacted while running with WRITE_DELAY=0).
put db.size_after_load_mb "$(du -sm "$out/data-cds$STARTS" | cut -f1)"
note "H2 data directory after the run: $(du -sh "$out/data-cds$STARTS" | cut -f1)"
if [ "${KEEP_DATA:-0}" != 1 ]; then rm -rf "$out"/data-*; fi

# ---------------------------------------------------------------------------------------------
if [ "${SKIP_JMH:-0}" != 1 ]; then
  if [ "${JMH_QUICK:-0}" = 1 ]; then iters=(-wi 1 -w 1s -i 2 -r 1s); else iters=(-wi 3 -w 2s -i 5 -r 2s); fi
  jmh() { "$JAVA" -cp "$cp" org.openjdk.jmh.Main "$@"; }
  note "JMH: assertion verification, the server's providers (native first where it loads), 1 thread"
  jmh 'AssertionVerificationBenchmark' -p provider=server -t 1 -f 1 "${iters[@]}" \
    -rf json -rff "$out/jmh-server-1t.json" 2>&1 | tee "$out/jmh-server-1t.txt" | grep -E '^(Benchmark|AssertionVerification)'
  note "JMH: Bouncy Castle first (the server before the native provider), 1 thread"
  jmh 'AssertionVerificationBenchmark.(finishAssertion|parseAndFinishAssertion|ecdsaVerify|ecdsaVerifyCachedKey)$' -p provider=BC -t 1 -f 1 "${iters[@]}" \
    -rf json -rff "$out/jmh-bc-1t.json" 2>&1 | tee "$out/jmh-bc-1t.txt" | grep -E '^(Benchmark|AssertionVerification)'
  note "JMH: SunEC only, 1 thread"
  jmh 'AssertionVerificationBenchmark.(finishAssertion|ecdsaVerify|ecdsaVerifyCachedKey)$' -p provider=SunEC -t 1 -f 1 "${iters[@]}" \
    -rf json -rff "$out/jmh-sunec-1t.json" 2>&1 | tee "$out/jmh-sunec-1t.txt" | grep -E '^(Benchmark|AssertionVerification)'
  note "JMH: finishAssertion, the server's providers, 2 threads (both cores)"
  jmh 'AssertionVerificationBenchmark.finishAssertion$' -p provider=server -t 2 -f 1 "${iters[@]}" \
    -rf json -rff "$out/jmh-server-2t.json" 2>&1 | tee "$out/jmh-server-2t.txt" | grep -E '^(Benchmark|AssertionVerification)'
  note "JMH: ES256 token signature and key decode + verification, each provider set-up, 1 thread"
  jmh 'TokenSignatureBenchmark' -t 1 -f 1 "${iters[@]}" \
    -rf json -rff "$out/jmh-signature.json" 2>&1 | tee "$out/jmh-signature.txt" | grep -E '^(Benchmark|TokenSignature)'
fi

put machine.loadavg_after "$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------
python3 - "$out" <<'EOF' | tee "$out/summary.txt"
import json, os, sys
out = sys.argv[1]
props = {}
for line in open(os.path.join(out, "summary.properties")):
    if "=" in line:
        k, v = line.rstrip("\n").split("=", 1)
        props[k] = v
def jmh(name, bench, provider):
    p = os.path.join(out, name)
    if not os.path.exists(p):
        return None
    for r in json.load(open(p)):
        if r["benchmark"].endswith("." + bench) and r["params"]["provider"] == provider:
            return r["primaryMetric"]["score"]
    return None
verify1 = jmh("jmh-server-1t.json", "finishAssertion", "server")
verify2 = jmh("jmh-server-2t.json", "finishAssertion", "server")
r = lambda v: v and round(v)
rows = [
    ("start-up, plain java -jar (ms)", props.get("startup.plain_ms")),
    ("start-up, bin/glasskey (CDS/AOT cache), median (ms)", props.get("startup.cds_median_ms")),
    ("start-up, bin/glasskey (CDS/AOT cache), each (ms)", props.get("startup.cds_ms")),
    ("RSS idle (MiB)", props.get("rss.idle_kb") and int(props["rss.idle_kb"]) // 1024),
    ("RSS after load (MiB)", props.get("rss.after_load_kb") and int(props["rss.after_load_kb"]) // 1024),
    ("RSS peak (MiB)", props.get("rss.peak_kb") and int(props["rss.peak_kb"]) // 1024),
    ("RSS after load and a full GC (MiB)", props.get("rss.after_full_gc_kb") and int(props["rss.after_full_gc_kb"]) // 1024),
    ("live heap after load, after full GC (MiB)", props.get("heap.live_after_load_bytes") and int(props["heap.live_after_load_bytes"]) // (1024 * 1024)),
    ("H2 data directory after the run (MiB)", props.get("db.size_after_load_mb")),
    ("complete sign-ins/s", props.get("load.signins_per_s")),
    ("sign-in latency p50 / p99 (ms)", props.get("load.latency_p50_ms") and props["load.latency_p50_ms"] + " / " + props["load.latency_p99_ms"]),
    ("sign-in errors", props.get("load.signins_errors")),
    ("server CPU per sign-in (ms)", props.get("load.server_cpu_ms_per_signin")),
    ("driver CPU per sign-in (ms)", props.get("load.driver_cpu_ms_per_signin")),
    ("CPU of other processes during load (s)", props.get("load.other_processes_cpu_s")),
    ("bare verification, server providers, 1 thread (ops/s)", r(verify1)),
    ("bare verification, server providers, 2 threads (ops/s)", r(verify2)),
    ("parse + verification, server providers, 1 thread (ops/s)", r(jmh("jmh-server-1t.json", "parseAndFinishAssertion", "server"))),
    ("parse (shared mapper) + verification, server providers (ops/s)", r(jmh("jmh-server-1t.json", "parseSharedMapperAndFinishAssertion", "server"))),
    ("options JSON, Yubico helpers, server providers (ops/s)", r(jmh("jmh-server-1t.json", "startAssertionOptions", "server"))),
    ("raw ECDSA verify, fresh key, server providers (ops/s)", r(jmh("jmh-server-1t.json", "ecdsaVerify", "server"))),
    ("bare verification, BC first, 1 thread (ops/s)", r(jmh("jmh-bc-1t.json", "finishAssertion", "BC"))),
    ("raw ECDSA verify, fresh key, BC (ops/s)", r(jmh("jmh-bc-1t.json", "ecdsaVerify", "BC"))),
    ("bare verification, SunEC, 1 thread (ops/s)", r(jmh("jmh-sunec-1t.json", "finishAssertion", "SunEC"))),
]
for provider in ("server", "BC", "SunEC"):
    rows.append((f"ES256 token signature, {provider} (ops/s)", r(jmh("jmh-signature.json", "signAccessToken", provider))))
    rows.append((f"ES256 key decode + verification, {provider} (ops/s)", r(jmh("jmh-signature.json", "decodeKeyAndVerify", provider))))
rate = props.get("load.signins_per_s")
cpu = props.get("load.server_cpu_ms_per_signin")
if rate and verify2:
    rows.append(("throughput ratio: sign-ins/s / 2-thread verifications/s (target >= 0.5)", f"{float(rate) / verify2:.3f}"))
if cpu and verify1:
    rows.append(("cost ratio: server CPU per sign-in / CPU per bare verification (target <= 2)", f"{float(cpu) / (1000.0 / verify1):.1f}"))
for k, v in rows:
    if v is not None:
        print(f"{k}: {v}")
print(f"load average before / after: {props.get('machine.loadavg_before')} / {props.get('machine.loadavg_after')}")
print(f"results: {out}")
EOF
