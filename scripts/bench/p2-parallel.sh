#!/usr/bin/env bash
# P2 wall time: the moq_ffi fixture crate, two feature sets (default and with_moq, 4 test
# binaries each = 8 valgrind runs), checked by
#   seq    the guide's sequential flow, done correctly: for each feature set,
#          `cargo test --no-run --message-format=json` (already built, so fast), take every
#          executable with profile.test == true, and run valgrind (the tool's exact flags) on
#          each binary one after another;
#   jobs2  moq-leakcheck valgrind --manifest-path M --feature-set with_moq --jobs 2 --no-per-test -q
#   jobs1  the same with --jobs 1 (not a target: separates the tool's own cost from parallelism)
# Both feature sets are built once before any timing. Median of N (default 5) each,
# interleaved in rotating order. Target (DESIGN.md): seq / jobs2 >= 1.8 on 2 cores.
# Then the machine's own ceiling: the same 8 binaries under the same valgrind flags with no
# tool and no cargo, `xargs -P1` against `xargs -P2` (N rounds, interleaved): how much two
# valgrinds at once gain on this host at all. The tool cannot beat it, and the sequential
# flow's cargo work (the fixture's cdylib is rebuilt whenever the features change) is CPU
# both flows pay.
# Afterwards (not timed with the above) one seq and two jobs2 runs go through valgrind-shim.c
# (a `valgrind` first on PATH logging when each valgrind starts and exits) to show whether
# the tool really keeps 2 valgrinds running and how long each takes: a short speed-up with
# concurrency ~2 and slower runs means CPU contention, not the tool.
#
# Usage: p2-parallel.sh [N]   (env N also works; BENCH_CARGO_TARGET_DIR reuses a target dir)
# Exit: 0 whether or not the target is met (MISSED is printed); non-zero only on errors.
set -euo pipefail
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

N="${1:-${N:-5}}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer"
ensure_tool
need cargo
make_tmp p2
CARGO_TARGET_DIR="$(cargo_target_dir)"
export CARGO_TARGET_DIR
CRATE_DIR="$(dirname "$FIXTURE_MANIFEST")"
export EXES_PY="$BENCH_DIR/cargo-test-exes.py"   # the test executables from cargo's JSON, one per line
FEATURE_SETS=("" "with_moq")   # "" = default features

echo "P2: building the fixture for both feature sets (not timed) into $CARGO_TARGET_DIR ..." >&2
for fs in "${FEATURE_SETS[@]}"; do
    cargo test --no-run --quiet --manifest-path "$FIXTURE_MANIFEST" ${fs:+--features "$fs"} >&2 \
        || die "cargo test --no-run ${fs:+--features $fs} failed"
done

# The sequential flow as one script, so it is timed like the tool (one process tree).
cat >"$BENCH_TMP/seq.sh" <<'EOF'
#!/usr/bin/env bash
# seq.sh OUTDIR MANIFEST VALGRIND-FLAGS... -- runs the guide's sequential flow.
set -euo pipefail
out=$1 manifest=$2; shift 2
flags=("$@")
crate_dir="$(dirname "$manifest")"
n=0
for fs in "" with_moq; do
    mapfile -t exes < <(cargo test --no-run --message-format=json --manifest-path "$manifest" \
        ${fs:+--features "$fs"} 2>/dev/null | python3 "$EXES_PY")
    [[ ${#exes[@]} -gt 0 ]] || { echo "no test executables for '${fs}'" >&2; exit 2; }
    for exe in "${exes[@]}"; do
        n=$((n + 1))
        # cargo test runs test binaries in the package directory; do the same.
        (cd "$crate_dir" && valgrind "${flags[@]}" --xml-file="$out/$n.xml" \
            --log-file="$out/$n.log" "$exe" >"$out/$n.out" 2>&1)
    done
done
echo "$n binaries"
EOF
chmod +x "$BENCH_TMP/seq.sh"

SAMPLES_SUFFIX=   # the diagnostic runs below log to other files
run_variant() {  # run_variant VARIANT
    local v=$1 out="$BENCH_TMP/out-$1" samples="$BENCH_TMP/$1$SAMPLES_SUFFIX"
    rm -rf "$out"; mkdir -p "$out"
    case $v in
        seq)   timed "$samples" "0" "$BENCH_TMP/seq.sh" "$out" "$FIXTURE_MANIFEST" \
                   "${TOOL_VALGRIND_FLAGS[@]}" ;;
        jobs2) timed "$samples" "0" "$TOOL" valgrind --manifest-path "$FIXTURE_MANIFEST" \
                   --feature-set with_moq --jobs 2 --no-per-test -q --report-dir "$out" ;;
        jobs1) timed "$samples" "0" "$TOOL" valgrind --manifest-path "$FIXTURE_MANIFEST" \
                   --feature-set with_moq --jobs 1 --no-per-test -q --report-dir "$out" ;;
    esac
}

VARIANTS=(seq jobs2 jobs1)
echo "P2: $N interleaved runs per variant; load average before: $(load_avg)" >&2
for v in "${VARIANTS[@]}"; do run_variant "$v"; done   # warm-up, not counted
cpu_mark
for v in "${VARIANTS[@]}"; do : >"$BENCH_TMP/$v"; done
for ((i = 0; i < N; i++)); do
    for ((k = 0; k < ${#VARIANTS[@]}; k++)); do
        run_variant "${VARIANTS[$(( (i + k) % ${#VARIANTS[@]} ))]}"
    done
    printf '.' >&2
done
nbin=$(find "$BENCH_TMP/out-seq" -name '*.xml' | wc -l)
ntool=$(find "$BENCH_TMP/out-jobs2" -name '*.xml' | wc -l)
cpu_others
noise="$(noise_note "$CPU_OTHERS")"
echo " done; load average after: $(load_avg)" >&2
[[ "$nbin" -eq "$ntool" ]] || die "seq ran $nbin binaries but the tool $ntool"

# Diagnostics through the shim: concurrency = sum of valgrind run times / wall time.
mkdir -p "$BENCH_TMP/shim"
cc -O2 -DREAL_VALGRIND="\"$(command -v valgrind)\"" -o "$BENCH_TMP/shim/valgrind" \
    "$BENCH_DIR/valgrind-shim.c"
shim_run() {  # shim_run VARIANT -> "WALL SUM_VALGRIND CONCURRENCY MEAN_RUN"
    local v=$1 t0 t1
    : >"$BENCH_TMP/shim.log"
    t0=$EPOCHREALTIME
    SHIM_LOG="$BENCH_TMP/shim.log" PATH="$BENCH_TMP/shim:$PATH" run_variant "$v"
    t1=$EPOCHREALTIME
    python3 - "$t0" "$t1" "$BENCH_TMP/shim.log" <<'PY'
import sys
t0, t1 = float(sys.argv[1]), float(sys.argv[2])
iv = [tuple(map(float, l.split())) for l in open(sys.argv[3]) if l.strip()]
if not iv:
    sys.exit("error: no valgrind run went through the PATH shim")
s = sum(b - a for a, b in iv)
print(f"{t1 - t0:.2f} {s:.2f} {s / (t1 - t0):.2f} {s / len(iv):.3f}")
PY
}
SAMPLES_SUFFIX=.diag
cpu_mark
# (redirections, not $(...) or <(...): a subshell would hide its CPU time from cpu_others)
shim_run seq >"$BENCH_TMP/d.seq"; shim_run jobs2 >"$BENCH_TMP/d.j1"; shim_run jobs2 >"$BENCH_TMP/d.j2"
cpu_others
read -r dseq_wall dseq_sum dseq_conc dseq_mean <"$BENCH_TMP/d.seq"
read -r dj1_wall dj1_sum dj1_conc dj1_mean <"$BENCH_TMP/d.j1"
read -r dj2_wall dj2_sum dj2_conc dj2_mean <"$BENCH_TMP/d.j2"
dnoise="$(noise_note "$CPU_OTHERS")"

# The machine's ceiling: the 8 binaries (both feature sets' executables stay in deps/, each
# with its own hash) one at a time vs two at a time, nothing else running.
: >"$BENCH_TMP/exes"
for fs in "${FEATURE_SETS[@]}"; do
    cargo test --no-run --message-format=json --manifest-path "$FIXTURE_MANIFEST" ${fs:+--features "$fs"} \
        2>/dev/null | python3 "$EXES_PY" >>"$BENCH_TMP/exes"
done
[[ $(wc -l <"$BENCH_TMP/exes") -eq "$nbin" ]] || die "the ceiling run found $(wc -l <"$BENCH_TMP/exes") binaries, not $nbin"
mkdir -p "$BENCH_TMP/ceiling"
printf '%s\n' "${TOOL_VALGRIND_FLAGS[@]}" >"$BENCH_TMP/vgflags"
cat >"$BENCH_TMP/one.sh" <<ONE
#!/usr/bin/env bash
mapfile -t flags <"$BENCH_TMP/vgflags"
cd "$CRATE_DIR" && exec valgrind "\${flags[@]}" --xml-file="$BENCH_TMP/ceiling/\$(basename "\$1").xml" \\
    --log-file="$BENCH_TMP/ceiling/\$(basename "\$1").log" "\$1" >/dev/null 2>&1
ONE
chmod +x "$BENCH_TMP/one.sh"
: >"$BENCH_TMP/p1"; : >"$BENCH_TMP/p2"
cpu_mark
for ((i = 0; i < N; i++)); do
    for p in 1 2; do timed "$BENCH_TMP/p$p" "0" xargs -P "$p" -n 1 "$BENCH_TMP/one.sh" <"$BENCH_TMP/exes"; done
done
cpu_others
cnoise="$(noise_note "$CPU_OTHERS")"
read -r c1 _ < <(stat_line "$BENCH_TMP/p1")
read -r c2 _ < <(stat_line "$BENCH_TMP/p2")
ceiling=$(ratio "$c1" "$c2")

read -r sm smin smax _ < <(stat_line "$BENCH_TMP/seq")
read -r jm jmin jmax _ < <(stat_line "$BENCH_TMP/jobs2")
read -r om omin omax _ < <(stat_line "$BENCH_TMP/jobs1")
speedup=$(ratio "$sm" "$jm"); v=$(verdict "$speedup" ge 1.8)
seq_vs_j1=$(ratio "$om" "$sm"); j1_vs_j2=$(ratio "$om" "$jm")
echo
echo "P2 parallel wall time — $nbin valgrind runs, $(nproc) cores, median of $N (min..max) s; target seq/jobs2 >= 1.8"
printf '%-22s %-22s %-22s %-9s %s\n' "seq (guide flow)" "tool --jobs 2" "tool --jobs 1" "seq/jobs2" verdict
printf '%-22s %-22s %-22s %-9s %s\n' "$sm ($smin..$smax)" "$jm ($jmin..$jmax)" "$om ($omin..$omax)" "$speedup" "$v"
echo "tool --jobs 1 / seq = $seq_vs_j1 (the tool's own cost without parallelism); jobs1/jobs2 = $j1_vs_j2 (the tool's parallel scaling)"
echo "$noise"
echo "diagnostic runs through the valgrind shim (concurrency = sum of valgrind times / wall):"
printf '  %-12s %-8s %-14s %-12s %s\n' variant wall "sum valgrind" concurrency "mean per valgrind run"
printf '  %-12s %-8s %-14s %-12s %s\n' seq "$dseq_wall" "$dseq_sum" "$dseq_conc" "$dseq_mean s"
printf '  %-12s %-8s %-14s %-12s %s\n' "jobs2 (1)" "$dj1_wall" "$dj1_sum" "$dj1_conc" "$dj1_mean s"
printf '  %-12s %-8s %-14s %-12s %s\n' "jobs2 (2)" "$dj2_wall" "$dj2_sum" "$dj2_conc" "$dj2_mean s"
echo "  $dnoise"
echo "machine ceiling: the $nbin valgrind runs alone, one at a time $c1 s, two at a time $c2 s: $ceiling x (median of $N); $cnoise"
summary P2 "diagnostic: valgrind concurrency in tool --jobs 2" "$dj1_conc, $dj2_conc" "~2" "info" \
    "mean valgrind run: seq $dseq_mean s, jobs2 $dj1_mean / $dj2_mean s (longer runs = CPU contention); others used $CPU_OTHERS cores"
summary P2 "ceiling: the $nbin valgrind runs alone, xargs -P1 / -P2" "$ceiling" "-" "info" \
    "no tool, no cargo: what two valgrinds at once gain on this host ($c1 s vs $c2 s)"
summary P2 "fixture, default+with_moq, $nbin binaries (N=$N)" "$speedup" ">= 1.8" "$v" \
    "seq $sm s, tool --jobs 2 $jm s, tool --jobs 1 $om s (jobs1/seq $seq_vs_j1, jobs1/jobs2 $j1_vs_j2); other processes used $CPU_OTHERS cores"
