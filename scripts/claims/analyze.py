#!/usr/bin/env python3
"""The claims experiment's numbers (docs/train-for-less.md, "The claims, measured").

Reads what scripts/claims/analyze.sh wrote into OUT_DIR: replay-*.csv (joulesweep search
replay --csv: one row per group, target level and failure rule) and iso-loss-*.csv (each
size's median cost to a level and E* of that level) and m8-*.csv (the first rule's replay
under another ladder factor or budget). Writes OUT_DIR/report.md with M2-M5 per dataset
and pooled, M8 pooled, and OUT_DIR/iso-loss.png (M1). Pooled statistics weight each
group equally and each level equally within a group (specification, section 6.3).
"""
import csv
import datetime
import glob
import math
import os
import sys
from collections import defaultdict

import numpy as np


def read_rows(pattern):
    rows = []
    for path in sorted(glob.glob(pattern)):
        with open(path, newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def number(text):
    if text in ("", None):
        return None
    return math.inf if text == "inf" else float(text)


def weighted_quantile(values, weights, q):
    order = np.argsort(values)
    values = np.asarray(values, dtype=float)[order]
    weights = np.asarray(weights, dtype=float)[order]
    cumulative = np.cumsum(weights) - 0.5 * weights
    cumulative /= weights.sum()
    return float(np.interp(q, cumulative, values))


def weighted_share(values, weights, test):
    weights = np.asarray(weights, dtype=float)
    hits = np.array([1.0 if test(v) else 0.0 for v in values])
    return float((hits * weights).sum() / weights.sum())


def weights_of(rows):
    """Each group equally, each level equally within it."""
    per_group = defaultdict(int)
    for row in rows:
        per_group[(row["dataset"], row["shape"], row["depth"], row["hardware"])] += 1
    return [1.0 / per_group[(r["dataset"], r["shape"], r["depth"], r["hardware"])] for r in rows]


def cell(value, digits=3):
    if value is None:
        return "-"
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    return f"{value:.{digits}g}"


def summarise(rows, energy, rules):
    """M2-M5 for the rows of one scope (a dataset or all)."""
    lines = []
    scoped = [r for r in rows if r["energy"] == energy]
    first_rule = rules[0]
    q_rows = [r for r in scoped if r["failure"] == first_rule and number(r["q"]) is not None]
    if q_rows:
        qs = [number(r["q"]) for r in q_rows]
        w = weights_of(q_rows)
        lines.append(
            f"- **M2** Q = s_opt / s_min over {len(qs)} (group, level) cells: median "
            f"{cell(weighted_quantile(qs, w, 0.5))}, P(Q <= 4) = "
            f"{weighted_share(qs, w, lambda v: v <= 4):.0%}, P(Q = 1) = "
            f"{weighted_share(qs, w, lambda v: v == 1):.0%}, P(Q = 2) = "
            f"{weighted_share(qs, w, lambda v: v == 2):.0%}, P(Q = 4) = "
            f"{weighted_share(qs, w, lambda v: v == 4):.0%}")
    else:
        lines.append("- **M2** no level with a finite E*")
    lines.append("")
    lines.append("| rule | cells | search reached | median R | IQR | P90 | P(R <= 2) | P(R <= 4) "
                 "| median R_hit | median R_fail | median log10 O_full | P(E_search / E_full <= 0.02) "
                 "| median O_hit |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for rule in rules:
        cells = [r for r in scoped if r["failure"] == rule and number(r["e_star"]) not in (None, math.inf)]
        if not cells:
            continue
        rated = [r for r in cells if number(r["r"]) is not None]
        reached = sum(1 for r in cells if number(r["search_j"]) not in (None, math.inf))
        row = [rule, str(len(cells)), f"{reached / len(cells):.0%}"]
        if rated:
            w = weights_of(rated)
            rs = [number(r["r"]) for r in rated]
            row += [cell(weighted_quantile(rs, w, 0.5)),
                    f"{cell(weighted_quantile(rs, w, 0.25))}-{cell(weighted_quantile(rs, w, 0.75))}",
                    cell(weighted_quantile(rs, w, 0.9)),
                    f"{weighted_share(rs, w, lambda v: v <= 2):.0%}",
                    f"{weighted_share(rs, w, lambda v: v <= 4):.0%}"]
            for column in ("r_hit", "r_fail"):
                pairs = [(number(r[column]), x) for r, x in zip(rated, w) if number(r[column]) is not None]
                row.append(cell(weighted_quantile([p[0] for p in pairs], [p[1] for p in pairs], 0.5))
                           if pairs else "-")
            o_full = [(number(r["o_full"]), x) for r, x in zip(rated, w) if number(r["o_full"])]
            if o_full:
                logs = [math.log10(v) for v, _ in o_full]
                ws = [x for _, x in o_full]
                row += [cell(weighted_quantile(logs, ws, 0.5)),
                        f"{weighted_share([v for v, _ in o_full], ws, lambda v: 1 / v <= 0.02):.0%}"]
            else:
                row += ["-", "-"]
            o_hit = [(number(r["o_hit"]), x) for r, x in zip(rated, w) if number(r["o_hit"])]
            row.append(cell(weighted_quantile([v for v, _ in o_hit], [x for _, x in o_hit], 0.5))
                       if o_hit else "-")
        else:
            row += ["-"] * 10
        lines.append("| " + " | ".join(row) + " |")
    return lines


def robustness(out_dir, rows, first_rule):
    """M8: the first rule's M2 and M3 under other ladder factors and budgets, pooled."""
    variants = [("r = 2, T = 200 (the tables above)", None), ("r = 4, T = 200", "r4"),
                ("r = 2, T = 100", "t100"), ("r = 2, T = 50", "t50")]
    lines = ["## M8: robustness, pooled, rule " + first_rule, "",
             "| measure | ladder and budget | median Q | P(Q <= 4) | median R | IQR | P(R <= 2) | P(R <= 4) |",
             "|---|---|---|---|---|---|---|---|"]
    for energy in ("gross", "flops"):
        for label, name in variants:
            if name is None:
                scope = [r for r in rows if r["energy"] == energy and r["failure"] == first_rule]
            else:
                scope = read_rows(os.path.join(out_dir, f"m8-*-{energy}-{name}.csv"))
            qs = [r for r in scope if number(r["q"]) is not None]
            rated = [r for r in scope if number(r["r"]) is not None]
            if not qs or not rated:
                continue
            qw, rw = weights_of(qs), weights_of(rated)
            q_values = [number(r["q"]) for r in qs]
            r_values = [number(r["r"]) for r in rated]
            lines.append("| " + " | ".join([
                "flops" if energy == "flops" else f"{energy} joules", label,
                cell(weighted_quantile(q_values, qw, 0.5)),
                f"{weighted_share(q_values, qw, lambda v: v <= 4):.0%}",
                cell(weighted_quantile(r_values, rw, 0.5)),
                f"{cell(weighted_quantile(r_values, rw, 0.25))}-{cell(weighted_quantile(r_values, rw, 0.75))}",
                f"{weighted_share(r_values, rw, lambda v: v <= 2):.0%}",
                f"{weighted_share(r_values, rw, lambda v: v <= 4):.0%}"]) + " |")
    return lines


def live_comparison(out_dir):
    """M3 from the live searches next to the same searches replayed on the static grid."""
    live = read_rows(os.path.join(out_dir, "live.csv"))
    replayed = {}
    for r in read_rows(os.path.join(out_dir, "live-replay-*.csv")):
        replayed[(r["dataset"], r["energy"], r["failure"], round(float(r["target"]), 9))] = r
    lines = ["## Live searches against the replay on the static grid", "",
             "E* is the static grid's (the same groups, 3 repetitions per size); R = median search"
             " cost / E*. Live searches not yet finished show their progress only.", "",
             "| dataset | target | rule | searches done | reached | live size found (smallest) "
             "| replayed size found | live R gross | replayed R gross | live R flops | replayed R flops |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in live:
        key = (r["dataset"], r["failure"], round(float(r["target"]), 9))
        gross = replayed.get((key[0], "gross") + key[1:])
        flops = replayed.get((key[0], "flops") + key[1:])
        finished = r["done"] == r["searches"]

        def ratio(cost, row):
            e_star = number(row["e_star"]) if row else None
            value = number(cost)
            if not finished or value is None or e_star in (None, 0, math.inf):
                return "-"
            return cell(value / e_star)

        lines.append("| " + " | ".join([
            r["dataset"], r["target"], r["failure"], f"{r['done']}/{r['searches']}",
            r["reached"] if finished else "-",
            (r["smallest_size_reached"] or "-") if finished else "-",
            (gross["size_found"] or "-") if gross else "-",
            ratio(r["median_search_gross_j"], gross), cell(number(gross["r"])) if gross else "-",
            ratio(r["median_search_flops"], flops), cell(number(flops["r"])) if flops else "-"]) + " |")
    return lines


def iso_loss_figure(out_dir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = read_rows(os.path.join(out_dir, "iso-loss-*.csv"))
    datasets = sorted({r["dataset"] for r in rows})
    if not datasets:
        return False
    measures = (("gross_j", "e_star", "gross joules"), ("flops", "flops_star", "flops"))
    figure, axes = plt.subplots(len(measures), len(datasets), figsize=(5 * len(datasets), 8),
                                squeeze=False)
    for row, (cost_column, star_column, unit) in enumerate(measures):
        for axis, dataset in zip(axes[row], datasets):
            by_level = defaultdict(list)
            for r in rows:
                if r["dataset"] != dataset:
                    continue
                cost, e_star = number(r[cost_column]), number(r[star_column])
                if cost is None or e_star in (None, math.inf) or cost == math.inf or e_star <= 0:
                    continue
                by_level[(int(r["loss_index"]), float(r["loss"]))].append((int(r["size"]), cost / e_star))
            colours = plt.cm.viridis(np.linspace(0, 1, max(len(by_level), 1)))
            for colour, ((index, loss), points) in zip(colours, sorted(by_level.items())):
                points.sort()
                axis.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3,
                          color=colour, label=f"L = {loss:.3g}")
            axis.set_xscale("log", base=2)
            axis.set_yscale("log")
            axis.set_xlabel("size (parameters)")
            axis.set_ylabel(f"E(s, L) / E*(L)  ({unit})")
            axis.set_title(f"{dataset}, {unit}")
            axis.legend(fontsize=6)
    figure.tight_layout()
    figure.savefig(os.path.join(out_dir, "iso-loss.png"), dpi=110)
    return True


def machine():
    """"AMD EPYC, 2 hardware threads": where the analysis ran (the runs name their own hosts)."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} hardware threads"


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "claims-report"
    rows = read_rows(os.path.join(out_dir, "replay-*.csv"))
    if not rows:
        sys.exit(f"analyze: no replay-*.csv in {out_dir}: run scripts/claims/analyze.sh first")
    rules = list(dict.fromkeys(r["failure"] for r in rows))
    report = ["# The claims, measured on the static grid", "",
              f"Written {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by "
              f"scripts/claims/analyze.sh on {machine()}, from the runs stored in its database "
              "(docs/train-for-less.md, \"The claims, measured\", says how they were trained).", ""]
    for energy in ("gross", "net", "flops"):
        unit = "flops" if energy == "flops" else f"{energy} joules"
        for dataset in sorted({r["dataset"] for r in rows}) + ["pooled"]:
            scope = rows if dataset == "pooled" else [r for r in rows if r["dataset"] == dataset]
            groups = {(r["dataset"], r["shape"], r["depth"]) for r in scope}
            report.append(f"## {dataset}, {unit} ({len(groups)} groups)")
            report.append("")
            report.extend(summarise(scope, energy, rules))
            report.append("")
    report.extend(robustness(out_dir, rows, rules[0]))
    report.append("")
    report.extend(live_comparison(out_dir))
    report.append("")
    if iso_loss_figure(out_dir):
        report.append("M1: iso-loss.png")
    with open(os.path.join(out_dir, "report.md"), "w") as handle:
        handle.write("\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    main()
