#!/usr/bin/env python3
"""Baseline for parse-bench.sh: walk a valgrind XML with ElementTree.iterparse,
clearing elements as they close (the usual streaming idiom), and sum leakedbytes."""
import sys, time, xml.etree.ElementTree as ET

t0 = time.monotonic()
total = 0
errors = 0
for event, elem in ET.iterparse(sys.argv[1], events=("end",)):
    if elem.tag == "error":
        errors += 1
        lb = elem.find("xwhat/leakedbytes")
        if lb is not None and lb.text and lb.text.isdigit():
            total += int(lb.text)
        elem.clear()
t1 = time.monotonic()
print(f"{t1 - t0:.4f} errors={errors} leakedbytes={total}")
