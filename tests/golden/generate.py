"""Writes tests/golden/fixtures/*.json: reference histories from an independent replay.

For each case below: `joulesweep train` runs it once with --dump-inputs; reference.py
replays those inputs in float64 (the reference) and in float32 (how far float32 rounding
alone moves this run); the fixture keeps both with the train arguments and a digest of
the inputs. Run through scripts/generate-golden.sh, which prepares the datasets.

Usage: generate.py JOULESWEEP DATASETS_DIR FIXTURES_DIR [CASE...]
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import torch

from reference import replay
from run_inputs import RunInputs

EPOCHS = 20

# Together: a regression, a binary and a multiclass dataset; five shapes; depths 2-6; the
# five BUTTER optimizer variants and Adagrad; L1, L2 and label noise; batches of 32 and 256.
CASES = {
    "regression_rectangle_d2_adam_b32_l2": [
        "--dataset", "529_pollen", "--shape", "rectangle", "--depth", "2", "--size", "256",
        "--optimizer", "adam", "--learning-rate", "0.001", "--batch-size", "32", "--l2", "0.001"],
    "binary_trapezoid_d3_sgd_b256_l1": [
        "--dataset", "adult", "--shape", "trapezoid", "--depth", "3", "--size", "1024",
        "--optimizer", "sgd", "--learning-rate", "0.01", "--batch-size", "256", "--l1", "0.0001"],
    "multiclass_exponential_d4_sgd_momentum_b32_noise": [
        "--dataset", "wine_quality_white", "--shape", "exponential", "--depth", "4",
        "--size", "512", "--optimizer", "sgd", "--momentum", "0.9", "--learning-rate", "0.001",
        "--batch-size", "32", "--label-noise", "0.1"],
    "multiclass_residual_d5_rmsprop_b256_l2": [
        "--dataset", "splice", "--shape", "rectangle_residual", "--depth", "5", "--size", "4096",
        "--optimizer", "rmsprop", "--learning-rate", "0.0001", "--batch-size", "256",
        "--l2", "0.0001"],
    "regression_wide_first_d6_rmsprop_momentum_b32_noise": [
        "--dataset", "529_pollen", "--shape", "wide_first_2x", "--depth", "6", "--size", "1024",
        "--optimizer", "rmsprop", "--momentum", "0.9", "--learning-rate", "0.0001",
        "--batch-size", "32", "--label-noise", "0.05"],
    "binary_rectangle_d3_adagrad_b256_l1_noise": [
        "--dataset", "adult", "--shape", "rectangle", "--depth", "3", "--size", "512",
        "--optimizer", "adagrad", "--learning-rate", "0.01", "--batch-size", "256",
        "--l1", "0.00001", "--label-noise", "0.1"],
    "binary_exponential_d4_rmsprop_momentum_b256_l2": [
        "--dataset", "adult", "--shape", "exponential", "--depth", "4", "--size", "2048",
        "--optimizer", "rmsprop", "--momentum", "0.9", "--learning-rate", "0.0001",
        "--batch-size", "256", "--l2", "0.0001"],
}
SEED = 7


def datasets():
    """The datasets the cases train on."""
    return sorted({arguments[arguments.index("--dataset") + 1] for arguments in CASES.values()})


def dump_inputs(joulesweep, datasets_dir, arguments, path):
    command = [joulesweep, "train", "--datasets-dir", datasets_dir, *arguments,
               "--epochs", str(EPOCHS), "--seed", str(SEED), "--backend", "eigen",
               "--dump-inputs", path]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def main():
    joulesweep, datasets_dir, fixtures_dir, *names = sys.argv[1:]
    for name in names or CASES:
        arguments = CASES[name]
        started = time.monotonic()
        with tempfile.TemporaryDirectory() as scratch:
            path = os.path.join(scratch, "inputs.h5")
            dump_inputs(joulesweep, datasets_dir, arguments, path)
            inputs = RunInputs(path)
        reference = replay(inputs, torch.float64)
        single = replay(inputs, torch.float32)
        fixture = {
            "case": name,
            "train_arguments": arguments + ["--epochs", str(EPOCHS), "--seed", str(SEED)],
            "widths": inputs.widths,
            "inputs_sha256": inputs.digest(),
            "generated_by": f"tests/golden/generate.py, PyTorch {torch.__version__}",
            "reference": reference,
            "float32_deviation": {
                key: [abs(a - b) for a, b in zip(single[key], reference[key])] for key in reference
            },
        }
        with open(os.path.join(fixtures_dir, name + ".json"), "w") as out:
            json.dump(fixture, out, indent=1)
            out.write("\n")
        print(f"{name}: widths {inputs.widths}, {len(reference['train_loss'])} epochs, "
              f"{time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
