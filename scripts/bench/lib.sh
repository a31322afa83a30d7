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
