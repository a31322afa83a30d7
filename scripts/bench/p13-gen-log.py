#!/usr/bin/env python3
"""Writes a valgrind XML log (protocol 4) of LEAKS definitely-lost records of FRAMES frames
each, every frame distinct: the shape of InterruptDuringParseTests.bigLog (300 x 502), scaled.
usage: p13-gen-log.py OUT.xml LEAKS FRAMES"""
import sys

out_path, leaks, frames = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(out_path, "w") as f:
    f.write('<?xml version="1.0"?>\n<valgrindoutput>\n<protocolversion>4</protocolversion>\n')
    f.write("<status><state>RUNNING</state></status>\n<status><state>FINISHED</state></status>\n")
    for k in range(leaks):
        f.write(f"<error><unique>0x{k:x}</unique><tid>1</tid><kind>Leak_DefinitelyLost</kind><xwhat>")
        f.write(f"<text>8 bytes in 1 blocks are definitely lost in loss record {k + 1} of {leaks}</text>")
        f.write("<leakedbytes>8</leakedbytes><leakedblocks>1</leakedblocks></xwhat><stack>")
        f.write("".join(
            f"<frame><ip>0x{j:x}</ip><fn>f{k}_{j}</fn><dir>/src</dir><file>a.c</file><line>{j + 1}</line></frame>"
            for j in range(frames)))
        f.write("</stack></error>\n")
    f.write("</valgrindoutput>\n")
