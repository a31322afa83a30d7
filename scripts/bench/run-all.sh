#!/usr/bin/env bash
# Runs the P1, P2 and P4 benchmarks once each and prints the machine and a compact table of
# ratios next to their targets (DESIGN.md "Performance targets").
#
# Usage: run-all.sh [--results FILE]
#   --results FILE  also write the machine, the table and the exact commands as Markdown
#                   (the measured part of scripts/bench/RESULTS.md)
# Env: N1 (P1 runs per variant, default 10), N2 (P2, default 5), N4 (P4, default 5).
# Exit: 0 whether or not targets are met (MISSED is printed); non-zero only on errors.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

results=
while [[ $# -gt 0 ]]; do
    case $1 in
        --results) [[ $# -ge 2 ]] || die "--results needs a file"; results=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done
N1="${N1:-10}"; N2="${N2:-5}"; N4="${N4:-5}"

ensure_tool
make_tmp all
export BENCH_SUMMARY="$BENCH_TMP/summary.tsv"
export BENCH_CARGO_TARGET_DIR="$BENCH_TMP/target"   # one fixture build shared by P2 and P4
: >"$BENCH_SUMMARY"

cpu_model="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
machine="$(nproc) cores, ${cpu_model:-unknown CPU}; $(. /etc/os-release && echo "$PRETTY_NAME"); $(valgrind --version); $(cargo --version 2>/dev/null || echo 'no cargo'); tool $("$TOOL" --version 2>&1 | head -n 1)"
started="$(date '+%Y-%m-%d %H:%M:%S %Z')"
load_before="$(load_avg)"
commit="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"

logs="$BENCH_TMP/logs"; mkdir -p "$logs"
"$BENCH_DIR/p1-overhead.sh" "$N1" | tee "$logs/p1.txt"
"$BENCH_DIR/p2-parallel.sh" "$N2" | tee "$logs/p2.txt"
"$BENCH_DIR/p4-attribution.sh" "$N4" | tee "$logs/p4.txt"
finished="$(date '+%Y-%m-%d %H:%M:%S %Z')"
load_after="$(load_avg)"

table() {  # table FORMAT(text|md)
    python3 - "$1" "$BENCH_SUMMARY" <<'PY'
import sys
fmt, path = sys.argv[1], sys.argv[2]
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
head = ["target", "case", "measured", "goal", "verdict", "detail"]
if fmt == "md":
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
else:
    w = [max(len(r[i]) for r in rows + [head]) for i in range(5)]
    for r in [head] + rows:
        print("  ".join(r[i].ljust(w[i]) for i in range(5)) + "  " + r[5])
PY
}

echo
echo "== moq-leakcheck benchmarks, $started .. $finished (commit $commit)"
echo "machine: $machine"
echo "load average: before $load_before, after $load_after"
table text

if [[ -n "$results" ]]; then
    {
        echo "## Run of $started (commit $commit)"
        echo
        echo "- machine: $machine"
        echo "- finished: $finished; load average (1/5/15 min) before: $load_before, after: $load_after"
        echo "- command: \`scripts/bench/run-all.sh\` (N1=$N1, N2=$N2, N4=$N4)"
        echo
        table md
        echo
        echo "<details><summary>Per-script output</summary>"
        echo
        echo '```'
        cat "$logs/p1.txt" "$logs/p2.txt" "$logs/p4.txt"
        echo '```'
        echo "</details>"
    } >"$results"
    echo "wrote $results"
fi
