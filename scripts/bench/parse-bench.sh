#!/usr/bin/env bash
# P3 end to end (issue 9): the `moq-leakcheck parse` command, reports written
# (--json, the text report and the HTML report in --report-dir), against a bare
# Foundation XMLParser(stream:) walk of the same valgrind XML with empty callbacks;
# and `parse` of a sanitizer log of the same size. One row per size, so the table
# shows how time and peak RSS grow from 10 MB to 1 GB.
#
#   scripts/bench/parse-bench.sh                          # 10, 100, 1000 MB, 1 run each
#   SIZES="10 100 300 1000" RUNS=3 scripts/bench/parse-bench.sh
#
# Targets: parse command >= 2x faster than the XMLParser walk, peak RSS <= 64 MB at
# 100 MB and at 1 GB, for valgrind XML and for sanitizer logs.
#
# Inputs are generated in a temporary directory from the real captures in
# Tests/Fixtures/logs (parse-gen.py: valgrind XML; parse-gen-sanitizer.py: ASan/LSan
# logs), one at a time, and deleted after use (and on exit). The tool is the release
# build (`swift build -c release`); the walk is parse-xmlwalk.swift built with
# `swiftc -O`. No test target does timing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SIZES=${SIZES:-"10 100 1000"}
RUNS=${RUNS:-1}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/moq-leakcheck-parse-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "building moq-leakcheck (release) and the XMLParser walk…" >&2
(cd "$ROOT" && swift build -c release --product moq-leakcheck >&2)
BIN="$ROOT/.build/release/moq-leakcheck"
swiftc -O -o "$WORK/xmlwalk" "$ROOT/scripts/bench/parse-xmlwalk.swift"

RESULTS="$WORK/results.tsv"
: > "$RESULTS"

# measure NAME SIZE FILE CMD...: one timed run; appends name, size, bytes, wall, cpu, rss KB, detail.
measure() {
    local name=$1 size=$2 file=$3
    shift 3
    local rc=0
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2> "$WORK/err.txt" || rc=$?
    read -r wall user sys rss < <(tail -1 "$WORK/time.txt")
    local detail
    if [[ $name == walk ]]; then
        [[ $rc == 0 ]] || { echo "walk failed ($rc): $(cat "$WORK/err.txt")" >&2; exit 1; }
        detail=$(head -1 "$WORK/out.txt")
    else
        # parse exits 1 (findings): anything else is a broken run, not a measurement.
        [[ $rc == 1 ]] || { echo "parse exited $rc: $(tail -3 "$WORK/err.txt")" >&2; exit 1; }
        detail=$(python3 - "$WORK/rd/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
fs = [f for run in r["runs"] for f in run["findings"]]
occ = sum(f.get("count") or 1 for f in fs)
t = r["totals"]
print(f"distinct={len(fs)} occurrences={occ} errors={t['errors']} definite={t['definitelyLost']['bytes']}/{t['definitelyLost']['blocks']} status={r['status']}")
PY
)
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$size" "$(stat -c %s "$file")" "$wall" \
        "$(echo "$user + $sys" | bc)" "$rss" "$detail" >> "$RESULTS"
    echo "$name ${size} MB: wall ${wall}s cpu $(echo "$user + $sys" | bc)s rss ${rss} KB | $detail" >&2
}

parse_cmd() { echo "$BIN" parse "$1" --report-dir "$WORK/rd" --json "$WORK/rd/report.json" --quiet; }

for size in $SIZES; do
    XML="$WORK/valgrind-${size}mb.xml"
    python3 "$ROOT/scripts/bench/parse-gen.py" "$XML" "$size" "$ROOT/Tests/Fixtures/logs/valgrind" >&2
    cat "$XML" > /dev/null  # page cache warm: both contenders read from memory
    for ((r = 1; r <= RUNS; r++)); do
        rm -rf "$WORK/rd"
        measure ours-xml "$size" "$XML" $(parse_cmd "$XML")
        measure walk "$size" "$XML" "$WORK/xmlwalk" "$XML"
    done
    rm -f "$XML"

    LOG="$WORK/sanitizer-${size}mb.log"
    python3 "$ROOT/scripts/bench/parse-gen-sanitizer.py" "$LOG" "$size" "$ROOT/Tests/Fixtures/logs/sanitizer" >&2
    cat "$LOG" > /dev/null
    for ((r = 1; r <= RUNS; r++)); do
        rm -rf "$WORK/rd"
        measure ours-sanitizer "$size" "$LOG" $(parse_cmd "$LOG")
    done
    rm -f "$LOG"
done

python3 - "$RESULTS" "$RUNS" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
sizes = sorted({int(r[1]) for r in rows})
def med(name, size, col):
    v = [float(r[col]) for r in rows if r[0] == name and int(r[1]) == size]
    return statistics.median(v) if v else float("nan")
def peak(name, size):
    return max(int(r[5]) for r in rows if r[0] == name and int(r[1]) == size) / 1024
def detail(name, size):
    return next(r[6] for r in rows if r[0] == name and int(r[1]) == size)
print(f"{sys.argv[2]} run(s) per contender and size; wall/CPU medians, peak RSS = max over runs\n")
print("| input | bytes | `parse` wall s | `parse` CPU s | `parse` peak RSS MB | XMLParser walk wall s | walk peak RSS MB | walk / parse (wall) |")
print("|---|---|---|---|---|---|---|---|")
for s in sizes:
    b = next(r[2] for r in rows if int(r[1]) == s and r[0] == "ours-xml")
    ow, oc, wr = med("ours-xml", s, 3), med("ours-xml", s, 4), med("walk", s, 3)
    print(f"| valgrind XML {s} MB | {b} | {ow:.2f} | {oc:.2f} | {peak('ours-xml', s):.1f} | {wr:.2f} | {peak('walk', s):.1f} | **{wr / ow:.2f}x** |")
for s in sizes:
    b = next(r[2] for r in rows if int(r[1]) == s and r[0] == "ours-sanitizer")
    print(f"| sanitizer log {s} MB | {b} | {med('ours-sanitizer', s, 3):.2f} | {med('ours-sanitizer', s, 4):.2f} | {peak('ours-sanitizer', s):.1f} | | | |")
print()
for s in sizes:
    print(f"- {s} MB: XML {detail('ours-xml', s)}; sanitizer {detail('ours-sanitizer', s)}")
PY
