#!/usr/bin/env bash
# P12: how `quick`'s cost grows with the suite, beside P9's asan figures. Generated std-only
# crates (scripts/bench/p6-gen-crate.py) with NT trivial tests in one binary, test t0000
# leaking 40 bytes in its body, for NT = 10, 100, 1000:
#   quick  moq-leakcheck quick --manifest-path M --jobs 2 -q --report-dir TMP   (exit 1)
# Each crate is built by one untimed warm-up run (which also fills the timing cache); median
# of N (default 3). The leak must be attributed to tests::t0000 by stack. Informational: no target.
#
# Usage: p12-quick-growth.sh [N] [SIZES]   (env N, SIZES also work; SIZES default "10 100 1000")
# Exit: non-zero only on errors.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

N="${1:-${N:-3}}"
SIZES="${2:-${SIZES:-10 100 1000}}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer"
ensure_tool
need cargo
make_tmp p12

run_variant() {  # run_variant SIZE
    local out="$BENCH_TMP/out-$1"
    rm -rf "$out"
    CARGO_TARGET_DIR="$BENCH_TMP/crate-$1/target" timed "$BENCH_TMP/$1" 1 "$TOOL" quick \
        --manifest-path "$BENCH_TMP/crate-$1/Cargo.toml" --jobs 2 -q --report-dir "$out" --json "$out/report.json"
}

echo "P12: load average before: $(load_avg)" >&2
lines=()
for size in $SIZES; do
    python3 "$BENCH_DIR/p6-gen-crate.py" "$BENCH_TMP/crate-$size" "$size" 0 --leak
    run_variant "$size"  # warm-up: builds the crate, fills the timing cache
    : >"$BENCH_TMP/$size"
    cpu_mark
    for ((i = 0; i < N; i++)); do run_variant "$size"; done
    cpu_others
    attributed=$(python3 - "$BENCH_TMP/out-$size/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
fs = [(f.get("test"), f.get("attributedBy"), f.get("bytes")) for run in r["runs"] for f in run["findings"]
      if f.get("suppressedBy") is None]
print("ok" if fs == [("tests::t0000", "stack", 40)] else f"WRONG {fs}")
PY
)
    [[ $attributed == ok ]] || die "NT=$size: the leak was not attributed to tests::t0000 by stack: $attributed"
    read -r m mn mx _ < <(stat_line "$BENCH_TMP/$size")
    procs=$(find "$BENCH_TMP/out-$size/leakcheck-logs/quick" -name '*.out' | wc -l)
    lines+=("$(printf '%-6s %-22s %s processes; others used %s cores' "$size" "$m ($mn..$mx)" "$procs" "$CPU_OTHERS")")
    summary P12 "quick, $size tests in one binary (N=$N)" "$m s" "-" "info" "$procs processes; others used $CPU_OTHERS cores"
done
echo
echo "P12 quick, NT trivial tests in one binary, one leaking — median of $N (min..max) s"
printf '%s\n' "${lines[@]}"
echo "load average after: $(load_avg)"
