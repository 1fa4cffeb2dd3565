"""Reads what `joulesweep train --dump-inputs FILE` writes (numpy and h5py only)."""

import hashlib
import json

import h5py

# Keras's 10 values per side, in joulesweep's order (common/run_result.hpp).
STATISTICS = [
    "loss",
    "accuracy",
    "mean_squared_error",
    "mean_absolute_error",
    "root_mean_squared_error",
    "mean_squared_logarithmic_error",
    "hinge",
    "squared_hinge",
    "cosine_similarity",
    "kullback_leibler_divergence",
]


class RunInputs:
    """A run's split data (after label noise), initial weights and batch orders."""

    def __init__(self, path):
        with h5py.File(path, "r") as f:
            self.config = json.loads(f.attrs["config"])
            self.widths = json.loads(f.attrs["widths"])
            self.residual = [bool(r) for r in json.loads(f.attrs["residual"])]
            self.output = f.attrs["output"]
            self.loss = f.attrs["loss"]
            self.epochs_written = int(f.attrs["epochs_written"])
            self.parts = {
                name: (f[name]["inputs"][...], f[name]["targets"][...])
                for name in ("train", "validation", "test")
            }
            layers = len(self.widths)
            self.kernels = [f["initial"][f"kernel_{k}"][...] for k in range(layers)]
            self.biases = [f["initial"][f"bias_{k}"][...].reshape(-1) for k in range(layers)]
            self.batch_order = f["batch_order"][...]

    def digest(self):
        """SHA-256 over every array, in a fixed order: equal digests, equal inputs."""
        sha = hashlib.sha256()
        arrays = [a for part in self.parts.values() for a in part]
        arrays += self.kernels + self.biases + [self.batch_order[: self.epochs_written]]
        for array in arrays:
            sha.update(repr(array.shape).encode())
            sha.update(array.astype(array.dtype.newbyteorder("<")).tobytes())
        return sha.hexdigest()
