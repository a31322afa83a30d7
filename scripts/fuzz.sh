#!/bin/sh
# Mutation fuzzing of `moq-leakcheck parse`, bounded in time (default 60 s).
# Usage: scripts/fuzz.sh [--seconds N | --count N] [--jobs J] [--seed S] [--binary PATH] [--out DIR] [--check-corpus]
# Details and what counts as a finding: scripts/fuzz.py. Python 3 standard library only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/fuzz.py" "$@"
