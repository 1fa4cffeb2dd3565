#!/usr/bin/env bash
# Runs the claims experiment's training (docs/train-for-less.md, "The claims, measured"):
# enqueues its sweep files into joulesweep's database and trains them with
# `mpirun joulesweep run`. It is ordinary queue work: stop it at any time (Ctrl-C drains)
# and run this again to go on where it stopped; enqueueing twice adds nothing.
# Usage: scripts/claims/run.sh [WORKERS]   (default 1: one core stays free on 2-core nodes)
# Environment: JOULESWEEP_HOME (the database and datasets, default ./.joulesweep),
# JOULESWEEP (the executable, default build/release/app/joulesweep).
set -euo pipefail
cd "$(dirname "$0")/../.."

workers=${1:-1}
joulesweep=${JOULESWEEP:-build/release/app/joulesweep}
if [[ ! -x $joulesweep ]]; then
    echo "claims: $joulesweep is not built; run: cmake --preset release && cmake --build --preset release" >&2
    exit 2
fi
if [[ $(id -u) == 0 ]]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
"$joulesweep" db start
"$joulesweep" db migrate
for sweep in scripts/claims/*.yaml; do
    "$joulesweep" enqueue "$sweep"
done
mpirun -n "$((workers + 1))" --oversubscribe "$joulesweep" run --progress-interval 60
