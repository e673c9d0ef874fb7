#!/usr/bin/env python3
"""Markdown table of seed groups from an `acc compare --json` file (or a compare op's
comparison/run/<name>_latest.json): per metric, each group's mean ± 95% half-interval and,
for every group after the first, its Welch difference from the first with the interval and
a mark when it excludes 0. Standard library only: it formats numbers acc computed.

  scripts/seed_table.py COMPARISON.json [METRIC ...] [--names mnist_only,with_curriculum]
"""
import argparse
import json
import sys


def fmt(x, digits=3):
    return "–" if x is None else f"{x:.{digits}g}" if abs(x) < 1e-3 and x != 0 else f"{x:.{digits}f}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("comparison")
    p.add_argument("metrics", nargs="*", help="metrics to show (default: all)")
    p.add_argument("--names", default="", help="comma-separated column names for the seed groups")
    p.add_argument("--digits", type=int, default=3)
    a = p.parse_args()
    c = json.load(open(a.comparison))
    groups = c.get("seed_groups", [])
    if not groups:
        sys.exit(f"{a.comparison}: no seed groups (nodes differing only by seed); compare such nodes")
    names = a.names.split(",") if a.names else [f"group {i + 1}" for i in range(len(groups))]
    metrics = a.metrics or sorted({m for g in groups for m in g["stats"]})
    diffs = c.get("group_differences", [])
    head = ["metric"] + [f"{n} (n={len(g['members'])})" for n, g in zip(names, groups)]
    head += [f"{names[d['group'] - 1]} − {names[0]} (Welch 95% CI)" for d in diffs]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for m in metrics:
        row = [f"`{m}`"]
        for g in groups:
            s = g["stats"].get(m)
            row.append("–" if s is None else f"{fmt(s['mean'], a.digits)} ± {fmt(s['mean'] - s['ci95'][0], a.digits)}")
        for d in diffs:
            s = d["stats"].get(m)
            if s is None:
                row.append("–")
            else:
                mark = " **\\***" if s["significant"] else ""
                row.append(f"{fmt(s['diff'], a.digits)} [{fmt(s['ci95'][0], a.digits)}, {fmt(s['ci95'][1], a.digits)}]{mark}")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
