#!/usr/bin/env bash
# Installs what moq-leakcheck's tests run for real: valgrind, a C compiler,
# llvm-symbolizer; checks the Rust toolchains. Idempotent; uses apt-get when
# something is missing (root, or sudo when available).
set -euo pipefail
missing=()
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v llvm-symbolizer >/dev/null 2>&1 || missing+=(llvm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO=sudo
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
command -v cargo >/dev/null 2>&1 || { echo "error: cargo not found: install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
if ! cargo +nightly --version >/dev/null 2>&1; then
  if command -v rustup >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal || echo "note: no nightly toolchain; sanitizer tests use stable with RUSTC_BOOTSTRAP=1"
  fi
fi
valgrind --version
cargo --version
cargo +nightly --version 2>/dev/null || true
