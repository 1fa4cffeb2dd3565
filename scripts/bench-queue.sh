#!/usr/bin/env bash
# The queue benchmark as docs/benchmarks.md reports it: installs, builds the release
# preset, runs `joulesweep bench queue` on a fresh embedded PostgreSQL of its own (in
# /var/tmp, stopped and removed afterwards) and prints the results as a Markdown table.
# Usage: scripts/bench-queue.sh [joulesweep bench queue options, e.g. --seconds 20]
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib.sh
source scripts/lib.sh
install_and_build release

joulesweep=build/release/app/joulesweep
use_scratch_cluster

step "benchmarking the queue (embedded PostgreSQL in $home)"
"$joulesweep" --data-dir "$home" bench queue "$@"
step "done"
