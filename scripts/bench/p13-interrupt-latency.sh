#!/usr/bin/env bash
# P13: how soon a signal is honoured (issue 21: "exit 130 within 1 s of a signal, with reports
# marked interrupted"), whenever it comes: while a big valgrind XML is parsed, while the reports
# are rendered, or after. The log is p13-gen-log.py's (LEAKS records of FRAMES distinct frames;
# default 300 x 502, the shape of InterruptDuringParseTests.bigLog), the invocation
#   moq-leakcheck parse LOG --report-dir OUT --json --html --sarif --junit (and the text report)
# T is the median of N uninterrupted runs of the same invocation (exit 1). Then, N rounds, each
# sending SIGTERM at every share of T in SHARES: latency = signal to exit. Each sample is labelled
# with the phase it landed in, read from the report dir at the signal: "parse" (no output staged
# yet), "render" (a staged temporary file is there), "after" (the reports are committed: the
# run's verdict stands, exit 1). Every sample must agree with its JSON (exit 130 and
# `interrupted: true`, or exit 1 and false). Target: every latency < 1 s.
#
# Usage: p13-interrupt-latency.sh [N] [SHARES] [LEAKS] [FRAMES]   (env N, SHARES, LEAKS, FRAMES too)
# Exit: non-zero only on errors (a missed target is reported, not an error).
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

N="${1:-${N:-5}}"
SHARES="${2:-${SHARES:-0.02 0.05 0.1 0.3 0.5 0.7 0.85 0.95}}"
LEAKS="${3:-${LEAKS:-300}}"
FRAMES="${4:-${FRAMES:-502}}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer"
need python3
need swift
echo "building the release tool (swift build -c release) ..." >&2
(cd "$REPO_ROOT" && swift build -c release >&2) || die "swift build -c release failed"
[[ -x "$TOOL" ]] || die "no $TOOL after the build"
make_tmp p13
LOG="$BENCH_TMP/big.xml"
python3 "$BENCH_DIR/p13-gen-log.py" "$LOG" "$LEAKS" "$FRAMES"
OUT="$BENCH_TMP/out"

ARGS=(parse "$LOG" --report-dir "$OUT" --json "$OUT/report.json" --html "$OUT/report.html"
    --sarif "$OUT/report.sarif" --junit "$OUT/junit.xml" -q)
invocation() { "$TOOL" "${ARGS[@]}"; }
baseline() { rm -rf "$OUT"; timed "$BENCH_TMP/T" 1 invocation; }

echo "P13: load average before: $(load_avg); log $(du -h "$LOG" | cut -f1) ($LEAKS leaks x $FRAMES frames)" >&2
: >"$BENCH_TMP/T"
baseline  # warm-up (page cache)
: >"$BENCH_TMP/T"
cpu_mark
for ((i = 0; i < N; i++)); do baseline; done
T=$(median "$BENCH_TMP/T")
read -r _ tmin tmax _ < <(stat_line "$BENCH_TMP/T")
echo "T (uninterrupted, median of $N): $T s ($tmin..$tmax)" >&2

# One signalled run: appends "share phase latency exit json-interrupted" to $BENCH_TMP/samples.
signalled() {
    local share=$1 delay pid t_sig t_end rc=0 phase
    delay=$(python3 -c "print(f'{float(\"$share\") * float(\"$T\"):.3f}')")
    rm -rf "$OUT"
    # The tool itself in the background (a function would put a subshell between: $! its pid).
    "$TOOL" "${ARGS[@]}" >"$BENCH_TMP/last.log" 2>&1 &
    pid=$!
    sleep "$delay"
    if compgen -G "$OUT/.*.tmp-*" >/dev/null; then
        phase=render
    elif [[ -e "$OUT/report.json" ]]; then
        phase=after
    else
        phase=parse
    fi
    t_sig=$EPOCHREALTIME
    if ! kill -TERM "$pid" 2>/dev/null; then
        wait "$pid" || true
        echo "$share done - - -" >>"$BENCH_TMP/samples"  # finished before the signal
        return
    fi
    wait "$pid" || rc=$?
    t_end=$EPOCHREALTIME
    local interrupted
    interrupted=$(python3 -c '
import json, sys
try: print(str(json.load(open(sys.argv[1])).get("interrupted")).lower())
except Exception as e: print("unreadable")' "$OUT/report.json")
    if ! { [[ $rc == 130 && $interrupted == true ]] || [[ $rc == 1 && $interrupted == false ]]; }; then
        tail -n 20 "$BENCH_TMP/last.log" >&2
        die "share $share: exit $rc but the JSON says interrupted=$interrupted"
    fi
    local us=$(( ${t_end/./} - ${t_sig/./} ))
    printf '%s %s %d.%06d %s %s\n' "$share" "$phase" $(( us / 1000000 )) $(( us % 1000000 )) "$rc" "$interrupted" \
        >>"$BENCH_TMP/samples"
}

: >"$BENCH_TMP/samples"
for ((i = 0; i < N; i++)); do
    for share in $SHARES; do signalled "$share"; done
    printf '.' >&2
done
cpu_others
echo " done; load average after: $(load_avg)" >&2

python3 - "$BENCH_TMP/samples" "$T" "$N" "$CPU_OTHERS" <<'PY'
import statistics, sys
from collections import defaultdict
path, T, n, others = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = [l.split() for l in open(path) if l.strip()]
by_share = defaultdict(list)
for share, phase, lat, rc, js in rows:
    by_share[share].append((phase, lat, rc))
print(f"\nP13 signal-to-exit latency, parse of a big valgrind XML with every report; T = {T:.3f} s; "
      f"N = {n} per share; others used {others} cores")
print(f"{'share':>5}  {'phases':<22} {'exits':<14} {'median s':>8} {'max s':>7} {'med/T':>6} {'max/T':>6}")
lat_all = []
for share in sorted(by_share, key=float):
    xs = [float(l) for p, l, r in by_share[share] if p != "done"]
    phases = defaultdict(int)
    exits = defaultdict(int)
    for p, l, r in by_share[share]:
        phases[p] += 1
        exits[r] += 1
    ph = ",".join(f"{k}:{v}" for k, v in sorted(phases.items()))
    ex = ",".join(f"{k}:{v}" for k, v in sorted(exits.items()))
    if xs:
        lat_all += xs
        m, mx = statistics.median(xs), max(xs)
        print(f"{share:>5}  {ph:<22} {ex:<14} {m:8.3f} {mx:7.3f} {m / T:6.3f} {mx / T:6.3f}")
    else:
        print(f"{share:>5}  {ph:<22} {ex:<14} (every run finished before the signal)")
for phase in ("parse", "render", "after"):
    xs = [float(l) for s, p, l, r, j in rows if p == phase]
    if xs:
        print(f"phase {phase:<6}: {len(xs):3d} samples, median {statistics.median(xs):.3f} s, max {max(xs):.3f} s")
worst = max(lat_all) if lat_all else float("nan")
print(f"worst latency {worst:.3f} s ({worst / T:.3f} T): {'met' if worst < 1 else 'MISSED'} (target < 1 s)")
PY
