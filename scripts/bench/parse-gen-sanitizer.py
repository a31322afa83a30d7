#!/usr/bin/env python3
"""Writes a large sanitizer log by concatenating real ASan/LSan logs captured in
Tests/Fixtures/logs/sanitizer, as a test harness's log_path files or a
long-running process in recover mode (halt_on_error=0) would: every replica
gets another pid (cycling over 64 processes) and other addresses, and a line of
program output between reports. The findings repeat (same stacks), so the
distinct findings stay few however big the file is.
usage: parse-gen-sanitizer.py OUT.log SIZE_MB FIXTURE_DIR"""
import re, sys

out_path, size_mb, fixtures = sys.argv[1], int(sys.argv[2]), sys.argv[3]
target = size_mb * 1024 * 1024
names = [
    "clang-asan-recover-multiple.log",     # ASan recover mode: three errors, one process
    "rust-nightly-asan-cargo-test-leak.log",  # cargo test under ASan: LSan leak report of a Rust test
    "gcc-asan-direct-indirect.log",        # gcc's libasan: direct + indirect leaks
    "clang-lsan-direct-indirect.log",      # standalone LSan
    "clang-asan-thread-uaf.log",           # use-after-free across threads
    "gcc-asan-heap-use-after-free.log",
]
templates = [open(f"{fixtures}/{n}").read() for n in names]
pid = re.compile(r"==(\d+)==")
addr = re.compile(r"0x([0-9a-f]{8,})")
written = 0
n = 0
with open(out_path, "w") as f:
    while written < target:
        t = templates[n % len(templates)]
        p = 1000 + n % 64
        block = pid.sub(f"=={p}==", t)
        block = addr.sub(lambda m: "0x%x" % (int(m.group(1), 16) + 16 * (n % 4096)), block)
        block = f"test case {n} ... running\n" + block
        if not block.endswith("\n"):
            block += "\n"
        f.write(block)
        written += len(block)
        n += 1
print(f"{out_path}: {written} bytes, {n} process logs")
