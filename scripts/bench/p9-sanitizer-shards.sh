#!/usr/bin/env bash
# P9: ASan at suite scale. Generated std-only crates (scripts/bench/p6-gen-crate.py) with
# NT trivial tests in one binary, test t0000 leaking 40 bytes in its body, for NT = 10, 100, 1000:
#   shards  moq-leakcheck asan --manifest-path M --jobs 2 -q --report-dir TMP   (the default:
#           shards of the listed tests, leaks attributed by their stack)
#   whole   moq-leakcheck asan --manifest-path M --no-per-test --jobs 2 -q --report-dir TMP
#           (the binary in one process)
# Both exit 1 (the leak). Each crate is built (instrumented, by one untimed warm-up run of
# each variant, which also fills the timing cache) before timing; median of N (default 3),
# interleaved. In the shards run the leak must be attributed to tests::t0000 by stack.
# Target (issue 12): shards / whole <= 1.3 at NT = 1000; the other sizes show how cost grows.
# Then (untimed) a 1000-test crate whose t0001 also does a use-after-free: the error must be
# attributed to t0001 and all 1000 tests must have run to completion in some process.
#
# Usage: p9-sanitizer-shards.sh [N] [SIZES]   (env N, SIZES also work; SIZES default "10 100 1000")
# Exit: 0 whether or not the target is met (MISSED is printed); non-zero only on errors.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

N="${1:-${N:-3}}"
SIZES="${2:-${SIZES:-10 100 1000}}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer"
ensure_tool
need cargo
make_tmp p9

run_variant() {  # run_variant SIZE shards|whole
    local size=$1 v=$2 out="$BENCH_TMP/out-$1-$2" mode=
    [[ $v == whole ]] && mode=--no-per-test
    rm -rf "$out"
    export CARGO_TARGET_DIR="$BENCH_TMP/c$size/target"
    timed "$BENCH_TMP/$size-$v" "1" "$TOOL" asan --manifest-path "$BENCH_TMP/c$size/Cargo.toml" ${mode:+"$mode"} \
        --jobs 2 -q --report-dir "$out" --json "$out/report.json"
}

declare -A MED PROCS
echo "P9: sizes $SIZES, $N interleaved runs per variant; load average before: $(load_avg)" >&2
cpu_mark
for size in $SIZES; do
    [[ "$size" =~ ^[1-9][0-9]*$ ]] || die "sizes must be positive integers"
    python3 "$BENCH_DIR/p6-gen-crate.py" "$BENCH_TMP/c$size" "$size" 0 --leak
    run_variant "$size" shards; run_variant "$size" whole   # warm-up: builds, fills the cache
    : >"$BENCH_TMP/$size-shards"; : >"$BENCH_TMP/$size-whole"
    for ((i = 0; i < N; i++)); do
        if (( i % 2 )); then run_variant "$size" whole; run_variant "$size" shards
        else run_variant "$size" shards; run_variant "$size" whole; fi
        printf '.' >&2
    done
    ok=$(python3 - "$BENCH_TMP/out-$size-shards/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
fs = [(f.get("test"), f.get("attributedBy"), f.get("bytes")) for run in r["runs"] for f in run["findings"]
      if f.get("suppressedBy") is None]
print("ok" if fs == [("tests::t0000", "stack", 40)] else f"WRONG {fs}")
PY
)
    [[ $ok == ok ]] || die "N=$size: the leak was not attributed to tests::t0000 by stack: $ok"
    MED[$size-shards]=$(median "$BENCH_TMP/$size-shards"); MED[$size-whole]=$(median "$BENCH_TMP/$size-whole")
    PROCS[$size]=$(find "$BENCH_TMP/out-$size-shards/leakcheck-logs/asan" -name '*.out' | wc -l)
done
cpu_others
noise="$(noise_note "$CPU_OTHERS")"

# Not timed: the same 1000-test binary where t0001 also reads freed memory. ASan halts its
# shard there; the error must be t0001's and every other test must still have run.
python3 "$BENCH_DIR/p6-gen-crate.py" "$BENCH_TMP/cuaf" 1000 0 --leak --uaf
out="$BENCH_TMP/out-uaf"
CARGO_TARGET_DIR="$BENCH_TMP/cuaf/target" "$TOOL" asan --manifest-path "$BENCH_TMP/cuaf/Cargo.toml" --jobs 2 -q \
    --report-dir "$out" --json "$out/report.json" >"$BENCH_TMP/uaf.log" 2>&1 && die "the use-after-free crate exited 0"
uaf=$(python3 - "$out/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
fs = sorted((f.get("test"), f["kind"], f.get("attributedBy")) for run in r["runs"] for f in run["findings"]
            if f.get("suppressedBy") is None)
ran = [t for run in r["runs"] for t in run.get("tests") or []]
want = sorted([("tests::t0000", "definitelyLost", "stack"), ("tests::t0001", "useAfterFree", "stack")])
ok = fs == want and len(ran) == 1000 and len(set(ran)) == 1000
print(f"ok: {len(ran)} tests ran once each" if ok else f"WRONG findings {fs}, {len(ran)} tests ({len(set(ran))} distinct)")
PY
)
[[ $uaf == ok* ]] || die "use-after-free case: $uaf"
echo "use-after-free in tests::t0001 of 1000: attributed by stack, $uaf" >&2
echo " done; load average after: $(load_avg)" >&2
echo
echo "P9 asan, one binary of NT trivial tests (one leaking) — medians of $N, s"
printf '%-6s %-10s %-10s %-8s %s\n' NT shards whole ratio "processes (shards)"
last=
for size in $SIZES; do
    r=$(ratio "${MED[$size-shards]}" "${MED[$size-whole]}")
    printf '%-6s %-10s %-10s %-8s %s\n' "$size" "${MED[$size-shards]}" "${MED[$size-whole]}" "$r" "${PROCS[$size]}"
    last=$size
    if [[ $size == 1000 ]]; then
        v=$(verdict "$r" le 1.3)
        echo "NT=1000: shards/whole $r — $v (target <= 1.3)"
        summary P9 "asan, 1000 trivial tests, shards vs --no-per-test (N=$N)" "$r" "<= 1.3" "$v" \
            "shards ${MED[$size-shards]} s (${PROCS[$size]} processes), whole ${MED[$size-whole]} s; leak attributed by stack; other processes used $CPU_OTHERS cores"
    else
        summary P9 "asan, $size trivial tests, shards vs --no-per-test (N=$N)" "$r" "- (growth)" "info" \
            "shards ${MED[$size-shards]} s (${PROCS[$size]} processes), whole ${MED[$size-whole]} s"
    fi
done
[[ -n $last ]] || die "no sizes"
echo "$noise"
