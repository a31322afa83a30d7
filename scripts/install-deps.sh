#!/usr/bin/env bash
# Installs what moq-leakcheck's tests run for real: valgrind, a C compiler,
# llvm-symbolizer, cmake/ctest (the C suite), chromium (the HTML report in a real
# browser), Python's jsonschema (SARIF validation), junitparser (JUnit) and PyYAML
# (the shipped workflow's job graph);
# checks the Rust toolchains. Idempotent; uses apt-get/pip only when something
# is missing (root, or sudo when available).
set -euo pipefail
missing=()
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v llvm-symbolizer >/dev/null 2>&1 || missing+=(llvm)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v ctest >/dev/null 2>&1 || missing+=(cmake)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-pip)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO=sudo
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
py_missing=()
python3 -c 'import jsonschema' >/dev/null 2>&1 || py_missing+=(jsonschema)
python3 -c 'import junitparser' >/dev/null 2>&1 || py_missing+=(junitparser)
python3 -c 'import yaml' >/dev/null 2>&1 || py_missing+=(PyYAML)
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "installing (pip): ${py_missing[*]}"
  python3 -m pip install -q "${py_missing[@]}" || python3 -m pip install -q --break-system-packages "${py_missing[@]}"
fi
command -v cargo >/dev/null 2>&1 || { echo "error: cargo not found: install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
if ! cargo +nightly --version >/dev/null 2>&1; then
  if command -v rustup >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal || echo "note: no nightly toolchain; sanitizer tests use stable with RUSTC_BOOTSTRAP=1"
  fi
fi
valgrind --version
cmake --version | head -1
cargo --version
cargo +nightly --version 2>/dev/null || true
