#!/usr/bin/env python3
"""The limit against the same simulations as a `validate --theory finite-d` run (docs/theory/structured.md [S.15]).

Usage: finite_d_contrast.py EXE RESULTS_CSV

Reads the comparison CSV of `sobolev-rf validate --theory finite-d --output RESULTS_CSV`, solves the limit theory
(`sobolev-rf theory`, no --d) at every point, and prints Markdown: per point and quantity the finite-d theory at
both sizes, the limit, the simulations and both z-scores at each size; then a summary of how many comparisons each
theory fails (|z| > 4 at the larger size with the gap not shrinking, validate's rule). Called by
scripts/make-validation-section.sh NAME TITLE p seeds finite-d.
"""
import csv
import json
import math
import statistics
import subprocess
import sys

MODEL = ["sigma", "teacher", "p_over_n", "gamma", "lambda", "k", "beta", "delta_f", "delta_g", "rho", "varpi",
         "spectrum", "alignment"]


def limit_of(exe, row):
    args = [exe, "theory", "--format", "json"]
    for name in MODEL:
        value = row[name]
        if value == "" or (name == "varpi" and row["k"] == "0"):
            continue
        args += ["--" + name.replace("_", "-"), value.replace(";", ",") if name == "varpi" else value]
    out = subprocess.run(args, capture_output=True, text=True, check=True)  # the limit warns on stderr: expected
    return json.loads(out.stdout)


def z(mean, se, theory):
    return (mean - theory) / se if se > 0 else float("nan")


def main():
    exe, path = sys.argv[1], sys.argv[2]
    rows = [r for r in csv.DictReader(open(path)) if r["theory"] and r["theory_large"]]
    limits = {}
    print("| point | quantity | finite-d at p / 2p | limit | sim p | z finite-d | z limit | sim 2p | z finite-d | z limit |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    fails = {"finite-d": 0, "limit": 0}
    zs = {"finite-d": [], "limit": []}
    for r in rows:
        if r["point"] not in limits:
            limits[r["point"]] = limit_of(exe, r)
        lim = limits[r["point"]][r["quantity"]]
        th, tl = float(r["theory"]), float(r["theory_large"])
        ms, ss, ml, sl = (float(r[k]) for k in ("mean_small", "se_small", "mean_large", "se_large"))
        z_fin = (z(ms, ss, th), z(ml, sl, tl))
        z_lim = (z(ms, ss, lim), z(ml, sl, lim))
        for name, theory_small, theory_large, zz in (("finite-d", th, tl, z_fin), ("limit", lim, lim, z_lim)):
            shrinks = abs(ml - theory_large) < abs(ms - theory_small)
            if abs(zz[1]) > 4 and not shrinks:
                fails[name] += 1
            zs[name].append(abs(zz[1]))
        print(f"| {r['point']} | {r['quantity']} | {th:.4g} / {tl:.4g} | {lim:.4g} | {ms:.4g} ± {ss:.2g} | {z_fin[0]:+.1f} | "
              f"{z_lim[0]:+.1f} | {ml:.4g} ± {sl:.2g} | {z_fin[1]:+.1f} | {z_lim[1]:+.1f} |")
    n = len(rows)
    print()
    print(f"Summary: {n} comparisons. The finite-d theory: median |z| {statistics.median(zs['finite-d']):.2f} at the "
          f"larger size, {sum(x > 4 for x in zs['finite-d'])} with |z| > 4, {fails['finite-d']} failing validate's rule. "
          f"The limit against the same simulations: median |z| {statistics.median(zs['limit']):.2f}, "
          f"{sum(x > 4 for x in zs['limit'])} with |z| > 4, {fails['limit']} failing validate's rule.")


if __name__ == "__main__":
    main()
