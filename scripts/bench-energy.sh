#!/usr/bin/env bash
# The metering-overhead benchmark of docs/benchmarks.md: installs, builds the release
# preset, prepares banana in a scratch directory and runs `joulesweep bench energy` pinned
# to one core, so that the meter's sampler thread competes with training as it does on a
# node whose every core trains. Extra arguments go to `joulesweep bench energy`.
# Usage: scripts/bench-energy.sh [bench energy options...]
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib.sh
source scripts/lib.sh
install_and_build release

joulesweep=build/release/app/joulesweep
scratch=$(mktemp -d /var/tmp/joulesweep-bench-energy.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
step "preparing banana in $scratch"
"$joulesweep" datasets prepare --source data --only banana --datasets-dir "$scratch/datasets" >/dev/null
step "bench energy, pinned to CPU 0"
taskset -c 0 "$joulesweep" bench energy --datasets-dir "$scratch/datasets" "$@"
