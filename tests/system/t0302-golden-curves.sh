#!/usr/bin/env bash
# Golden curves: every fixture in tests/golden/fixtures (histories computed in float64 by
# an independent PyTorch replay of Keras's rules) is trained again by `joulesweep train`
# on every backend, and all 20 statistics of every epoch must match it within the
# tolerances that tests/golden/compare.py states and justifies. The run's inputs (split,
# label noise, initial weights, batch order) must be the fixture's, byte for byte.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
golden="$JOULESWEEP_SOURCE_DIR/tests/golden"
datasets="$TEST_DIR/datasets"

fixtures=("$golden"/fixtures/*.json)
((${#fixtures[@]} >= 7)) || fail "expected the 7 golden fixtures, found ${#fixtures[@]}"

mapfile -t needed < <(/usr/bin/python3 -c '
import json, sys
names = set()
for path in sys.argv[1:]:
    arguments = json.load(open(path))["train_arguments"]
    names.add(arguments[arguments.index("--dataset") + 1])
print("\n".join(sorted(names)))' "${fixtures[@]}")
run_joulesweep datasets prepare --source "$JOULESWEEP_SOURCE_DIR/data" \
    --only "$(IFS=,; echo "${needed[*]}")" --datasets-dir "$datasets"
expect_status 0 "datasets prepare --only ${needed[*]}"

backends=(eigen onednn packed)
if ! grep -qw avx2 /proc/cpuinfo || ! grep -qw fma /proc/cpuinfo; then
    echo "NOTE: this CPU lacks AVX2 or FMA, so the packed backend cannot run here; checking eigen and onednn only"
    backends=(eigen onednn)
fi

failed=0
for fixture in "${fixtures[@]}"; do
    name=$(basename "$fixture" .json)
    mapfile -t arguments < <(/usr/bin/python3 -c '
import json, sys
print("\n".join(json.load(open(sys.argv[1]))["train_arguments"]))' "$fixture")
    for backend in "${backends[@]}"; do
        run_joulesweep train --datasets-dir "$datasets" "${arguments[@]}" --backend "$backend" \
            --hdf5 "$TEST_DIR/$name.$backend.h5" --dump-inputs "$TEST_DIR/$name.$backend.inputs.h5"
        expect_status 0 "train $name on $backend"
        (cd "$golden" && /usr/bin/python3 compare.py "$fixture" "$TEST_DIR/$name.$backend.h5" \
            "$TEST_DIR/$name.$backend.inputs.h5" "$name on $backend") || failed=1
        rm -f "$TEST_DIR/$name.$backend.h5" "$TEST_DIR/$name.$backend.inputs.h5"
    done
done
((failed == 0)) || fail "a backend left the golden curves (above)"
