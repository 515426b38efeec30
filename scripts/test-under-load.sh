#!/usr/bin/env bash
# Stability check: runs the whole `npm test` five times in a row (or $1 times) while two
# CPU-bound processes (`yes >/dev/null`) run beside it, as on a busy CI machine. Prints each
# run's wall time and result, stops the two processes at the end, and exits non-zero if any
# run failed. Each run's output is kept in a log file named in the output.
set -uo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
logs=$(mktemp -d /tmp/dockyard-under-load.XXXXXX)
hogs=()
stop_hogs() {
  ((${#hogs[@]} > 0)) || return 0
  kill "${hogs[@]}" 2>/dev/null
  wait "${hogs[@]}" 2>/dev/null
  hogs=()
}
trap stop_hogs EXIT

for _ in 1 2; do
  yes >/dev/null &
  hogs+=("$!")
done
echo "test-under-load: $runs × npm test beside 2 × \`yes >/dev/null\` (pids ${hogs[*]}) on $(nproc) CPUs; logs in $logs"

failed=0
for ((run = 1; run <= runs; run++)); do
  log="$logs/run-$run.log"
  start=$(date +%s%N)
  if npm test >"$log" 2>&1; then result=passed; else result=FAILED; failed=$((failed + 1)); fi
  ms=$((($(date +%s%N) - start) / 1000000))
  printf 'run %d: %-6s %4d.%d s  %s  (%s)\n' "$run" "$result" $((ms / 1000)) $((ms % 1000 / 100)) \
    "$(grep -a '^tests:' "$log" | tail -n 1 || echo 'no test summary: typecheck or lint failed')" "$log"
done

stop_hogs
echo "test-under-load: $((runs - failed)) of $runs runs passed"
((failed == 0))
