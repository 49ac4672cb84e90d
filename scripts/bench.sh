#!/usr/bin/env bash
# Benchmarks (numbers, not assertions): see scripts/bench.py. Run with `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/bench.py "$@"
