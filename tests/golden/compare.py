"""Compares one joulesweep run with its golden fixture, epoch by epoch (numpy and h5py).

Usage: compare.py FIXTURE.json HISTORY.h5 INPUTS.h5 LABEL
  HISTORY.h5  from `joulesweep train ... --hdf5`
  INPUTS.h5   from the same run's --dump-inputs

joulesweep trains in float32; the fixture holds a float64 reference. Each of the 20
statistics must satisfy, at every epoch t,

    |ours - reference| <= 1e-4 * max(1, |reference|) + 4 * E(t)   (+ 2/rows for accuracy)

E(t) is the largest distance, up to epoch t, between the reference and the same replay
in float32 (the fixture's float32_deviation): how far float32 rounding alone moved this
run, growing as training amplifies it. We round differently from torch (other summation
orders), so we allow 4 times that. The floor of 1e-4 relative covers rounding that the one
float32 replay happened not to meet: a hidden unit's pre-activation near zero takes the
other side of the ReLU, and Adam's normalised step then moves that unit by up to the
learning rate. The worst seen so far is 1.2e-5 (regression_rectangle_d2_adam_b32_l2, all
backends), 8 times under the floor; RMSprop's old epsilon outside the root misses by 1e-2.
Accuracy counts samples: two samples on the 0.5 boundary may flip, 2/rows.
"""

import json
import sys

import h5py
import numpy as np

from run_inputs import STATISTICS, RunInputs

RELATIVE_FLOOR = 1e-4
ROUNDING_FACTOR = 4.0
FLIPPED_SAMPLES = 2


def tolerances(fixture, key, rows):
    reference = np.asarray(fixture["reference"][key], dtype=float)
    envelope = np.maximum.accumulate(np.asarray(fixture["float32_deviation"][key], dtype=float))
    allowed = RELATIVE_FLOOR * np.maximum(1.0, np.abs(reference)) + ROUNDING_FACTOR * envelope
    if key.endswith("accuracy"):
        allowed += FLIPPED_SAMPLES / rows
    return reference, allowed


def main():
    fixture_path, history_path, inputs_path, label = sys.argv[1:]
    with open(fixture_path) as f:
        fixture = json.load(f)
    inputs = RunInputs(inputs_path)
    digest = inputs.digest()
    if digest != fixture["inputs_sha256"]:
        print(f"{label}: the run's inputs (split, label noise, initial weights or batch order) "
              f"are not those the fixture was made from ({digest[:12]} != "
              f"{fixture['inputs_sha256'][:12]}). If that change was intended, regenerate the "
              "fixtures with scripts/generate-golden.sh and review the new curves.")
        return 1
    rows = {"train": inputs.parts["train"][0].shape[0], "test": inputs.parts["test"][0].shape[0]}
    failures = []
    worst = (0.0, "")
    with h5py.File(history_path, "r") as history:
        for side in ("train", "test"):
            for statistic in STATISTICS:
                key = f"{side}_{statistic}"
                reference, allowed = tolerances(fixture, key, rows[side])
                ours = history[key][...].astype(float)
                if ours.shape != reference.shape:
                    failures.append(f"{key}: {ours.shape[0]} epochs, the reference has {reference.shape[0]}")
                    continue
                distance = np.abs(ours - reference)
                distance[np.isnan(distance)] = np.inf
                share = distance / allowed
                if share.max() > worst[0]:
                    worst = (share.max(), f"{key} epoch {share.argmax() + 1}")
                for epoch in np.nonzero(share > 1)[0][:3]:
                    failures.append(
                        f"{key} epoch {epoch + 1}: ours {ours[epoch]:.7g}, reference "
                        f"{reference[epoch]:.7g}, off by {distance[epoch]:.2e} > {allowed[epoch]:.2e}")
    if failures:
        print(f"{label}: FAILED, {len(failures)} value(s) outside the tolerance:")
        for failure in failures[:20]:
            print("  " + failure)
        return 1
    print(f"{label}: {len(STATISTICS) * 2} statistics x {len(fixture['reference']['train_loss'])} "
          f"epochs within tolerance (closest: {worst[0]:.0%} of allowed, {worst[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
