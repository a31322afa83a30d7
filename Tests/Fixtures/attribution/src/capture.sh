#!/bin/sh
# Captures the attribution fixtures; see README.md beside the fixtures.
set -e
cd /tmp/scale-attrib
cargo test --no-run --message-format=json --target-dir target 2>/dev/null | grep -o '"executable":"[^"]*"' > exe-stable.txt
BIN=$(sed 's/"executable":"\(.*\)"/\1/' exe-stable.txt | head -1)
valgrind --leak-check=full --show-leak-kinds=all --gen-suppressions=all --xml=yes --xml-file=out/attrib-valgrind-stable.xml "$BIN" --test-threads=1 > out/attrib-valgrind-stable.stdout 2>&1 || true
RUSTFLAGS=-Zsanitizer=address cargo +nightly test --no-run --message-format=json --target x86_64-unknown-linux-gnu --target-dir target-asan 2>/dev/null | grep -o '"executable":"[^"]*"' > exe-asan.txt
ABIN=$(sed 's/"executable":"\(.*\)"/\1/' exe-asan.txt | head -1)
ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:log_path=out/asan "$ABIN" --test-threads=1 > out/attrib-asan-nightly.stdout 2>&1 || true
cd /work/wt/scale/Tests/Fixtures/moq_ffi
cargo test --no-run --features leak_demo --message-format=json --target-dir /tmp/scale-attrib/moq-target 2>/dev/null | grep -o '"executable":"[^"]*"' > /tmp/scale-attrib/exe-moq.txt
for b in $(sed 's/"executable":"\(.*\)"/\1/' /tmp/scale-attrib/exe-moq.txt); do
  n=$(basename "$b" | sed 's/-[0-9a-f]*$//')
  valgrind --leak-check=full --show-leak-kinds=all --gen-suppressions=all --xml=yes --xml-file=/tmp/scale-attrib/out/moq_ffi-leak_demo-$n-valgrind.xml "$b" --test-threads=1 > /tmp/scale-attrib/out/moq_ffi-leak_demo-$n.stdout 2>&1 || true
done
