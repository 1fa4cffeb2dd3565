#!/usr/bin/env bash
# Regenerates the golden curves (tests/golden/fixtures/*.json) that system test t0302
# compares every backend against: installs, builds the dev preset, adds the reference's
# PyTorch (Debian's python3-torch; never needed to build, test or run joulesweep),
# prepares the datasets the cases use, and replays each case in float64 and float32.
# About 3 minutes on 2 cores. Review the diff of the fixtures before committing them.
# Usage: scripts/generate-golden.sh [CASE...]   (as root, for the packages; cases are
#        named in tests/golden/generate.py; default all)
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib.sh
source scripts/lib.sh
install_and_build dev
install_missing "the golden reference" python3-torch

joulesweep=$PWD/build/dev/app/joulesweep
scratch=$(mktemp -d /var/tmp/joulesweep-golden.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

step "preparing the datasets"
needed=$(cd tests/golden && /usr/bin/python3 -c 'import generate; print(",".join(generate.datasets()))')
"$joulesweep" datasets prepare --source data --only "$needed" --datasets-dir "$scratch/datasets" >/dev/null

step "replaying the cases (PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'))"
(cd tests/golden && /usr/bin/python3 generate.py "$joulesweep" "$scratch/datasets" fixtures "$@")
step "fixtures written to tests/golden/fixtures"
