#!/usr/bin/env bash
# The coordinator-overhead benchmark of docs/benchmarks.md: installs, builds the release
# preset, and on a fresh embedded PostgreSQL of its own (in /var/tmp, removed afterwards)
# trains RUNS runs (banana, depth 3, 16k parameters, batch 32, EPOCHS epochs: 30 take
# about one second of one core) with `mpirun -n WORKERS+1 joulesweep run`. The
# coordinator prints its CPU time against the workers' training time, and how long the
# workers waited for work.
# Usage: scripts/bench-run.sh [WORKERS [RUNS [EPOCHS [run options...]]]]
#        (default 8 workers, 96 runs, 30 epochs)
set -euo pipefail
cd "$(dirname "$0")/.."
workers=${1:-8}
runs=${2:-96}
epochs=${3:-30}
shift $(($# < 3 ? $# : 3))

# shellcheck source=lib.sh
source scripts/lib.sh
install_and_build release

joulesweep=build/release/app/joulesweep
use_scratch_cluster
if [[ $(id -u) == 0 ]]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

step "preparing banana and enqueueing $runs runs (embedded PostgreSQL in $home)"
"$joulesweep" --data-dir "$home" db migrate >/dev/null
"$joulesweep" --data-dir "$home" datasets prepare --source data --only banana >/dev/null
cat >"$home/sweep.yaml" <<YAML
label: overhead
repetitions: $((runs / 2))
grid:
  dataset: banana
  shape: [rectangle, trapezoid]
  depth: 3
  size: 16384
  learning_rate: 0.001
  batch_size: 32
  epochs: $epochs
YAML
"$joulesweep" --data-dir "$home" enqueue "$home/sweep.yaml"
step "training them: mpirun -n $((workers + 1)) joulesweep run"
started=$SECONDS
mpirun -n $((workers + 1)) --oversubscribe "$joulesweep" --data-dir "$home" run \
    --progress-interval 60 "$@" | grep -v " done on rank "
echo "wall time: $((SECONDS - started)) s for $runs runs on $(nproc) cores"
step "done"
