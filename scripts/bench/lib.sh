# shellcheck shell=bash
# Shared helpers for the moq-leakcheck benchmark scripts (sourced, not run).
# Timing uses bash's $EPOCHREALTIME (no fork per sample); statistics use python3.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/../.." && pwd)"
TOOL="${MOQ_LEAKCHECK:-$REPO_ROOT/.build/release/moq-leakcheck}"
FIXTURE_MANIFEST="$REPO_ROOT/Tests/Fixtures/moq_ffi/Cargo.toml"
C_FIXTURES="$REPO_ROOT/Tests/Fixtures/c"

# The exact memcheck flags the tool passes (read from `strace -f -e execve` of a tool run),
# minus the per-binary --xml-file/--log-file, which callers add.
TOOL_VALGRIND_FLAGS=(--tool=memcheck --leak-check=full --show-leak-kinds=all
    --errors-for-leak-kinds=definite,indirect --gen-suppressions=all --error-limit=no
    --child-silent-after-fork=yes --num-callers=40 --xml=yes)

die() { echo "error: $*" >&2; exit 2; }

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH"; }

# Build the release tool once if it is missing (never rebuilds an existing binary).
ensure_tool() {
    need valgrind
    need python3
    if [[ ! -x "$TOOL" ]]; then
        need swift
        echo "building the release tool (swift build -c release) ..." >&2
        (cd "$REPO_ROOT" && swift build -c release >&2) || die "swift build -c release failed"
        [[ -x "$TOOL" ]] || die "no $TOOL after the build"
    fi
}

# A temp dir removed on exit (also on error or ^C). Sets BENCH_TMP.
make_tmp() {
    BENCH_TMP="$(mktemp -d "${TMPDIR:-/tmp}/moq-bench.$1.XXXXXX")"
    # shellcheck disable=SC2064
    trap "rm -rf '$BENCH_TMP'" EXIT
    trap 'exit 130' INT TERM
}

# The 48-test crate of P6 (p6-gen-crate.py), test t0000 leaking 40 bytes, in $BENCH_TMP/crate
# with its own target dir: what P10 and P11 time. Reads N and WORK from the script's
# arguments or environment ("p6_leaking_crate TAG [N] [WORK]"); sets N, WORK, BENCH_TMP.
p6_leaking_crate() {
    local tag=$1
    N="${2:-${N:-3}}"
    WORK="${3:-${WORK:-40000}}"
    [[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer"
    [[ "$WORK" =~ ^[0-9]+$ ]] || die "WORK must be a whole number"
    ensure_tool
    need cargo
    make_tmp "$tag"
    python3 "$BENCH_DIR/p6-gen-crate.py" "$BENCH_TMP/crate" 48 "$WORK" --leak
    export CARGO_TARGET_DIR="$BENCH_TMP/crate/target"
}

# Cargo target dir: shared one from run-all.sh (BENCH_CARGO_TARGET_DIR), else inside BENCH_TMP.
cargo_target_dir() {
    if [[ -n "${BENCH_CARGO_TARGET_DIR:-}" ]]; then
        mkdir -p "$BENCH_CARGO_TARGET_DIR"
        echo "$BENCH_CARGO_TARGET_DIR"
    else
        echo "$BENCH_TMP/target"
    fi
}

# timed SAMPLES_FILE "ALLOWED EXIT CODES" CMD ARGS...
# Runs CMD with stdout/stderr to $BENCH_TMP/last.log, appends its wall time in seconds to
# SAMPLES_FILE. An exit code outside the allowed list is an error (the benchmark is invalid).
timed() {
    local samples=$1 allowed=$2
    shift 2
    local t0 t1 rc=0
    t0=$EPOCHREALTIME
    "$@" >"$BENCH_TMP/last.log" 2>&1 || rc=$?
    t1=$EPOCHREALTIME
    case " $allowed " in
        *" $rc "*) ;;
        *) echo "error: exit $rc (allowed: $allowed) from: $*" >&2
           tail -n 30 "$BENCH_TMP/last.log" >&2
           exit 2 ;;
    esac
    local us=$(( ${t1/./} - ${t0/./} ))
    printf '%d.%06d\n' $(( us / 1000000 )) $(( us % 1000000 )) >>"$samples"
}

# stat FILE -> "median min max n" (seconds)
stat_line() {
    python3 - "$1" <<'PY'
import statistics, sys
xs = [float(l) for l in open(sys.argv[1]) if l.strip()]
print(f"{statistics.median(xs):.3f} {min(xs):.3f} {max(xs):.3f} {len(xs)}")
PY
}

median() { stat_line "$1" | cut -d' ' -f1; }

# ratio A B -> A/B with 3 decimals
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.3f}')" "$1" "$2"; }

# verdict VALUE OP TARGET  (OP is le or ge) -> "met" or "MISSED"
verdict() {
    python3 -c "
import sys
v, op, t = float(sys.argv[1]), sys.argv[2], float(sys.argv[3])
ok = v <= t if op == 'le' else v >= t
print('met' if ok else 'MISSED')" "$1" "$2" "$3"
}

# summary ID CASE MEASURED TARGET VERDICT DETAIL -- one line for run-all.sh's RESULTS table.
summary() {
    if [[ -n "${BENCH_SUMMARY:-}" ]]; then
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_SUMMARY"
    fi
}

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# Contention from other processes during a benchmark (the machine may be shared):
# cpu_mark starts a window; cpu_others sets CPU_OTHERS to the average number of cores other
# processes kept busy during it (call both directly, never inside $(...)) = (all busy CPU time from /proc/stat - this script's children's CPU
# time from `times`) / wall time. Both are coarse (10 ms ticks), good to ~0.05 cores.
_busy_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '/^cpu /{printf "%.2f\n", ($2+$3+$4+$7+$8)/hz}' /proc/stat
}
# `times` must run in this shell, not in a $(...) subshell (a fork starts with zero rusage),
# so it writes to a file that _own_seconds_from parses.
_own_seconds_from() {  # user+sys of the waited-for children of this shell, from `times` output
    python3 -c '
import re, sys
lines = open(sys.argv[1]).read().splitlines()
t = 0.0
for m, s in re.findall(r"(\d+)m([\d.]+)s", lines[-1]):
    t += int(m) * 60 + float(s)
print(f"{t:.2f}")' "$1"
}
cpu_mark() {
    _CPU_T0=$EPOCHREALTIME
    _CPU_BUSY0=$(_busy_seconds)
    times >"$BENCH_TMP/times0"
}
cpu_others() {
    local t1 busy1 own0 own1
    t1=$EPOCHREALTIME; busy1=$(_busy_seconds)
    times >"$BENCH_TMP/times1"
    own0=$(_own_seconds_from "$BENCH_TMP/times0"); own1=$(_own_seconds_from "$BENCH_TMP/times1")
    CPU_OTHERS=$(python3 -c '
import sys
t0, t1, b0, b1, o0, o1 = map(float, sys.argv[1:])
wall = t1 - t0
print(f"{max(0.0, (b1 - b0) - (o1 - o0)) / wall:.2f}" if wall > 0 else "0.00")' \
        "$_CPU_T0" "$t1" "$_CPU_BUSY0" "$busy1" "$own0" "$own1")
}
# noise_note CORES -> a warning when other processes used a noticeable share of the machine
noise_note() {
    python3 -c '
import sys
c = float(sys.argv[1])
print(f"other processes kept {c:.2f} cores busy on average during the measurement"
      + (" -- NOISY MACHINE: ratios are not reliable, rerun when it is idle" if c > 0.25 else ""))' "$1"
}

# paired_ratio A_FILE B_FILE -> median over rounds of a_i / b_i (samples appended round by
# round, so line i of both files comes from the same round); less sensitive to slow drifts
# in machine speed than the ratio of the two medians.
paired_ratio() {
    python3 - "$1" "$2" <<'PY'
import statistics, sys
a = [float(l) for l in open(sys.argv[1]) if l.strip()]
b = [float(l) for l in open(sys.argv[2]) if l.strip()]
print(f"{statistics.median(x / y for x, y in zip(a, b)):.3f}")
PY
}

# interleave_variants TAG V1 V2 ...: one untimed warm-up of each variant (fills the timing
# caches), then N rounds in rotating order so every variant shares the machine's noise.
# Each run appends its time to $BENCH_TMP/<variant> through the caller's run_variant.
# Sets $noise (the noise meter's note) for the summary.
interleave_variants() {
    local tag=$1; shift
    local variants=("$@") v i k
    echo "$tag: $N interleaved runs per variant; load average before: $(load_avg)" >&2
    for v in "${variants[@]}"; do run_variant "$v"; done
    cpu_mark
    for v in "${variants[@]}"; do : >"$BENCH_TMP/$v"; done
    for ((i = 0; i < N; i++)); do
        for ((k = 0; k < ${#variants[@]}; k++)); do run_variant "${variants[$(( (i + k) % ${#variants[@]} ))]}"; done
        printf '.' >&2
    done
    cpu_others
    noise="$(noise_note "$CPU_OTHERS")"
    echo " done; load average after: $(load_avg)" >&2
}
