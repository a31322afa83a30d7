#!/usr/bin/env python3
"""Reads `cargo test --no-run --message-format=json` on stdin; prints each test executable
(a compiler-artifact with profile.test and an executable), one per line, as the guide's
sequential flow finds them."""
import json
import sys

for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(m["executable"])
