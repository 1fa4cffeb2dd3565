#!/usr/bin/python3
"""The PyTorch peer of `joulesweep bench training`: the same rectangle networks, batch
sizes, thread counts, synthetic data shape, loss (10-class softmax cross-entropy), Adam
(lr 1e-4, epsilon 1e-7) and timing rule (3 warm-up steps, then at least --seconds and 5
steps). Prints one JSON object per measurement, as joulesweep does.

Run it at its best: unset OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, and set
OPENBLAS_NUM_THREADS to --threads. With OpenBLAS's own threads for the matrix products,
PyTorch's OpenMP threads for the rest contend with them: on 2 cores, --intra-op 1 is
PyTorch's best 2-thread setting (scripts/bench-training.sh measures both and keeps the
better)."""

import argparse
import json
import sys
import time

import torch


def network(depth, width, input_width, classes):
    layers, fan_in = [], input_width
    for _ in range(depth - 1):
        layers += [torch.nn.Linear(fan_in, width), torch.nn.ReLU()]
        fan_in = width
    layers.append(torch.nn.Linear(fan_in, classes))
    return torch.nn.Sequential(*layers)


def samples_per_second(depth, width, batch, intra_op, input_width, classes, seconds):
    torch.set_num_threads(intra_op)
    torch.manual_seed(42)
    model = network(depth, width, input_width, classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, eps=1e-7)
    loss_function = torch.nn.CrossEntropyLoss()
    pool = [(torch.rand(batch, input_width), torch.randint(0, classes, (batch,)))
            for _ in range(16)]

    def step(index):
        inputs, targets = pool[index % len(pool)]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_function(model(inputs), targets)
        loss.backward()
        optimizer.step()

    for index in range(3):
        step(index)
    steps, start = 0, time.perf_counter()
    while steps < 5 or time.perf_counter() - start < seconds:
        step(steps)
        steps += 1
    return steps * batch / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--networks", default="3x64,5x512,6x2048,20x128",
                        help="DEPTHxWIDTH,... as joulesweep bench training takes them")
    parser.add_argument("--batches", default="32,256")
    parser.add_argument("--threads", type=int, default=1,
                        help="the thread budget reported (OpenBLAS's count; set it too)")
    parser.add_argument("--intra-op", type=int, default=None,
                        help="PyTorch's own threads (torch.set_num_threads); default --threads")
    parser.add_argument("--input-width", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=3.0)
    arguments = parser.parse_args()
    for item in arguments.networks.split(","):
        depth, width = (int(part) for part in item.split("x"))
        for batch in (int(value) for value in arguments.batches.split(",")):
            threads = arguments.threads
            intra_op = arguments.intra_op or threads
            print(f"bench peer: d{depth} w{width} b{batch} t{threads} (intra-op {intra_op}): "
                  "pytorch", file=sys.stderr)
            rate = samples_per_second(depth, width, batch, intra_op, arguments.input_width, 10,
                                      arguments.seconds)
            print(json.dumps({"kind": "training", "backend": "pytorch", "depth": depth,
                              "width": width, "batch": batch, "threads": threads,
                              "intra_op": intra_op, "samples_per_s": rate}), flush=True)


if __name__ == "__main__":
    main()
