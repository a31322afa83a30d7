#!/usr/bin/env bash
# P6: one libtest binary with 48 tests split across the cores. A generated std-only crate
# (scripts/bench/p6-gen-crate.py: 48 tests, each allocating and freeing WORK blocks), clean.
#   plain  valgrind <the tool's memcheck flags> --xml-file=… --log-file=… BIN
#          (one process; valgrind runs a process's threads one at a time)
#   tool   moq-leakcheck valgrind --manifest-path M --jobs 2 -q --report-dir TMP
#          (lists the tests, runs shards `BIN t… --exact --test-threads=1` on both cores)
# The crate is built before timing; one untimed warm-up of each variant also fills the
# timing cache (CARGO_TARGET_DIR/moq-leakcheck/timings.json), so the timed runs balance
# shards longest-first as every run after the first does. Median of N (default 3), interleaved.
# Target (issue 9): plain / tool >= 1.7.
#
# Usage: p6-shards.sh [N] [WORK]   (env N, WORK also work; WORK default 40000)
# Exit: 0 whether or not the target is met (MISSED is printed); non-zero only on errors.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

N="${1:-${N:-3}}"
WORK="${2:-${WORK:-40000}}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer"
[[ "$WORK" =~ ^[0-9]+$ ]] || die "WORK must be a whole number"
ensure_tool
need cargo
make_tmp p6
export CARGO_TARGET_DIR="$BENCH_TMP/target"
python3 "$BENCH_DIR/p6-gen-crate.py" "$BENCH_TMP/crate" 48 "$WORK"
M="$BENCH_TMP/crate/Cargo.toml"

echo "P6: building the 48-test crate (not timed) ..." >&2
BIN=$(cargo test --no-run --message-format=json --manifest-path "$M" 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(m["executable"])')
[[ -x "$BIN" ]] || die "no test executable from cargo"

run_variant() {
    case $1 in
        plain) timed "$BENCH_TMP/plain" "0" valgrind "${TOOL_VALGRIND_FLAGS[@]}" \
                   --xml-file="$BENCH_TMP/plain.xml" --log-file="$BENCH_TMP/plain.log" "$BIN" ;;
        tool)  rm -rf "$BENCH_TMP/out"
               timed "$BENCH_TMP/tool" "0" "$TOOL" valgrind --manifest-path "$M" --jobs 2 -q \
                   --report-dir "$BENCH_TMP/out" ;;
    esac
}

interleave_variants P6 plain tool
shards=$(find "$BENCH_TMP/out" -name '*.xml' | wc -l)
read -r pm pmin pmax _ < <(stat_line "$BENCH_TMP/plain")
read -r tm tmin tmax _ < <(stat_line "$BENCH_TMP/tool")
r=$(ratio "$pm" "$tm"); v=$(verdict "$r" ge 1.7)
echo
echo "P6 one 48-test binary (WORK=$WORK) — median of $N (min..max) s; target plain/tool >= 1.7"
printf '%-6s %-22s %s\n' plain "$pm ($pmin..$pmax)" "1 valgrind process"
printf '%-6s %-22s %s\n' tool "$tm ($tmin..$tmax)" "$shards valgrind processes (shards), --jobs 2"
echo "speed-up plain/tool: $r — $v"
echo "$noise"
summary P6 "48-test binary, --jobs 2 vs plain valgrind (N=$N)" "$r" ">= 1.7" "$v" \
    "tool $tm s ($shards shards), plain $pm s; other processes used $CPU_OTHERS cores"
