"""An independent replay of one joulesweep run with Keras 2.x's semantics, in PyTorch.

It reads what `joulesweep train --dump-inputs FILE` exported (the split data after label
noise, the initial weights, every epoch's batch order) and trains the same network again,
written from Keras's definitions rather than from joulesweep's code: the forward pass and
the losses in torch, the gradients by torch's autograd, the optimizer updates (Keras's
rules, not torch.optim's) and the 10 metrics by hand. dtype float64 gives the reference;
float32 gives a second replay whose distance from it measures how far float32 rounding
alone moves this run (the comparison's tolerances are built on it, tests/golden/README.md).
"""

import math

import numpy as np
import torch
import torch.nn.functional as F

from run_inputs import STATISTICS

EPSILON = 1e-7  # Keras's backend.epsilon(), also every optimizer's default epsilon


# ---- the network, its loss and penalty --------------------------------------------


def logits_of(params, residual, x):
    h = x
    last = len(params) - 1
    for index, (kernel, bias) in enumerate(params):
        z = h @ kernel + bias
        if index == last:
            return z
        a = torch.relu(z)
        h = a + h if residual[index] else a
    raise AssertionError("a network has at least one layer")


def outputs_of(logits, output):
    return torch.sigmoid(logits) if output == "sigmoid" else torch.softmax(logits, dim=1)


def sample_losses(logits, y, loss):
    """Keras's per-sample loss; both cross-entropies from the logits, as Keras computes
    them when the output layer is a sigmoid or softmax."""
    if loss == "mean_squared_error":
        return ((torch.sigmoid(logits) - y) ** 2).mean(dim=1)
    if loss == "binary_crossentropy":
        # Not max(z, 0) - z·y + log(1 + e^-|z|) term by term: autograd would take the
        # kinks' one-sided slopes at z = 0 (a dead hidden layer gives exactly 0) instead
        # of the smooth derivative σ(z) − y.
        return F.binary_cross_entropy_with_logits(logits, y, reduction="none").mean(dim=1)
    if loss == "categorical_crossentropy":
        return -(y * torch.log_softmax(logits, dim=1)).sum(dim=1)
    raise ValueError(f"unknown loss {loss}")


def penalty_of(params, l1, l2):
    """keras.regularizers.L1/L2 on every kernel: l1·Σ|W| + l2·ΣW² (biases excluded)."""
    total = 0.0
    for kernel, _ in params:
        if l1:
            total = total + l1 * kernel.abs().sum()
        if l2:
            total = total + l2 * (kernel**2).sum()
    return total


# ---- Keras's metrics, per sample ---------------------------------------------------


def metric_values(p, y):
    """Per-sample values of the nine metrics (loss aside) in STATISTICS order, and the
    squared error summed per sample (RootMeanSquaredError averages over elements)."""
    if p.shape[1] == 1:
        accuracy = ((p > 0.5).to(p.dtype) == y).to(p.dtype).mean(dim=1)
    else:
        accuracy = (torch.argmax(p, dim=1) == torch.argmax(y, dim=1)).to(p.dtype)
    error = p - y
    mse = (error**2).mean(dim=1)
    mae = error.abs().mean(dim=1)
    msle = ((torch.log1p(torch.clamp(p, min=EPSILON)) - torch.log1p(torch.clamp(y, min=EPSILON))) ** 2).mean(dim=1)
    # Keras's hinge turns 0/1 labels into -1/1 when every label of the batch is 0 or 1.
    signed = 2 * y - 1 if bool(((y == 0) | (y == 1)).all()) else y
    margin = torch.clamp(1 - signed * p, min=0)
    hinge = margin.mean(dim=1)
    squared_hinge = (margin**2).mean(dim=1)

    def l2_normalize(v):
        return v / torch.sqrt(torch.clamp((v**2).sum(dim=1, keepdim=True), min=1e-12))

    cosine = (l2_normalize(y) * l2_normalize(p)).sum(dim=1)
    y_clipped = torch.clamp(y, EPSILON, 1)
    p_clipped = torch.clamp(p, EPSILON, 1)
    kld = (y_clipped * torch.log(y_clipped / p_clipped)).sum(dim=1)
    return [accuracy, mse, mae, None, msle, hinge, squared_hinge, cosine, kld], (error**2).sum(dim=1)


class RunningMeans:
    """Keras's Mean metrics over an epoch: sums of per-sample values over samples seen."""

    def __init__(self):
        self.sums = [0.0] * len(STATISTICS)
        self.squared_error = 0.0
        self.elements = 0
        self.samples = 0

    def add(self, losses, penalty, p, y):
        n = y.shape[0]
        values, squared_error = metric_values(p, y)
        self.sums[0] += float(losses.sum()) + n * float(penalty)
        for index, value in enumerate(values, start=1):
            if value is not None:
                self.sums[index] += float(value.sum())
        self.squared_error += float(squared_error.sum())
        self.elements += y.numel()
        self.samples += n

    def values(self):
        out = [s / self.samples for s in self.sums]
        out[4] = math.sqrt(self.squared_error / self.elements)
        return out


# ---- Keras's optimizers -----------------------------------------------------------


class KerasOptimizer:
    """tf.keras.optimizers (2.x) update rules and defaults, per variable."""

    def __init__(self, name, learning_rate, momentum, params):
        self.name = name
        self.lr = learning_rate
        self.momentum = momentum
        self.steps = 0
        self.slots = [[torch.zeros_like(t) for t in pair] for pair in params]
        self.slots2 = [[torch.zeros_like(t) for t in pair] for pair in params]
        if name == "adagrad":  # initial_accumulator_value=0.1
            self.slots = [[torch.full_like(t, 0.1) for t in pair] for pair in params]

    def step(self, params, grads):
        self.steps += 1
        t = self.steps
        for pair, grad_pair, slot_pair, slot2_pair in zip(params, grads, self.slots, self.slots2):
            for w, g, s, s2 in zip(pair, grad_pair, slot_pair, slot2_pair):
                self._update(w, g, s, s2, t)

    def _update(self, w, g, s, s2, t):
        lr, momentum = self.lr, self.momentum
        if self.name == "sgd":  # ResourceApplyKerasMomentum / GradientDescent
            if momentum == 0:
                w -= lr * g
            else:
                s.copy_(momentum * s - lr * g)
                w += s
        elif self.name == "rmsprop":  # rho 0.9, epsilon 1e-7, centered False
            s.copy_(0.9 * s + 0.1 * g * g)
            if momentum == 0:  # the Python path: epsilon outside the root
                w -= lr * g / (torch.sqrt(s) + EPSILON)
            else:  # ResourceApplyRMSProp: epsilon inside the root
                s2.copy_(momentum * s2 + lr * g / torch.sqrt(s + EPSILON))
                w -= s2
        elif self.name == "adam":  # beta_1 0.9, beta_2 0.999, epsilon 1e-7
            rate = lr * math.sqrt(1 - 0.999**t) / (1 - 0.9**t)
            s.copy_(0.9 * s + 0.1 * g)
            s2.copy_(0.999 * s2 + 0.001 * g * g)
            w -= rate * s / (torch.sqrt(s2) + EPSILON)
        elif self.name == "adagrad":  # ResourceApplyAdagradV2
            s += g * g
            w -= lr * g / (torch.sqrt(s) + EPSILON)
        else:
            raise ValueError(f"unknown optimizer {self.name}")


# ---- training ----------------------------------------------------------------------


def evaluate(params, inputs, x, y, batch_size):
    """Keras's evaluation of validation data after an epoch: batches of fit's batch size,
    metrics averaged over samples, the penalty added to the loss."""
    means = RunningMeans()
    with torch.no_grad():
        penalty = penalty_of(params, inputs.config["l1"], inputs.config["l2"])
        for first in range(0, x.shape[0], batch_size):
            xb, yb = x[first : first + batch_size], y[first : first + batch_size]
            logits = logits_of(params, inputs.residual, xb)
            means.add(sample_losses(logits, yb, inputs.loss), penalty, outputs_of(logits, inputs.output), yb)
    return means.values()


def replay(inputs, dtype, trained=None):
    """Trains the run again; returns {statistic: [per epoch]} keyed train_X and test_X.
    With a list as `trained`, appends the final [kernel, bias] pairs to it."""
    config = inputs.config
    to = lambda a: torch.tensor(np.asarray(a), dtype=dtype)  # noqa: E731
    x_train, y_train = (to(a) for a in inputs.parts["train"])
    x_test, y_test = (to(a) for a in inputs.parts["test"])
    params = [[to(k).requires_grad_(), to(b).requires_grad_()] for k, b in zip(inputs.kernels, inputs.biases)]
    optimizer = KerasOptimizer(config["optimizer"], config["learning_rate"], config["momentum"], params)
    batch_size = config["batch_size"]
    history = {f"{side}_{name}": [] for side in ("train", "test") for name in STATISTICS}
    for epoch in range(inputs.epochs_written):
        order = torch.as_tensor(inputs.batch_order[epoch].astype(np.int64))
        means = RunningMeans()
        diverged = False
        for first in range(0, order.shape[0], batch_size):
            rows = order[first : first + batch_size]
            xb, yb = x_train[rows], y_train[rows]
            logits = logits_of(params, inputs.residual, xb)
            losses = sample_losses(logits, yb, inputs.loss)
            penalty = penalty_of(params, config["l1"], config["l2"])
            means.add(losses.detach(), float(penalty), outputs_of(logits, inputs.output).detach(), yb)
            objective = losses.mean() + penalty
            if not math.isfinite(float(objective)):
                diverged = True
                break
            grads = torch.autograd.grad(objective, [t for pair in params for t in pair])
            with torch.no_grad():
                optimizer.step(params, [grads[i : i + 2] for i in range(0, len(grads), 2)])
        for name, value in zip(STATISTICS, means.values()):
            history["train_" + name].append(value)
        for name, value in zip(STATISTICS, evaluate(params, inputs, x_test, y_test, batch_size)):
            history["test_" + name].append(value)
        if diverged:
            break
    if trained is not None:
        trained.extend([[t.detach().numpy() for t in pair] for pair in params])
    return history
