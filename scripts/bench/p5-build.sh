#!/usr/bin/env bash
# P5: a clean `swift build -c release` of the tool (target ≤ 60 s on 2 cores).
# Clones the committed HEAD into a temp dir so no earlier .build is reused.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/moq-bench-p5.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
git clone -q "$root" "$tmp/src"
cd "$tmp/src"
start=$(date +%s.%N)
swift build -c release >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
end=$(date +%s.%N)
secs=$(python3 -c "print(f'{$end-$start:.1f}')")
verdict=$(python3 -c "print('met' if $end-$start <= 60 else 'MISSED')")
echo "P5 clean release build: ${secs} s (target ≤ 60 s): ${verdict}  [nproc=$(nproc)]"
