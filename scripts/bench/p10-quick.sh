#!/usr/bin/env bash
# P10: `quick` vs `valgrind`, both through the tool, on the 48-test crate of P6
# (scripts/bench/p6-gen-crate.py) with test t0000 leaking 40 bytes in its body.
#   quick     moq-leakcheck quick    --manifest-path LEAK --jobs 2 -q --report-dir TMP   (exit 1)
#   valgrind  moq-leakcheck valgrind --manifest-path LEAK --jobs 2 -q --report-dir TMP   (exit 1)
# Builds warm: one untimed run of each first (cargo builds, timing caches). Median of N
# (default 3), interleaved. Each run's leak must be attributed to tests::t0000 by stack.
# Target (issue 20): valgrind / quick >= 5.
#
# Usage: p10-quick.sh [N] [WORK]   (env N, WORK also work; WORK default 40000)
# Exit: 0 whether or not the target is met (MISSED is printed); non-zero only on errors.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

p6_leaking_crate p10 "${1:-}" "${2:-}"

run_variant() {  # run_variant quick|valgrind
    rm -rf "$BENCH_TMP/out-$1"
    timed "$BENCH_TMP/$1" 1 "$TOOL" "$1" \
        --manifest-path "$BENCH_TMP/crate/Cargo.toml" --jobs 2 -q --report-dir "$BENCH_TMP/out-$1" \
        --json "$BENCH_TMP/out-$1/report.json"
}

interleave_variants P10 quick valgrind
for v in quick valgrind; do
    attributed=$(python3 - "$BENCH_TMP/out-$v/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
fs = [(f.get("test"), f.get("attributedBy"), f.get("bytes")) for run in r["runs"] for f in run["findings"]
      if f.get("suppressedBy") is None]
print("ok" if fs == [("tests::t0000", "stack", 40)] else f"WRONG {fs}")
PY
)
    [[ $attributed == ok ]] || die "$v: the leak was not attributed to tests::t0000 by stack: $attributed"
done
read -r qm qmin qmax _ < <(stat_line "$BENCH_TMP/quick")
read -r vm vmin vmax _ < <(stat_line "$BENCH_TMP/valgrind")
r=$(ratio "$vm" "$qm"); v=$(verdict "$r" ge 5)
echo
echo "P10 quick vs valgrind, 48 tests, one leaking (WORK=$WORK), --jobs 2 — median of $N (min..max) s; target valgrind/quick >= 5"
printf '%-9s %s\n' quick "$qm ($qmin..$qmax)" valgrind "$vm ($vmin..$vmax)"
echo "valgrind/quick: $r — $v (both attribute the leak to tests::t0000 by stack)"
echo "$noise"
summary P10 "quick vs valgrind, 48 tests, one leaking, --jobs 2 (N=$N)" "$r" ">= 5" "$v" \
    "quick $qm s, valgrind $vm s; other processes used $CPU_OTHERS cores"
