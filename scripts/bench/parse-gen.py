#!/usr/bin/env python3
"""Writes a large valgrind XML by replicating real <error> blocks (and the
top-level <suppression> copies that --gen-suppressions=all adds) from the
captured fixtures. Each replica gets distinct <unique> and <ip> values, as
valgrind's own de-duplicated contexts would be.
usage: parse-gen.py OUT.xml SIZE_MB FIXTURE_DIR"""
import re, sys

out_path, size_mb, fixtures = sys.argv[1], int(sys.argv[2]), sys.argv[3]
target = size_mb * 1024 * 1024

def blocks(name):
    text = open(f"{fixtures}/{name}").read()
    head_end = text.index("<error>")
    # error + following top-level suppression copy
    items = re.findall(r"<error>.*?</error>\s*(?:<suppression>.*?</suppression>\s*)?", text, re.S)
    return text[:head_end], items, text[text.rindex("<errorcounts>"):]

head, rust, tail = blocks("rust-box-leak-mangled.xml")
_, leaks, _ = blocks("leak-kinds-definite-with-indirect.xml")
_, uaf, _ = blocks("use-after-free-read.xml")
_, segv, _ = blocks("sigsegv-fatal-signal.xml")
templates = rust + leaks + uaf + [b for b in segv if "<kind>" in b]

ip = re.compile(r"<ip>0x([0-9A-Fa-f]+)</ip>")
uniq = re.compile(r"<unique>0x[0-9a-f]+</unique>")
written = 0
n = 0
with open(out_path, "w") as f:
    f.write(head)
    written += len(head)
    while written < target:
        t = templates[n % len(templates)]
        block = uniq.sub(f"<unique>0x{n:x}</unique>", t)
        block = ip.sub(lambda m: f"<ip>0x{n:x}{m.group(1)}</ip>", block)
        f.write(block)
        written += len(block)
        n += 1
    f.write(tail)
print(f"{out_path}: {written + len(tail)} bytes, {n} errors")
