#!/bin/sh
# Builds rust-sanfix (copied to /tmp/rustsan) under ASan with nightly and with
# stable + RUSTC_BOOTSTRAP=1, and captures the logs into ..
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$here/..
work=/tmp/rustsan
mkdir -p $work && cp -r "$here/rust-sanfix/Cargo.toml" "$here/rust-sanfix/src" $work/
cd $work
T=x86_64-unknown-linux-gnu
export ASAN_OPTIONS=detect_leaks=1
# nightly
RUSTFLAGS=-Zsanitizer=address cargo +nightly build --bins --target $T --target-dir target-nightly -q || exit 1
target-nightly/$T/debug/leak_box_child > "$out/rust-nightly-asan-leak-box-child.log" 2>&1; echo "nightly leak: $?"
target-nightly/$T/debug/uaf > "$out/rust-nightly-asan-uaf.log" 2>&1; echo "nightly uaf: $?"
RUSTFLAGS=-Zsanitizer=address cargo +nightly test --lib --target $T --target-dir target-nightly > "$out/rust-nightly-asan-cargo-test-leak.log" 2>&1; echo "nightly test: $?"
RUSTFLAGS=-Zsanitizer=leak cargo +nightly build --bins --target $T --target-dir target-nightly-lsan -q || exit 1
target-nightly-lsan/$T/debug/leak_box_child > "$out/rust-nightly-lsan-leak-box-child.log" 2>&1; echo "nightly lsan leak: $?"
# stable with RUSTC_BOOTSTRAP=1
RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Zsanitizer=address cargo +stable build --bins --target $T --target-dir target-stable -q || exit 1
target-stable/$T/debug/leak_box_child > "$out/rust-stable-bootstrap-asan-leak-box-child.log" 2>&1; echo "stable leak: $?"
target-stable/$T/debug/uaf > "$out/rust-stable-bootstrap-asan-uaf.log" 2>&1; echo "stable uaf: $?"
RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Zsanitizer=address cargo +stable test --lib --target $T --target-dir target-stable > "$out/rust-stable-bootstrap-asan-cargo-test-leak.log" 2>&1; echo "stable test: $?"
# v0 mangling, unsymbolized-friendly symbols for the demangler tests
RUSTFLAGS="-Zsanitizer=address -Csymbol-mangling-version=v0" cargo +nightly build --bins --target $T --target-dir target-v0 -q || exit 1
target-v0/$T/debug/leak_box_child > "$out/rust-nightly-asan-v0-leak-box-child.log" 2>&1; echo "v0 leak: $?"
# Legacy mangling (needs -Zunstable-options) and symbolizer output without
# demangling (ASAN_OPTIONS=demangle=0): frames carry `_ZN…17h…E` / `_R…` names.
RUSTFLAGS="-Zsanitizer=address -Csymbol-mangling-version=legacy -Zunstable-options" cargo +nightly build --bins --target $T --target-dir target-legacy-asan -q || exit 1
ASAN_OPTIONS=detect_leaks=1 target-legacy-asan/$T/debug/leak_box_child > "$out/rust-nightly-asan-legacy-mangling.log" 2>&1; echo "legacy leak: $?"
ASAN_OPTIONS=detect_leaks=1:demangle=0 target-legacy-asan/$T/debug/leak_box_child > "$out/rust-nightly-asan-legacy-mangling-demangle0.log" 2>&1; echo "legacy demangle=0: $?"
ASAN_OPTIONS=detect_leaks=1:demangle=0 target-v0/$T/debug/leak_box_child > "$out/rust-nightly-asan-v0-mangling-demangle0.log" 2>&1; echo "v0 demangle=0: $?"
# Demangler oracle: c++filt (binutils 2.40 demangles both Rust schemes).
# rust-symbols-v0.tsv is a sample of `nm` of the target-v0/target-nightly/
# target-stable binaries (every symbol of the fixture crate, all short ones and
# every 6th of the rest); rust-symbols-legacy.tsv is every legacy symbol of
# target-legacy-asan; cxx-symbols-not-rust.txt is every 60th `_ZN` (C++, the
# sanitizer runtime) symbol, which must not demangle as Rust.
RUSTFLAGS="-Zsanitizer=address -Csymbol-mangling-version=legacy -Zunstable-options" cargo +nightly test --no-run --lib --target $T --target-dir target-legacy-asan -q || exit 1
for b in target-legacy-asan/$T/debug/leak_box_child target-legacy-asan/$T/debug/uaf target-legacy-asan/$T/debug/deps/sanfix-*[0-9a-f]; do
    nm "$b" | awk '{print $NF}'
done | grep '17h[0-9a-f]\{16\}E' | sort -u > /tmp/legacy.txt
c++filt < /tmp/legacy.txt > /tmp/legacy.dem
paste /tmp/legacy.txt /tmp/legacy.dem > "$out/rust-symbols-legacy.tsv"
for b in target-v0/$T/debug/leak_box_child target-nightly/$T/debug/leak_box_child target-stable/$T/debug/leak_box_child target-v0/$T/debug/uaf; do
    nm "$b" | awk '{print $NF}'
done | grep -E '^(_R|_ZN)' | sort -u > /tmp/allsyms.txt
c++filt < /tmp/allsyms.txt > /tmp/allsyms.dem
paste /tmp/allsyms.txt /tmp/allsyms.dem > /tmp/allsyms.tsv
grep '^_R' /tmp/allsyms.tsv | awk -F'\t' '$1 ~ /sanfix|leak_box_child|3uaf/ || length($1) <= 90 || (NR-1) % 6 == 0' > "$out/rust-symbols-v0.tsv"
grep '^_ZN' /tmp/allsyms.txt | awk 'NR % 60 == 1' > "$out/cxx-symbols-not-rust.txt"
