#!/usr/bin/env bash
# The training benchmark as docs/benchmarks.md reports it: installs, builds the release
# preset, adds the peer (Debian's python3-torch, with OpenBLAS for its matrix products),
# runs `joulesweep bench training` and the PyTorch peer on the same networks, batches
# and thread counts, and prints the Markdown table with the ratios.
# Usage: scripts/bench-training.sh [--seconds S]   (as root, for the packages)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=3
if [[ ${1:-} == --seconds ]]; then
    seconds=$2
fi

# shellcheck source=lib.sh
source scripts/lib.sh
install_and_build release

install_missing "the benchmark peer" python3-torch libopenblas0-pthread

joulesweep=build/release/app/joulesweep
out=$(mktemp -d /var/tmp/joulesweep-bench-training.XXXXXX)
trap 'rm -rf "$out"' EXIT

# The issue's configurations: 4 networks at batches 32 and 256 on 1 thread, and the two
# largest again on 2 threads.
small=3x64,20x128
large=5x512,6x2048
step "joulesweep: 1 thread"
"$joulesweep" bench training --networks "$small,$large" --batches 32,256 --threads 1 \
    --seconds "$seconds" >"$out/ours-1.jsonl"
step "joulesweep: 2 threads"
"$joulesweep" bench training --networks "$large" --batches 32,256 --threads 2 \
    --seconds "$seconds" >"$out/ours-2.jsonl"

# The peer at its best: this machine's OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE slow
# OpenBLAS down, so they are unset for it alone; its thread counts are set explicitly.
# With 2 threads, PyTorch's OpenMP threads contend with OpenBLAS's: both splits are
# measured and the report keeps the faster.
peer() {
    local threads=$1 intra_op=$2
    shift 2
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" \
        OMP_NUM_THREADS="$intra_op" /usr/bin/python3 scripts/bench_training_peer.py \
        --threads "$threads" --intra-op "$intra_op" --seconds "$seconds" "$@"
}
step "PyTorch: 1 thread"
peer 1 1 --networks "$small,$large" --batches 32,256 >"$out/peer-1.jsonl"
step "PyTorch: 2 threads (PyTorch 2 + OpenBLAS 2, then PyTorch 1 + OpenBLAS 2)"
peer 2 2 --networks "$large" --batches 32,256 >"$out/peer-2.jsonl"
peer 2 1 --networks "$large" --batches 32,256 >"$out/peer-2-intra-1.jsonl"

step "results ($(/usr/bin/python3 -c 'import torch; print("PyTorch", torch.__version__)'))"
/usr/bin/python3 scripts/bench_training_report.py "$out"/*.jsonl
