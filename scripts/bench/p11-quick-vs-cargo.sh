#!/usr/bin/env bash
# P11: `quick` vs a plain `cargo test`, on the 48-test crate of P6 (scripts/bench/p6-gen-crate.py)
# with test t0000 leaking 40 bytes (cargo test passes; quick finds it).
#   quick  moq-leakcheck quick --manifest-path LEAK --jobs 2 -q --report-dir TMP   (exit 1)
#   cargo  cargo test --manifest-path LEAK -q -- --test-threads=2                  (exit 0)
# Builds warm: one untimed run of each first. Median of N (default 3), interleaved.
# Target (issue 20): quick / cargo <= 3.
#
# Usage: p11-quick-vs-cargo.sh [N] [WORK]   (env N, WORK also work; WORK default 40000)
# Exit: 0 whether or not the target is met (MISSED is printed); non-zero only on errors.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

p6_leaking_crate p11 "${1:-}" "${2:-}"

run_variant() {  # run_variant quick|cargo
    case $1 in
        quick)
            rm -rf "$BENCH_TMP/out-quick"
            timed "$BENCH_TMP/quick" 1 "$TOOL" quick \
                --manifest-path "$BENCH_TMP/crate/Cargo.toml" --jobs 2 -q --report-dir "$BENCH_TMP/out-quick" ;;
        cargo)
            timed "$BENCH_TMP/cargo" 0 cargo test --manifest-path "$BENCH_TMP/crate/Cargo.toml" -q -- --test-threads=2 ;;
    esac
}

interleave_variants P11 quick cargo
read -r qm qmin qmax _ < <(stat_line "$BENCH_TMP/quick")
read -r cm cmin cmax _ < <(stat_line "$BENCH_TMP/cargo")
r=$(ratio "$qm" "$cm"); v=$(verdict "$r" le 3)
echo
echo "P11 quick vs cargo test --test-threads=2, 48 tests, one leaking (WORK=$WORK) — median of $N (min..max) s; target quick/cargo <= 3"
printf '%-6s %s\n' quick "$qm ($qmin..$qmax)" cargo "$cm ($cmin..$cmax)"
echo "quick/cargo: $r — $v"
echo "$noise"
summary P11 "quick vs cargo test --test-threads=2, 48 tests (N=$N)" "$r" "<= 3" "$v" \
    "quick $qm s, cargo test $cm s; other processes used $CPU_OTHERS cores"
