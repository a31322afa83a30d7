#!/usr/bin/env python3
"""Regenerates the figures in moq_ffi/EXPECTED.tsv (valgrind, ASan, LSan; per test and
per whole binary). Usage: measure_moq_ffi.py [--features leak_demo] > EXPECTED.tsv
Needs valgrind, cargo (stable) and cargo +nightly. Slow-ish (~1 min); not used by tests."""
import json, os, re, subprocess, sys, tempfile, xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.join(os.path.dirname(HERE), "moq_ffi")
MANIFEST = os.path.join(CRATE, "Cargo.toml")
HOST = "x86_64-unknown-linux-gnu"
FEATURES = sys.argv[sys.argv.index("--features") + 1] if "--features" in sys.argv else "leak_demo"

def build(toolchain=None, sanitizer=None, target_dir=None, bootstrap=False, features=None):
    cmd = ["cargo"] + ([toolchain] if toolchain else []) + ["test", "--no-run", "--manifest-path", MANIFEST,
           "--features", features or FEATURES, "--message-format=json"]
    env = dict(os.environ)
    if sanitizer:
        cmd += ["--target", HOST, "--target-dir", os.path.join(CRATE, target_dir)]
        env["RUSTFLAGS"] = "-Zsanitizer=" + sanitizer
    if bootstrap:
        env["RUSTC_BOOTSTRAP"] = "1"
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True).stdout
    bins = {}
    for line in out.splitlines():
        m = json.loads(line)
        if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
            bins[m["target"]["name"]] = m["executable"]
    return bins

def list_tests(binary):
    out = subprocess.run([binary, "--list", "--format=terse"], stdout=subprocess.PIPE, text=True).stdout
    return [l[:-len(": test")] for l in out.splitlines() if l.endswith(": test")]

# Frames (demangled, as in valgrind's XML <fn>) that identify the harness-noise records.
NOISE_FRAMES = ("std::thread::current::init_current", "thread_info::set_current_info")

KINDS = {"Leak_DefinitelyLost": "definitelyLost", "Leak_IndirectlyLost": "indirectlyLost",
         "Leak_PossiblyLost": "possiblyLost", "Leak_StillReachable": "stillReachable"}

def valgrind(binary, args):
    with tempfile.NamedTemporaryFile(suffix=".xml") as f:
        subprocess.run(["valgrind", "--leak-check=full", "--show-leak-kinds=all", "--xml=yes",
                        "--xml-file=" + f.name, binary] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        root = ET.parse(f.name).getroot()
    totals, noise = {}, {}
    for e in root.iter("error"):
        kind = e.findtext("kind")
        fns = " ".join(f.findtext("fn") or "" for f in e.iter("frame"))
        bucket = totals
        if kind in KINDS and any(n in fns for n in NOISE_FRAMES):
            bucket = noise  # libtest/std harness noise, reported separately
        if kind in KINDS:
            b = int(e.find("xwhat/leakedbytes").text); n = int(e.find("xwhat/leakedblocks").text)
            text = e.findtext("xwhat/text")
            m = re.search(r"\(([\d,]+) direct, ([\d,]+) indirect\)", text)
            if m:  # LEAK SUMMARY convention: direct bytes only for definitely/possibly lost
                b = int(m.group(1).replace(",", ""))
            k = KINDS[kind]
        elif kind in ("InvalidRead", "InvalidWrite", "InvalidFree"):
            k = "useAfterFree" if "free'd" in (e.findtext("auxwhat") or "") else kind
            m = re.search(r"size (\d+)", e.findtext("what") or ""); b = int(m.group(1)) if m else 0; n = 1
        else:
            continue
        tb, tn = bucket.get(k, (0, 0)); bucket[k] = (tb + b, tn + n)
    return totals, noise

def sanitizer(binary, args):
    # fast_unwind_on_malloc=0: the default frame-pointer unwinder loses the crate frames (std has
    # no frame pointers); figures are the same either way, only the stacks differ.
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0",
               LSAN_OPTIONS="fast_unwind_on_malloc=0", RUST_BACKTRACE="0")
    p = subprocess.run([binary] + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    totals = {}
    for m in re.finditer(r"^(Direct|Indirect) leak of (\d+) byte\(s\) in (\d+) object\(s\)", p.stderr, re.M):
        k = "definitelyLost" if m.group(1) == "Direct" else "indirectlyLost"
        tb, tn = totals.get(k, (0, 0)); totals[k] = (tb + int(m.group(2)), tn + int(m.group(3)))
    m = re.search(r"ERROR: AddressSanitizer: heap-use-after-free.*\n(READ|WRITE) of size (\d+)", p.stderr)
    if m:
        totals["useAfterFree"] = (int(m.group(2)), 1)
    return totals, {}

def emit(checker, name, test, totals):
    if not totals:
        print(f"{checker}\t{name}\t{test}\tnone\t0\t0")
    for k in ("definitelyLost", "indirectlyLost", "possiblyLost", "stillReachable", "useAfterFree"):
        if k in totals:
            print(f"{checker}\t{name}\t{test}\t{k}\t{totals[k][0]}\t{totals[k][1]}")

NOISE = {}

def measure(checker, bins, run, only=None):
    for name in sorted(bins):
        binary = bins[name]
        if only is None:
            totals, noise = run(binary, ["--test-threads=1"])
            emit(checker, name, "*", totals)
            for k, v in noise.items():
                NOISE.setdefault((checker, k), set()).add(v)
        for t in list_tests(binary):
            if only is None or t in only:
                totals, noise = run(binary, ["--exact", t, "--test-threads=1"])
                emit(checker, name, t, totals)
                for k, v in noise.items():
                    NOISE.setdefault((checker, k), set()).add(v)

if __name__ == "__main__":
    print("checker\tbinary\ttest\tkind\tbytes\tblocks")
    measure("valgrind", build(), valgrind)
    measure("asan", build("+nightly", "address", "target/asan"), sanitizer)
    measure("lsan", build("+nightly", "leak", "target/lsan"), sanitizer)
    uaf = {"uaf_subscriber_after_destroy"}
    measure("valgrind", build(features="uaf_demo"), valgrind, uaf)
    measure("asan", build("+nightly", "address", "target/asan", features="uaf_demo"), sanitizer, uaf)
    if "--stable" in sys.argv:
        measure("asan-stable", build(None, "address", "target/asan-stable", bootstrap=True), sanitizer)
        measure("lsan-stable", build(None, "leak", "target/lsan-stable", bootstrap=True), sanitizer)
    # Harness noise (whole-binary and per-test runs), every distinct figure observed.
    for (checker, k), vals in sorted(NOISE.items()):
        for b, n in sorted(vals):
            print(f"{checker}\t*\t(harness-noise)\t{k}\t{b}\t{n}")
