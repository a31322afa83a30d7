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
# Then, for the "where does the time go" question: the tool's start-up (--version) and its
# parse+report time on the XML it produced (`moq-leakcheck parse`).
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

VARIANTS=(tool raw rawflags)
CASES=(leaks churn)
echo "P1: $N interleaved runs per variant; load average before: $(load_avg)" >&2
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

# Where the tool's own time goes, measured without valgrind.
: >"$BENCH_TMP/startup"; : >"$BENCH_TMP/parse"
xml="$(find "$BENCH_TMP/rep-churn" -name '*.xml' | head -n 1)"
[[ -n "$xml" ]] || die "the tool left no XML under its report dir"
for ((i = 0; i < N; i++)); do
    timed "$BENCH_TMP/startup" "0" "$TOOL" --version
    timed "$BENCH_TMP/parse" "0 1" "$TOOL" parse "$xml"
done
echo "load average after: $(load_avg)" >&2

echo
echo "P1 orchestration overhead — median wall seconds of $N (min..max); target tool/raw <= 1.05"
printf '%-7s %-20s %-20s %-20s %-9s %-9s %s\n' program tool raw rawflags tool/raw verdict tool/rawflags
for c in "${CASES[@]}"; do
    read -r tm tmin tmax _ < <(stat_line "$BENCH_TMP/$c.tool")
    read -r rm_ rmin rmax _ < <(stat_line "$BENCH_TMP/$c.raw")
    read -r fm fmin fmax _ < <(stat_line "$BENCH_TMP/$c.rawflags")
    r=$(ratio "$tm" "$rm_"); rf=$(ratio "$tm" "$fm"); v=$(verdict "$r" le 1.05)
    printf '%-7s %-20s %-20s %-20s %-9s %-9s %s\n' "$c" "$tm ($tmin..$tmax)" \
        "$rm_ ($rmin..$rmax)" "$fm ($fmin..$fmax)" "$r" "$v" "$rf"
    summary P1 "$c.c (N=$N)" "$r" "<= 1.05" "$v" \
        "tool $tm s, raw $rm_ s, raw with the tool's flags $fm s (tool/that $rf)"
done
sm=$(median "$BENCH_TMP/startup"); pm=$(median "$BENCH_TMP/parse")
echo "tool start-up (moq-leakcheck --version): ${sm} s; parse+report of the churn XML (moq-leakcheck parse): ${pm} s"
summary P1 "tool start-up / parse of churn XML" "${sm} s / ${pm} s" "-" "info" \
    "moq-leakcheck --version; moq-leakcheck parse <the tool's churn XML>"
