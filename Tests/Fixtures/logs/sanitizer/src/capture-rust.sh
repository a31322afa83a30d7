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
