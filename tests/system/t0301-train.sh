#!/usr/bin/env bash
# train: one experiment on a prepared dataset, a progress line per epoch, the history as
# CSV and HDF5 (read back with h5py); the same seed gives the same numbers; a missing
# dataset and a sweep file with several experiments are refused clearly.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
datasets="$TEST_DIR/datasets"

run_joulesweep datasets prepare --source "$JOULESWEEP_SOURCE_DIR/data" --only banana \
    --datasets-dir "$datasets"
expect_status 0 "datasets prepare --only banana"

train() {
    run_joulesweep train --datasets-dir "$datasets" --dataset banana --depth 3 --size 512 \
        --epochs 3 --batch-size 64 --learning-rate 0.01 "$@"
}
train --seed 5 --csv "$TEST_DIR/first.csv" --hdf5 "$TEST_DIR/first.h5"
expect_status 0 "train"
expect_contains "$out" "epoch 1/3  loss "
expect_contains "$out" "epoch 3/3  loss "
# Energy per epoch from the best source here: on a VM without counters, the estimate.
expect_contains "$out" "energy per epoch from "
[[ $out =~ epoch\ 3/3\ .*\ s\ \ [0-9.e+-]+\ J\ \((estimate|rapl_sysfs|rapl_msr|perf)\) ]] ||
    fail "each epoch line should end with its joules and their source: $out"
expect_contains "$out" "network [20, 20, 1] (501 parameters)"
[[ $(wc -l <"$TEST_DIR/first.csv") == 4 ]] || fail "the CSV should have a header and 3 epochs"
[[ $(head -1 "$TEST_DIR/first.csv" | tr ',' '\n' | wc -l) == 24 ]] || fail "the CSV should have 24 columns"
# The CSV holds the joules per epoch that train printed, and their source.
/usr/bin/python3 - "$TEST_DIR/first.csv" "$out" <<'PY' || fail "the CSV's joules differ from the printed ones"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
printed = re.findall(r"^epoch \d+/3 .*  ([0-9.e+-]+) J \((\w+)\)$", sys.argv[2], re.M)
assert len(rows) == len(printed) == 3, (rows, printed)
for row, (joules, source) in zip(rows, printed):
    assert row["energy_source"] == source, (row["energy_source"], source)
    assert float("%.3g" % float(row["energy_gross_j"])) == float(joules), (row["energy_gross_j"], joules)
PY

/usr/bin/python3 - "$TEST_DIR/first.h5" <<'PY' || fail "h5py could not read the history"
import json, sys
import h5py
with h5py.File(sys.argv[1], "r") as f:
    assert f["epoch_wall_s"].shape == (3,)
    assert f["energy_gross_j"].shape == (3,) and f.attrs["energy_source"]
    names = [n for n in f if n not in ("epoch_wall_s", "energy_gross_j")]
    assert len(names) == 20 and "test_kullback_leibler_divergence" in names, names
    assert f.attrs["seed"] == 5 and f.attrs["diverged"] == 0
    assert json.loads(f.attrs["config"])["dataset"] == "banana"
PY

# Validation rows held out: evaluated every epoch, printed, and in both histories.
train --seed 5 --validation-fraction 0.1 --csv "$TEST_DIR/validated.csv" --hdf5 "$TEST_DIR/validated.h5"
expect_status 0 "train --validation-fraction 0.1"
[[ $out =~ epoch\ 3/3\ .*\ validation\ loss\ [0-9.e+-]+\ \ validation\ accuracy\ [0-9.]+ ]] ||
    fail "each epoch line should show the validation loss and accuracy: $out"
/usr/bin/python3 - "$TEST_DIR/validated.csv" "$TEST_DIR/validated.h5" <<'PY' || fail "the validation series are missing"
import csv, sys
import h5py
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 3 and len(rows[0]) == 34, list(rows[0])
assert all(float(r["validation_loss"]) != float(r["test_loss"]) for r in rows), rows
with h5py.File(sys.argv[2], "r") as f:
    assert f["validation_kullback_leibler_divergence"].shape == (3,)
PY

train --seed 5 --csv "$TEST_DIR/second.csv"
# Same seed, same statistics: every column but the wall time and the joules.
cut -d, -f1,3-22 "$TEST_DIR/first.csv" >"$TEST_DIR/first.stats"
cut -d, -f1,3-22 "$TEST_DIR/second.csv" >"$TEST_DIR/second.stats"
cmp -s "$TEST_DIR/first.stats" "$TEST_DIR/second.stats" || fail "the same seed gave different statistics"
train --seed 6 --csv "$TEST_DIR/third.csv"
cut -d, -f1,3-22 "$TEST_DIR/third.csv" >"$TEST_DIR/third.stats"
! cmp -s "$TEST_DIR/first.stats" "$TEST_DIR/third.stats" || fail "another seed gave the same statistics"

# The backends: each names itself; oneDNN's and packed's statistics are Eigen's within the tolerance
# docs/training.md gives; the worker, not OMP_NUM_THREADS, decides the thread count.
train --seed 5 --backend eigen --csv "$TEST_DIR/eigen.csv"
expect_contains "$out" "trained by eigen on 1 thread"
OMP_NUM_THREADS=4 train --seed 5 --backend onednn --csv "$TEST_DIR/onednn.csv"
expect_status 0 "train --backend onednn"
expect_contains "$out" "trained by onednn on 1 thread"
OMP_NUM_THREADS=4 train --seed 5 --backend packed --csv "$TEST_DIR/packed.csv"
expect_status 0 "train --backend packed"
expect_contains "$out" "trained by packed on 1 thread"
/usr/bin/python3 - "$TEST_DIR/eigen.csv" "$TEST_DIR/onednn.csv" "$TEST_DIR/packed.csv" <<'PY' ||
import csv, sys
eigen, *others = (list(csv.DictReader(open(path))) for path in sys.argv[1:])
for other in others:
    assert len(eigen) == len(other) == 3
    for a, b in zip(eigen, other):
        for name in a:
            if name in ("epoch", "wall_s", "energy_gross_j", "energy_source"):
                continue
            x, y = float(a[name]), float(b[name])
            limit = 1e-3 if "accuracy" in name else 1e-5
            assert abs(x - y) <= limit * max(1.0, abs(x)), (name, x, y)
PY
    fail "the backends disagree"
train --seed 5 --backend onednn --threads 2
expect_contains "$out" "trained by onednn on 2 threads"
train --seed 5 --backend packed --threads 2
expect_contains "$out" "trained by packed on 2 threads"
train --backend mkl
expect_status 2 "train --backend mkl"
expect_contains "$err" "train: --backend: unknown backend 'mkl' (expected auto, eigen, onednn or packed)"
# Flags get the same checks as a sweep file, and the same exit code: a usage error.
run_joulesweep train --datasets-dir "$datasets" --dataset banana --depth 3 --size -5
expect_status 2 "train --size -5"
expect_contains "$err" "train: --size: -5 is not a positive size"
run_joulesweep train --datasets-dir "$datasets" --dataset banana --depth 1 --size 512
expect_status 2 "train --depth 1"
expect_contains "$err" "train: --depth: 1 is outside 2..1000"
train --momentum 0.9
expect_status 2 "train --momentum 0.9 (with adam)"
expect_contains "$err" "train: --momentum: 0.9 does not apply to adam"

run_joulesweep train --datasets-dir "$datasets" --dataset adult --epochs 1
expect_status 1 "train on a dataset that is not prepared"
expect_contains "$err" "no prepared dataset at $datasets/adult.h5: run \`joulesweep datasets prepare\`"
run_joulesweep train --datasets-dir "$datasets" --dataset nosuch --epochs 1
expect_status 2 "train on no dataset at all"
expect_one_line "$err"
expect_contains "$err" "train: unknown dataset 'nosuch' (known: 201_pol, "

cat >"$TEST_DIR/two.yaml" <<'YAML'
label: two
grid: {dataset: banana, shape: rectangle, depth: [2, 3], size: 512}
YAML
run_joulesweep train --datasets-dir "$datasets" --config "$TEST_DIR/two.yaml"
expect_status 2 "train --config with two experiments"
expect_contains "$err" "describes 2 experiments; train runs exactly one"

run_joulesweep train --datasets-dir "$datasets" --config "$TEST_DIR/two.yaml" --dataset banana
expect_status 2 "train with both --config and --dataset"
expect_contains "$err" "train: --dataset conflicts with --config $TEST_DIR/two.yaml"
cat >"$TEST_DIR/one.yaml" <<'YAML'
label: one
grid: {dataset: banana, shape: rectangle, depth: 2, size: 512, epochs: 2, shuffle: false}
YAML
# An experiment flag beside --config is refused, even one the file leaves at its default.
run_joulesweep train --datasets-dir "$datasets" --config "$TEST_DIR/one.yaml" --learning-rate 0.0001
expect_status 2 "train with both --config and --learning-rate"
expect_contains "$err" "train: --learning-rate conflicts with --config $TEST_DIR/one.yaml: the file sets the experiment"
# The first line names every field of what is trained, defaults included; without
# shuffle every epoch visits the rows in one order.
run_joulesweep train --datasets-dir "$datasets" --config "$TEST_DIR/one.yaml" --seed 3 \
    --dump-inputs "$TEST_DIR/fixed.h5"
expect_status 0 "train --config one.yaml (shuffle: false)"
expect_contains "$out" "train: batch_size=256;dataset=banana;depth=2;epochs=2;l1=0;l2=0;label_noise=0;learning_rate=0.0001;momentum=0;optimizer=adam;shape=rectangle;shuffle=false;size=512;test_fraction=0.2;validation_fraction=0, seed 3"
train --seed 3 --dump-inputs "$TEST_DIR/shuffled.h5"
expect_status 0 "train with the default shuffle"
/usr/bin/python3 - "$TEST_DIR/fixed.h5" "$TEST_DIR/shuffled.h5" <<'PY' || fail "shuffle false should repeat one batch order, true should not"
import sys, h5py, numpy as np
fixed = h5py.File(sys.argv[1], "r")["batch_order"][:]
shuffled = h5py.File(sys.argv[2], "r")["batch_order"][:]
assert (fixed == np.arange(fixed.shape[1])).all(), fixed
assert not (shuffled[0] == shuffled[1]).all()
PY
train --shuffle sometimes
expect_status 2 "train --shuffle sometimes"
expect_contains "$err" "train: --shuffle: 'sometimes' is neither true nor false"

run_joulesweep train --datasets-dir "$datasets" --dataset banana --size 3
expect_status 2 "train with a size no network reaches"
expect_one_line "$err"
