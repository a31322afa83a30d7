#!/usr/bin/env bash
# P3 parser-only benchmark (the in-process parser; parse-bench.sh is the end-to-end P3): parse a ~100 MB valgrind XML with ValgrindXMLParser
# and compare with Foundation's XMLParser(stream:) walking the same file with
# empty callbacks, and with Python's xml.etree.ElementTree.iterparse.
#
#   scripts/bench/parse-bench-parser.sh     # 100 MB, 5 runs each
#   SIZE_MB=200 RUNS=7 scripts/bench/parse-bench-parser.sh
#
# The XML is generated in $WORK (default /tmp/moq-leakcheck-parse-bench), never in
# git, from the real captures in Tests/Fixtures/logs/valgrind (parse-gen.py). The
# timing harness (parse-harness.swift) is compiled with `swiftc -O` together with
# Sources/LeakCheck/**/*.swift: no test target does timing.
# Targets: ours <= 0.5x XMLParser walk, >= 8x faster than iterparse, peak RSS <= 64 MB.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-/tmp/moq-leakcheck-parse-bench}
SIZE_MB=${SIZE_MB:-100}
RUNS=${RUNS:-5}
mkdir -p "$WORK"

XML="$WORK/valgrind-${SIZE_MB}mb.xml"
if [[ ! -s "$XML" ]]; then
    python3 "$ROOT/scripts/bench/parse-gen.py" "$XML" "$SIZE_MB" "$ROOT/Tests/Fixtures/logs/valgrind" >&2
fi

# Top-level code must live in main.swift when compiling several files.
mkdir -p "$WORK/harness"
cp "$ROOT/scripts/bench/parse-harness.swift" "$WORK/harness/main.swift"
mapfile -t SOURCES < <(find "$ROOT/Sources/LeakCheck" -name '*.swift' | sort)
echo "building harness (swiftc -O)…" >&2
swiftc -O -module-name ParseBench -o "$WORK/parse-harness" "$WORK/harness/main.swift" "${SOURCES[@]}"

# Warm the page cache so every contender reads from memory.
cat "$XML" > /dev/null

declare -A CMD=(
    [ours]="$WORK/parse-harness ours $XML"
    [stream]="$WORK/parse-harness stream $XML"
    [xmlparser]="$WORK/parse-harness xmlparser $XML"
    [iterparse]="python3 $ROOT/scripts/bench/parse-iterparse.py $XML"
)
ORDER=(ours stream xmlparser iterparse)
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
for ((r = 1; r <= RUNS; r++)); do
    # Interleaved, so background load affects every contender alike.
    for name in "${ORDER[@]}"; do
        out=$(/usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" ${CMD[$name]})
        read -r wall user sys rss < "$WORK/time.txt"
        parse=$(echo "$out" | head -1 | cut -d' ' -f1)
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$parse" "$wall" "$user" "$sys" "$rss" >> "$RESULTS"
        echo "run $r $name: parse ${parse}s wall ${wall}s cpu $(echo "$user + $sys" | bc)s rss ${rss} KB | $(echo "$out" | head -1 | cut -d' ' -f2-)" >&2
    done
done

python3 - "$RESULTS" "$XML" "$RUNS" <<'PY'
import os, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
size = os.path.getsize(sys.argv[2])
med = {}
for name in ["ours", "stream", "xmlparser", "iterparse"]:
    r = [x for x in rows if x[0] == name]
    med[name] = dict(
        parse=statistics.median(float(x[1]) for x in r),
        wall=statistics.median(float(x[2]) for x in r),
        cpu=statistics.median(float(x[3]) + float(x[4]) for x in r),
        rss=max(int(x[5]) for x in r) / 1024,
    )
print(f"file: {size / 1e6:.1f} MB ({size} bytes), {sys.argv[3]} runs each, medians; peak RSS = max over runs\n")
print("| contender | parse s (in-process) | process wall s | process CPU s | peak RSS MB |")
print("|---|---|---|---|---|")
labels = dict(ours="ValgrindXMLParser.parse(fileAt:) (findings kept)",
              stream="ValgrindXMLParser.parse(fileAt:onFinding:) (streamed)",
              xmlparser="Foundation XMLParser(stream:) walk, empty delegate",
              iterparse="Python 3 ElementTree.iterparse (+ elem.clear())")
for k, m in med.items():
    print(f"| {labels[k]} | {m['parse']:.3f} | {m['wall']:.3f} | {m['cpu']:.3f} | {m['rss']:.1f} |")
o, s, x, p = med["ours"], med["stream"], med["xmlparser"], med["iterparse"]
print()
print(f"- ours / XMLParser walk: {o['parse'] / x['parse']:.2f}x parse time, {o['cpu'] / x['cpu']:.2f}x process CPU (target <= 0.5x)")
print(f"- streamed / XMLParser walk: {s['parse'] / x['parse']:.2f}x parse time")
print(f"- iterparse / ours: {p['parse'] / o['parse']:.1f}x parse time, {p['cpu'] / o['cpu']:.1f}x process CPU (target >= 8x)")
print(f"- throughput (ours): {size / 1e6 / o['parse']:.0f} MB/s")
PY
