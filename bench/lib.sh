# Shared by bench/run.sh and bench/ab.sh (sourced, not run). Needs PORT set.

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Polls GET /sign-in over bash's /dev/tcp (no process per poll, so polling steals little CPU):
# 0 when answered 200.
serving() {
  local line
  { exec 3<>"/dev/tcp/127.0.0.1/$PORT"; } 2>/dev/null || return 1
  printf 'GET /sign-in HTTP/1.1\r\nHost: localhost:%s\r\nAccept: text/html\r\nConnection: close\r\n\r\n' "$PORT" >&3
  IFS= read -r -t 5 line <&3 || { exec 3<&-; return 1; }
  exec 3<&- 3>&-
  [[ "$line" == "HTTP/1.1 200"* ]]
}

# Rate limits far above the load: the limiter runs on every request (its cost is part of the figures)
# but never refuses the load driver, which sends everything from 127.0.0.1. (An older build ignores
# them.) TokenLoad sets the same limits for the server it starts.
LIMITS=()
for l in sign-in credential-failures enrolment enrolment-link drill drill-id authorize token; do
  LIMITS+=("--glasskey.rate-limit.$l.requests=1000000000")
done
