#!/usr/bin/env bash
# Builds a release moq-leakcheck and installs it:
#   PREFIX/bin/moq-leakcheck     the tool; its default suppressions are compiled in,
#                                so the file can be copied anywhere (a CI job can
#                                download this one file)
#   PREFIX/bin/cargo-leakcheck   a link to it, so `cargo leakcheck valgrind` works
#                                when PREFIX/bin is on PATH
#
#   scripts/install.sh [--prefix DIR] [--binary PATH]
#     --prefix DIR    where to install (default: $HOME/.local)
#     --binary PATH   install this already-built moq-leakcheck instead of building one
#                     (the integration tests use it to avoid a second build)
#
# The build first tries `swift build -c release --static-swift-stdlib`, which puts
# the Swift runtime and Foundation inside the binary; when the toolchain cannot do
# that it says so and builds without it (the binary then needs the Swift runtime
# libraries of this toolchain at run time).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${HOME:-/usr/local}/.local"
binary=""
usage() { echo "usage: $0 [--prefix DIR] [--binary PATH]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || usage; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --binary) [ $# -ge 2 ] || usage; binary="$2"; shift 2 ;;
    --binary=*) binary="${1#--binary=}"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "error: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$prefix" ] || { echo "error: --prefix needs a directory" >&2; exit 2; }

if [ -z "$binary" ]; then
  command -v swift >/dev/null 2>&1 || { echo "error: swift not found: install a Swift 6 toolchain (https://swift.org/install)" >&2; exit 3; }
  # The embedded defaults must match suppressions/ before they are compiled in.
  "$root/scripts/gen-embedded-suppressions.sh" --check
  cd "$root"
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if swift build -c release --static-swift-stdlib --product moq-leakcheck >"$log" 2>&1; then
    echo "built: release, Swift runtime linked statically (--static-swift-stdlib)"
  else
    echo "note: --static-swift-stdlib failed with this toolchain; building without it"
    echo "      (the binary needs this toolchain's Swift runtime libraries where it runs):"
    tail -n 5 "$log" | sed 's/^/      /'
    if ! swift build -c release --product moq-leakcheck >"$log" 2>&1; then
      cat "$log" >&2
      echo "error: swift build -c release failed" >&2
      exit 3
    fi
    echo "built: release, Swift runtime linked dynamically"
  fi
  binary="$(swift build -c release --show-bin-path)/moq-leakcheck"
fi
[ -x "$binary" ] || { echo "error: $binary: not an executable" >&2; exit 3; }

mkdir -p "$prefix/bin"
# Copy to a temporary name and rename: a running moq-leakcheck is never overwritten in place.
install -m 755 "$binary" "$prefix/bin/.moq-leakcheck.tmp.$$"
mv -f "$prefix/bin/.moq-leakcheck.tmp.$$" "$prefix/bin/moq-leakcheck"
# Relative, so the prefix can be moved or copied as a whole.
ln -sfn moq-leakcheck "$prefix/bin/cargo-leakcheck"
echo "installed: $prefix/bin/moq-leakcheck ($("$prefix/bin/moq-leakcheck" --version))"
echo "installed: $prefix/bin/cargo-leakcheck -> moq-leakcheck (cargo leakcheck …)"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "note: $prefix/bin is not on PATH; add it: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
