#!/usr/bin/env python3
"""Mutation fuzzing of `moq-leakcheck parse` (issue 11). Python standard library only.

Seeds are the project's captured logs (Tests/Fixtures/logs) and the corpus of other
projects' checker outputs (Tests/Fixtures/corpus). Each round takes a seed, applies one mutation (byte flips, a cut
at an offset of some class, huge numbers, CR or CRLF line endings, a repeated block,
a deleted line) and runs the built binary on it under a wall-clock limit and an
address-space limit. It reports and saves, minimised:

  crash   exit status >= 128 other than 130 (a trap is SIGILL/SIGTRAP: 132/133)
  hang    the wall-clock limit passed
  memory  the address-space limit was hit (the run died allocating)
  exit    an exit status outside the documented 0, 1, 2, 3, 130
  cut     a clean verdict (exit 0) on a strict prefix of a log that is not clean,
          or on a prefix of a clean log that stops before its final summary line
  xml     a clean verdict (exit 0) on a mutant of a valgrind XML seed that expat
          (Python's xml.parsers.expat) refuses: the tool must refuse it too (issue 21)

Findings go to --out (default .build/fuzz-findings), one file per finding plus
findings.tsv. Turn each into a named fixture under Tests/Fixtures/fuzz/ with a row
in EXPECTED.tsv; FuzzCorpusTests then runs it at every `swift test`.

  scripts/fuzz.sh [--seconds N | --count N] [--jobs J] [--seed S] [--binary PATH] [--out DIR]
  scripts/fuzz.sh --check-corpus     # run the binary on Tests/Fixtures/fuzz, compare with EXPECTED.tsv

With --count N it runs exactly N mutants (deterministic for a seed), J at a time
(default: the number of cores), and prints the exit-code classes it saw.
"""

import argparse
import concurrent.futures
import hashlib
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import xml.parsers.expat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "Fixtures", "corpus")
FUZZ_DIR = os.path.join(ROOT, "Tests", "Fixtures", "fuzz")
DOCUMENTED = {0, 1, 2, 3, 130}


def seeds():
    found = []
    for base, exts in [
        (os.path.join(ROOT, "Tests", "Fixtures", "logs"), (".txt", ".xml", ".log")),
        (CORPUS, (".xml", ".txt", ".log", ".exp")),
    ]:
        for dirpath, _, names in os.walk(base):
            for n in sorted(names):
                if n.endswith(exts) and "README" not in n and not n.endswith(".tsv"):
                    found.append(os.path.join(dirpath, n))
    return sorted(found)


WORKDIR = None  # `parse` writes its reports into the working directory: a scratch one


def run(binary, data, wall, mem_bytes):
    """Runs `binary parse FILE` on data; returns (status, seconds, maxrss_kib).

    status is the exit code, 128+signal when killed, or "hang"."""
    with tempfile.NamedTemporaryFile(prefix="fuzz-", suffix=".log", delete=False, dir=WORKDIR) as f:
        f.write(data)
        path = f.name

    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.setsid()

    # The binary is run in place (a copy would lose the suppressions/ beside it);
    # `swift build` replacing it mid-run gives ETXTBSY for a moment: wait and retry.
    for attempt in range(100):
        try:
            start = time.monotonic()
            # Each run in a directory of its own: parallel runs never share report files.
            cwd = tempfile.mkdtemp(prefix="run-", dir=WORKDIR)
            proc = subprocess.Popen(
                [binary, "parse", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=limits, cwd=cwd)
            break
        except OSError as e:
            if e.errno != 26 or attempt == 99:
                os.unlink(path)
                raise
            time.sleep(0.1)
    status = None
    rss = 0
    while True:
        pid, st, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            rss = usage.ru_maxrss
            if os.WIFSIGNALED(st):
                status = 128 + os.WTERMSIG(st)
            else:
                status = os.WEXITSTATUS(st)
            break
        if time.monotonic() - start > wall:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.wait4(proc.pid, 0)
            status = "hang"
            break
        time.sleep(0.002)
    os.unlink(path)
    subprocess.run(["rm", "-rf", cwd])
    return status, time.monotonic() - start, rss


# MARK: mutations

MARKERS = [b"ERROR:", b"LeakSanitizer:", b"AddressSanitizer:", b"DEADLYSIGNAL", b"SUMMARY:",
           b"ERROR SUMMARY: 0 er", b"LEAK SUMMARY", b"HEAP SUMMARY", b"Direct leak of",
           b"Indirect leak of", b"</valgrindoutput>", b"<error>", b"</error>", b"<leak_summary>",
           b"<status>", b"FINISHED", b"loss record", b"#0 ", b"bytes in "]


def cut_offsets(data, rng):
    """Offsets of several classes: line starts, mid-line, just before a newline,
    inside or right after a marker, inside a number, inside a tag, anywhere."""
    n = len(data)
    if n < 2:
        return [0]
    cls = rng.randrange(7)
    if cls == 0:
        starts = [m.end() for m in re.finditer(rb"\n", data)] or [0]
        return [rng.choice(starts)]
    if cls == 1:
        ends = [m.start() for m in re.finditer(rb"\n", data)] or [n - 1]
        return [rng.choice(ends)]
    if cls == 2:
        hits = [(m.start(), len(mk)) for mk in MARKERS for m in re.finditer(re.escape(mk), data)]
        if hits:
            at, ln = rng.choice(hits)
            return [at + rng.randrange(ln + 1)]
    if cls == 3:
        nums = [m for m in re.finditer(rb"\d+", data)]
        if nums:
            m = rng.choice(nums)
            return [rng.randrange(m.start(), m.end() + 1)]
    if cls == 4:
        tags = [m for m in re.finditer(rb"<[^>]{1,40}>", data)]
        if tags:
            m = rng.choice(tags)
            return [rng.randrange(m.start(), m.end() + 1)]
    if cls == 5:
        return [n - 1 - rng.randrange(min(n - 1, 200))]
    return [rng.randrange(1, n)]


def mutate(data, rng):
    """Returns (name, mutated bytes, is_strict_prefix)."""
    kind = rng.randrange(8)
    if kind == 0:
        at = cut_offsets(data, rng)[0]
        if at < len(data):
            return "cut", data[:at], True
    if kind == 1:
        b = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(256)
        return "flip", bytes(b), False
    if kind == 2:
        nums = list(re.finditer(rb"\d+", data))
        if nums:
            m = rng.choice(nums)
            big = rng.choice([b"99999999999999999999", b"9223372036854775807", b"9223372036854775808",
                              b"18446744073709551616", b"4611686018427387904"])
            return "huge", data[:m.start()] + big + data[m.end():], False
    if kind == 3:
        return "cr", data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"), False
    if kind == 4:
        return "crlf", data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), False
    if kind == 5:
        lines = data.split(b"\n")
        if len(lines) > 2:
            i = rng.randrange(len(lines))
            j = min(len(lines), i + rng.randrange(1, 30))
            block = lines[i:j] * rng.choice([2, 10, 200, 2000])
            return "repeat", b"\n".join(lines[:i] + block + lines[j:]), False
    if kind == 6:
        lines = data.split(b"\n")
        if len(lines) > 2:
            del lines[rng.randrange(len(lines))]
            return "dropline", b"\n".join(lines), False
    # Several huge numbers and a cut together.
    out = re.sub(rb"\d{2,}", lambda m: b"99999999999999999999" if rng.random() < 0.3 else m.group(0), data)
    at = cut_offsets(out, rng)[0]
    return "huge+cut", out[:at], False


def essential_end(data):
    """Offset after which a clean log may be cut and still be whole: the end of
    its last ERROR SUMMARY line or of </valgrindoutput>."""
    ends = [m.end() for m in re.finditer(rb"ERROR SUMMARY:[^\n\r]*", data)]
    ends += [m.end() for m in re.finditer(rb"</valgrindoutput>", data)]
    return max(ends) if ends else None


def expat_refuses(data):
    p = xml.parsers.expat.ParserCreate()
    try:
        p.Parse(data, True)
        return False
    except xml.parsers.expat.ExpatError:
        return True


def verdict(status, data, seed_status, seed_data, is_cut, xml_seed=False):
    if status == "hang":
        return "hang"
    if status == 128 + signal.SIGSEGV or status == 128 + signal.SIGABRT:
        # With RLIMIT_AS, an allocation failure shows up as a crash too.
        return "crash"
    if isinstance(status, int) and status >= 128 and status != 130:
        return "crash"
    if status not in DOCUMENTED:
        return "exit"
    if is_cut and status == 0:
        if seed_status != 0:
            return "cut"
        end = essential_end(seed_data)
        if end is not None and len(data) < end - 1:
            return "cut"
    if xml_seed and status == 0 and data != seed_data and expat_refuses(data):
        return "xml"
    return None


def minimise(binary, data, same, wall, mem, budget=150):
    """Greedy: drop line chunks, then byte chunks, while `same(status, candidate)` holds."""
    tries = 0
    for unit in ("lines", "bytes"):
        chunk = max(1, len(data) // 4)
        while chunk >= 1 and tries < budget:
            changed = False
            parts = data.split(b"\n") if unit == "lines" else None
            count = len(parts) if parts is not None else len(data)
            i = 0
            while i < count and tries < budget:
                if parts is not None:
                    cand = b"\n".join(parts[:i] + parts[i + chunk:])
                else:
                    cand = data[:i] + data[i + chunk:]
                if len(cand) < len(data):
                    tries += 1
                    st, _, _ = run(binary, cand, wall, mem)
                    if same(st, cand):
                        data = cand
                        changed = True
                        if parts is not None:
                            parts = data.split(b"\n")
                            count = len(parts)
                        else:
                            count = len(data)
                        continue
                i += chunk
            if not changed:
                chunk //= 2
    return data


def check_corpus(binary, wall, mem):
    rows = []
    with open(os.path.join(FUZZ_DIR, "EXPECTED.tsv")) as f:
        for line in f:
            if line.startswith("file\t") or not line.strip():
                continue
            rows.append(line.rstrip("\n").split("\t"))
    bad = 0
    for row in rows:
        name, expected = row[0], row[1]
        with open(os.path.join(FUZZ_DIR, name), "rb") as f:
            data = f.read()
        status, secs, rss = run(binary, data, wall, mem)
        ok = str(status) == expected
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {name}: exit {status} (expected {expected}), {secs:.2f} s, {rss // 1024} MiB")
    print(f"{len(rows) - bad}/{len(rows)} as expected")
    return 1 if bad else 0


def main():
    global WORKDIR
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--count", type=int, default=0, help="run exactly this many mutants (instead of --seconds)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutants run at a time")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "moq-leakcheck"))
    ap.add_argument("--out", default=os.path.join(ROOT, ".build", "fuzz-findings"))
    ap.add_argument("--wall", type=float, default=10, help="seconds per run before it counts as a hang")
    ap.add_argument("--memory-mib", type=int, default=2048, help="address-space limit per run")
    ap.add_argument("--check-corpus", action="store_true")
    a = ap.parse_args()
    mem = a.memory_mib << 20
    if not os.access(a.binary, os.X_OK):
        print(f"fuzz: {a.binary} not found: run `swift build` first", file=sys.stderr)
        return 2
    WORKDIR = tempfile.mkdtemp(prefix="moq-leakcheck-fuzz-")
    try:
        if a.check_corpus:
            return check_corpus(a.binary, a.wall, mem)
        return fuzz(a, mem)
    finally:
        subprocess.run(["rm", "-rf", WORKDIR])


def fuzz(a, mem):
    rng = random.Random(a.seed)
    files = seeds()
    if not files:
        print("fuzz: no seed files found", file=sys.stderr)
        return 2
    budget = f"{a.count} mutants" if a.count else f"{a.seconds:.0f} s"
    print(f"fuzz: seed {a.seed}, {len(files)} seed files, {budget}, {a.jobs} at a time")
    base = {}
    xml_seed = {}
    contents = {}
    os.makedirs(a.out, exist_ok=True)
    findings = 0
    runs = 0
    slowest = 0.0
    classes = {}
    started = time.monotonic()
    deadline = started + a.seconds

    def seed(path):
        if path not in contents:
            with open(path, "rb") as f:
                contents[path] = f.read()
            data = contents[path]
            base[path] = run(a.binary, data, a.wall, mem)[0]
            # Mutants of an XML seed that expat accepts must be refused when expat refuses them.
            xml_seed[path] = b"<valgrindoutput" in data[:4096] and not expat_refuses(data)
        return contents[path]

    def batch(n):
        # Mutations are drawn in order from the seeded generator: the same seed gives the same mutants.
        out = []
        for _ in range(n):
            path = rng.choice(files)
            seed_data = seed(path)
            out.append((path, seed_data) + mutate(seed_data, rng))
        return out

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        while (runs < a.count) if a.count else (time.monotonic() < deadline):
            todo = batch(min(a.jobs * 8, a.count - runs) if a.count else a.jobs * 8)
            results = list(pool.map(lambda t: run(a.binary, t[3], a.wall, mem), todo))
            for (path, seed_data, name, data, is_cut), (status, secs, _) in zip(todo, results):
                runs += 1
                slowest = max(slowest, secs)
                classes[status] = classes.get(status, 0) + 1
                what = verdict(status, data, base[path], seed_data, is_cut, xml_seed[path])
                if what is None:
                    continue
                findings += 1

                def same(st, cand, what=what, path=path, seed_data=seed_data, is_cut=is_cut):
                    return verdict(
                        st, cand, base[path], seed_data, is_cut and seed_data.startswith(cand), xml_seed[path]) == what

                small = minimise(a.binary, data, same, a.wall, mem) if what != "hang" else data
                digest = hashlib.sha1(small).hexdigest()[:10]
                out = os.path.join(a.out, f"{what}-{name}-{digest}.log")
                with open(out, "wb") as f:
                    f.write(small)
                with open(os.path.join(a.out, "findings.tsv"), "a") as f:
                    f.write(f"{os.path.basename(out)}\t{what}\t{status}\t{os.path.relpath(path, ROOT)}\t{name}\n")
                print(f"fuzz: {what} (exit {status}) from {os.path.relpath(path, ROOT)} [{name}] -> {out} ({len(small)} bytes)")
    shown = ", ".join(f"exit {k}: {v}" for k, v in sorted(classes.items(), key=lambda kv: str(kv[0])))
    print(f"fuzz: {runs} runs in {time.monotonic() - started:.0f} s, {findings} findings, slowest run {slowest:.2f} s ({shown})")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
