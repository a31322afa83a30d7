#!/usr/bin/env bash
# The guide's interface (tools/test-memory-leaks.sh [valgrind|asan|all]),
# delegating to moq-leakcheck and returning its exit code: the gate.
#   MOQ_LEAKCHECK=/path/to/moq-leakcheck   use that binary instead of building this checkout
#   any further arguments are passed through (e.g. --manifest-path, --features with_moq)
set -uo pipefail
mode="${1:-all}"
case "$mode" in
  valgrind|asan|lsan|all) shift || true ;;
  -*) mode=all ;;
  *) echo "usage: $0 [valgrind|asan|lsan|all] [moq-leakcheck options…]" >&2; exit 2 ;;
esac
here="$(cd "$(dirname "$0")/.." && pwd)"
tool="${MOQ_LEAKCHECK:-}"
if [ -z "$tool" ]; then
  if command -v moq-leakcheck >/dev/null 2>&1; then
    tool="$(command -v moq-leakcheck)"
  else
    swift build -c release --package-path "$here" >&2 || { echo "error: building moq-leakcheck failed" >&2; exit 3; }
    tool="$here/.build/release/moq-leakcheck"
  fi
fi
exec "$tool" "$mode" "$@"
