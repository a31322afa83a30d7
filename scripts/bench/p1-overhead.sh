#!/usr/bin/env bash
# P1 orchestration overhead: `moq-leakcheck valgrind -- BIN` vs raw `valgrind --xml=yes BIN`.
# Target (DESIGN.md): tool <= 1.05x raw. Ratios of medians from one invocation of this script.
#
# Two programs: Tests/Fixtures/c/leaks.c (short: ~0.5 s under valgrind, mostly valgrind
# start-up) and churn.c (generated below: ~400k malloc/free, ~1.3 s under valgrind), because
# a fixed per-run cost matters relative to the run length.
# Three variants per program, interleaved in rotating order so they share machine noise:
#   tool      moq-leakcheck valgrind -q --report-dir TMP -- BIN
#   raw       valgrind --xml=yes --xml-file=TMP/x.xml --leak-check=full --show-leak-kinds=all BIN
#   rawflags  valgrind with exactly the tool's flags (explains how much of tool/raw is the
#             flags -- --gen-suppressions=all, --num-callers=40 ... -- and how much is the tool)
# Then, for "where does the time go" (not part of the ratios): the tool run through
# valgrind-shim.c (a `valgrind` first on PATH that logs when the tool launches it and when the
# real valgrind exits), the tool's bare start-up (--version) and its parse+report time on the
# XML it produced (`moq-leakcheck parse`).
#
# Usage: p1-overhead.sh [N]   (N runs per variant, default 10; env N also works)
# Exit: 0 whether or not the target is met (MISSED is printed); non-zero only on errors.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

N="${1:-${N:-10}}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer"
ensure_tool
need cc
make_tmp p1

cc -g -O0 -o "$BENCH_TMP/leaks" "$C_FIXTURES/leaks.c"
cat >"$BENCH_TMP/churn.c" <<'EOF'
/* churn.c - allocation-heavy program for the P1 benchmark: ROUNDS malloc/free over a ring of
 * live blocks, then 3 small definite leaks so the report is not empty. Exits 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define RING 1024
static void *volatile sink;
int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 400000;
    void *ring[RING] = {0};
    unsigned long sum = 0;
    for (long i = 0; i < rounds; i++) {
        size_t sz = 16 + (size_t)(i * 2654435761u % 512);
        int slot = (int)(i % RING);
        free(ring[slot]);
        ring[slot] = malloc(sz);
        memset(ring[slot], (int)i, sz);
        sum += ((unsigned char *)ring[slot])[sz / 2];
    }
    for (int s = 0; s < RING; s++) free(ring[s]);
    for (int k = 0; k < 3; k++) sink = malloc(32 + (size_t)k);
    printf("%lu\n", sum);
    return 0;
}
EOF
cc -g -O0 -o "$BENCH_TMP/churn" "$BENCH_TMP/churn.c"

run_variant() {  # run_variant CASE VARIANT BIN
    local case=$1 variant=$2 bin=$3 out="$BENCH_TMP/$1.$2"
    case $variant in
        tool)
            rm -rf "$BENCH_TMP/rep-$case"
            # exit 1 = findings fail the policy (both programs leak on purpose)
            timed "$out" "0 1" "$TOOL" valgrind -q --report-dir "$BENCH_TMP/rep-$case" -- "$bin" ;;
        raw)
            timed "$out" "0" valgrind --xml=yes --xml-file="$BENCH_TMP/$case.raw.xml" \
                --leak-check=full --show-leak-kinds=all "$bin" ;;
        rawflags)
            timed "$out" "0" valgrind "${TOOL_VALGRIND_FLAGS[@]}" \
                --xml-file="$BENCH_TMP/$case.rawflags.xml" \
                --log-file="$BENCH_TMP/$case.rawflags.log" "$bin" ;;
    esac
}

# phases CASE -> "BEFORE_MS VG_IN_TOOL_S AFTER_MS VG_DIRECT_S": N rounds, each the tool with
# valgrind-shim.c as `valgrind` first on PATH, then the shim run directly with the tool's flags
# (same fork+exec path, so the two valgrind times compare like for like). BEFORE = tool start
# -> valgrind launched; AFTER = valgrind exited -> tool exited. Medians.
phases() {
    local c=$1 i t0 t3
    : >"$BENCH_TMP/$c.shim"; : >"$BENCH_TMP/$c.outer"; : >"$BENCH_TMP/$c.direct"
    for ((i = 0; i < N; i++)); do
        rm -rf "$BENCH_TMP/rep-shim"
        t0=$EPOCHREALTIME
        SHIM_LOG="$BENCH_TMP/$c.shim" PATH="$BENCH_TMP/shim:$PATH" \
            "$TOOL" valgrind -q --report-dir "$BENCH_TMP/rep-shim" -- "$BENCH_TMP/$c" \
            >/dev/null 2>&1 || true
        t3=$EPOCHREALTIME
        echo "$t0 $t3" >>"$BENCH_TMP/$c.outer"
        SHIM_LOG="$BENCH_TMP/$c.direct" "$BENCH_TMP/shim/valgrind" "${TOOL_VALGRIND_FLAGS[@]}" \
            --xml-file="$BENCH_TMP/$c.direct.xml" --log-file="$BENCH_TMP/$c.direct.log" \
            "$BENCH_TMP/$c" >"$BENCH_TMP/$c.direct.out" 2>&1 </dev/null || true
    done
    python3 - "$BENCH_TMP/$c.outer" "$BENCH_TMP/$c.shim" "$BENCH_TMP/$c.direct" <<'PY'
import statistics, sys
def rows(path):
    return [tuple(map(float, l.split())) for l in open(path) if l.strip()]
outer, shim, direct = rows(sys.argv[1]), rows(sys.argv[2]), rows(sys.argv[3])
if len(outer) != len(shim) or not direct:
    sys.exit("error: the tool did not run valgrind through the PATH shim")
before = statistics.median(s[0] - o[0] for o, s in zip(outer, shim)) * 1000
vg = statistics.median(s[1] - s[0] for s in shim)
after = statistics.median(o[1] - s[1] for o, s in zip(outer, shim)) * 1000
vd = statistics.median(d[1] - d[0] for d in direct)
print(f"{before:.1f} {vg:.3f} {after:.1f} {vd:.3f}")
PY
}

VARIANTS=(tool raw rawflags)
CASES=(leaks churn)
echo "P1: $N interleaved runs per variant; load average before: $(load_avg)" >&2
cpu_mark
for c in "${CASES[@]}"; do
    for v in "${VARIANTS[@]}"; do  # warm-up (page cache, ld.so cache), not counted
        run_variant "$c" "$v" "$BENCH_TMP/$c"
    done
    : >"$BENCH_TMP/$c.tool"; : >"$BENCH_TMP/$c.raw"; : >"$BENCH_TMP/$c.rawflags"
    for ((i = 0; i < N; i++)); do
        for ((k = 0; k < 3; k++)); do  # rotate the order each round
            run_variant "$c" "${VARIANTS[$(( (i + k) % 3 ))]}" "$BENCH_TMP/$c"
        done
        printf '.' >&2
    done
    echo " $c done" >&2
done
cpu_others
noise="$(noise_note "$CPU_OTHERS")"

# Where the tool's own time goes (not part of the ratios above).
# 1) its phases around valgrind, through the shim
mkdir -p "$BENCH_TMP/shim"
cc -O2 -DREAL_VALGRIND="\"$(command -v valgrind)\"" -o "$BENCH_TMP/shim/valgrind" \
    "$BENCH_DIR/valgrind-shim.c"
for c in "${CASES[@]}"; do
    ph="$(phases "$c")" || die "phase measurement failed"
    read -r "ph_before_$c" "ph_vg_$c" "ph_after_$c" "ph_direct_$c" <<<"$ph"
done
# 2) bare start-up, and parse+report of the XML it wrote, without valgrind
: >"$BENCH_TMP/startup"; : >"$BENCH_TMP/parse"
xml="$(find "$BENCH_TMP/rep-churn" -name '*.xml' | head -n 1)"
[[ -n "$xml" ]] || die "the tool left no XML under its report dir"
for ((i = 0; i < N; i++)); do
    timed "$BENCH_TMP/startup" "0" "$TOOL" --version
    # --report-dir: parse writes valgrind-report.txt, by default into the cwd
    timed "$BENCH_TMP/parse" "0 1" "$TOOL" parse --report-dir "$BENCH_TMP/rep-parse" "$xml"
done
echo "load average after: $(load_avg)" >&2

echo
echo "P1 orchestration overhead — median wall seconds of $N (min..max); target tool/raw <= 1.05"
printf '%-7s %-20s %-20s %-20s %-9s %-9s %-14s %s\n' program tool raw rawflags tool/raw verdict tool/rawflags "paired tool/raw"
for c in "${CASES[@]}"; do
    read -r tm tmin tmax _ < <(stat_line "$BENCH_TMP/$c.tool")
    read -r rm_ rmin rmax _ < <(stat_line "$BENCH_TMP/$c.raw")
    read -r fm fmin fmax _ < <(stat_line "$BENCH_TMP/$c.rawflags")
    r=$(ratio "$tm" "$rm_"); rf=$(ratio "$tm" "$fm"); v=$(verdict "$r" le 1.05)
    pr=$(paired_ratio "$BENCH_TMP/$c.tool" "$BENCH_TMP/$c.raw")
    printf '%-7s %-20s %-20s %-20s %-9s %-9s %-14s %s\n' "$c" "$tm ($tmin..$tmax)" \
        "$rm_ ($rmin..$rmax)" "$fm ($fmin..$fmax)" "$r" "$v" "$rf" "$pr"
    summary P1 "$c.c (N=$N)" "$r" "<= 1.05" "$v" \
        "tool $tm s, raw $rm_ s, raw with the tool's flags $fm s (tool/that $rf); median of per-round ratios $pr; other processes used $CPU_OTHERS cores"
done
echo "$noise"
echo "where the tool's own time goes (median of $N rounds through a valgrind PATH shim):"
printf '  %-7s %-24s %-22s %-22s %-18s %s\n' program "tool start -> valgrind" "valgrind exit -> end" "valgrind in tool" "valgrind direct" "fixed cost / raw"
for c in "${CASES[@]}"; do
    b="ph_before_$c"; g="ph_vg_$c"; a="ph_after_$c"; d="ph_direct_$c"
    fixed=$(python3 -c "import sys; print(f'{(float(sys.argv[1]) + float(sys.argv[2])) / 1000 / float(sys.argv[3]) * 100:.1f}%')" \
        "${!b}" "${!a}" "$(median "$BENCH_TMP/$c.raw")")
    printf '  %-7s %-24s %-22s %-22s %-18s %s\n' "$c" "${!b} ms" "${!a} ms" "${!g} s" "${!d} s" "$fixed"
    summary P1 "$c.c: the tool's own time" "${!b} + ${!a} ms" "-" "info" \
        "tool start -> valgrind launched ${!b} ms, valgrind exit -> tool exit ${!a} ms (= $fixed of raw); valgrind inside the tool ${!g} s vs ${!d} s launched directly, same flags"
done
sm=$(median "$BENCH_TMP/startup"); pm=$(median "$BENCH_TMP/parse")
echo "  bare start-up (moq-leakcheck --version): ${sm} s; parse+report of the churn XML (moq-leakcheck parse): ${pm} s"
summary P1 "bare start-up / parse+report" "${sm} s / ${pm} s" "-" "info" \
    "moq-leakcheck --version; moq-leakcheck parse <the churn XML the tool wrote>"
