#!/bin/sh
# Captures the attribution fixtures (README.md beside them) into OUT (default: a temp dir).
# Needs valgrind 3.19, cargo stable and nightly. Run from anywhere.
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
MOQ=$(cd "$HERE/../../moq_ffi" && pwd)
WORK=$(mktemp -d)
OUT=${1:-$WORK/out}
mkdir -p "$OUT" "$WORK/attrib/src"
cp "$HERE/attrib/src/lib.rs" "$WORK/attrib/src/lib.rs"
cp "$HERE/attrib/Cargo.toml.txt" "$WORK/attrib/Cargo.toml"
VG="valgrind --leak-check=full --show-leak-kinds=all --gen-suppressions=all --xml=yes"
exe() { grep -o '"executable":"[^"]*"' | sed 's/"executable":"\(.*\)"/\1/'; }

cd "$WORK/attrib"
BIN=$(cargo test --no-run --message-format=json --target-dir target 2>/dev/null | exe | head -1)
$VG --xml-file="$OUT/attrib-valgrind-stable.xml" "$BIN" --test-threads=1 || true
ABIN=$(RUSTFLAGS=-Zsanitizer=address cargo +nightly test --no-run --message-format=json \
  --target x86_64-unknown-linux-gnu --target-dir target-asan 2>/dev/null | exe | head -1)
ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:log_path="$OUT/asan" "$ABIN" --test-threads=1 || true
mv "$OUT"/asan.* "$OUT/attrib-asan-nightly.log"

cd "$MOQ"
for b in $(cargo test --no-run --features leak_demo --message-format=json --target-dir "$WORK/moq-target" 2>/dev/null | exe); do
  n=$(basename "$b" | sed 's/-[0-9a-f]*$//')
  $VG --xml-file="$OUT/moq_ffi-leak_demo-$n-valgrind.xml" "$b" --test-threads=1 || true
done
# A shard halted by a memory error: lifecycle under ASan, one test at a time.
LBIN=$(RUSTFLAGS=-Zsanitizer=address cargo +nightly test --no-run --features uaf_demo,leak_demo --message-format=json \
  --target x86_64-unknown-linux-gnu --target-dir "$WORK/moq-asan" 2>/dev/null | exe | grep '/lifecycle-')
ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:exitcode=23:log_path="$OUT/uaf" "$LBIN" --test-threads=1 \
  > "$OUT/moq_ffi-uaf_demo-lifecycle-asan-nightly.stdout" || true
mv "$OUT"/uaf.* "$OUT/moq_ffi-uaf_demo-lifecycle-asan-nightly.log"
rm -rf "$WORK/attrib" "$WORK/moq-target" "$WORK/moq-asan"
echo "fixtures in $OUT"
