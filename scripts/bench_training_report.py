#!/usr/bin/python3
"""Joins the JSON lines of `joulesweep bench training` and scripts/bench_training_peer.py
into the Markdown table of docs/benchmarks.md: samples/s per backend, the ratio of the
faster joulesweep backend to PyTorch, and the matmul FLOP rate of training as a share
of the FMA peak (per thread, times threads) and of oneDNN's matmul ceiling.
Usage: bench_training_report.py FILE..."""

import json
import sys


def main():
    rows, ceilings, peak = {}, {}, None
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record["kind"] == "fma_peak":
                    peak = record["gflop_per_s"]
                    continue
                key = (record["depth"], record["width"], record["batch"], record["threads"])
                if record["kind"] == "matmul_ceiling":
                    ceilings[key] = record["gflop_per_s"]
                else:  # a repeated measurement (the peer's settings): keep the best
                    found = rows.setdefault(key, {})
                    known = found.get(record["backend"])
                    if not known or record["samples_per_s"] > known["samples_per_s"]:
                        found[record["backend"]] = record
    print(f"FP32 FMA peak of one core, measured: {peak:.1f} GFLOP/s\n")
    print("| network | batch | threads | PyTorch samples/s | eigen samples/s "
          "| onednn samples/s | packed samples/s | faster | faster / PyTorch "
          "| training matmul GFLOP/s | % of FMA peak | oneDNN matmul ceiling GFLOP/s "
          "| % of ceiling |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for key in sorted(rows, key=lambda k: (k[0] * k[1] * k[1], k[2], k[3])):
        depth, width, batch, threads = key
        found = rows[key]
        ours = {name: found[name] for name in ("eigen", "onednn", "packed") if name in found}
        faster = max(ours, key=lambda name: ours[name]["samples_per_s"])
        best = ours[faster]
        peer = found.get("pytorch", {}).get("samples_per_s")
        ceiling = ceilings.get(key)

        def rate(name):
            return f"{found[name]['samples_per_s']:,.0f}" if name in found else "-"

        ratio = f"{best['samples_per_s'] / peer:.2f}x" if peer else "-"
        share = best["matmul_gflop_per_s"]
        print(f"| d{depth} w{width} | {batch} | {threads} | {rate('pytorch')} | {rate('eigen')} "
              f"| {rate('onednn')} | {rate('packed')} | {faster} | {ratio} | {share:.1f} "
              f"| {100 * share / (peak * threads):.0f}% | {ceiling:.1f} "
              f"| {100 * share / ceiling:.0f}% |")


if __name__ == "__main__":
    main()
