#!/usr/bin/python3
"""Checks the exact population errors of `sobolev-rf simulate` against a large sampled test set,
seed by seed, at a fixed list of points (chosen before any run, none tuned).

For each point both modes run with the same --seed, so each seed trains the same weights; the
sampled test mean then differs from the exact expectation by test-set noise only, and
z = (sampled - exact) / (its per-seed standard error, `test_se`) should be standard normal.
Prints one line per point and seed with the largest |z| over gen_f, gen_g, gen_h1 and gen_grad,
and exits 1 if any |z| > 4.

Usage: bench/exact_vs_sampled.py [--exe build/sobolev-rf] [--p 400] [--seeds 2] [--test-samples 200000]
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# sigma, teacher, p/n, gamma, lambda, k, varpi, beta, solve
POINTS = [
    ("tanh", "tanh", 2.0, 0.8, 1e-3, 0, "", 1.0, "auto"),
    ("relu", "relu", 0.5, 1.2, 1e-2, 1, "0.7", 1.0, "auto"),
    ("erf", "linear", 1.0, 0.5, 1e-4, 2, "1,-0.5", 0.5, "primal"),
    ("sigmoid", "tanh", 3.0, 0.8, 1e-1, 1, "-1.2", 1.0, "dual"),
    ("softplus", "relu", 0.7, 1.5, 1e-3, 0, "", 1.0, "auto"),
    ("he3", "tanh", 1.5, 0.8, 1e-2, 1, "0.3", 1.0, "auto"),
    ("linear", "he3", 0.8, 0.6, 1e-2, 2, "0.5,0.5", 1.0, "auto"),
    ("tanh", "erf", 0.3, 2.0, 1e-6, 1, "2", 1.0, "auto"),
    ("relu", "tanh", 4.0, 0.3, 1e-2, 2, "0,1", 0.5, "dual"),
    ("erf", "relu", 1.2, 1.0, 1e-3, 0, "", 1.0, "primal"),
    ("sigmoid", "linear", 0.6, 0.9, 1e-5, 1, "1", 1.0, "auto"),
    ("softplus", "erf", 2.5, 0.4, 1e-2, 1, "-0.4", 1.0, "auto"),
]
QUANTITIES = ("gen_f", "gen_g", "gen_h1", "gen_grad")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exe", default=os.path.join(ROOT, "build", "sobolev-rf"))
    ap.add_argument("--p", type=int, default=400)
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--test-samples", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=2027)
    a = ap.parse_args()
    worst = 0.0
    print(f"p = {a.p}, {a.seeds} seeds per point, sampled test set T = {a.test_samples}")
    for i, (sigma, teacher, p_over_n, gamma, lam, k, varpi, beta, solve) in enumerate(POINTS, 1):
        args = [a.exe, "simulate", "--sigma", sigma, "--teacher", teacher, "--p-over-n", str(p_over_n), "--gamma",
                str(gamma), "--lambda", str(lam), "--k", str(k), "--beta", str(beta), "--solve", solve, "--p",
                str(a.p), "--seeds", str(a.seeds), "--seed", str(a.seed + i), "--format", "json"]
        if k > 0:
            args += ["--varpi", varpi]
        exact = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        sampled = json.loads(subprocess.run(args + ["--test-error", "sampled", "--test-samples", str(a.test_samples)],
                                            check=True, capture_output=True, text=True).stdout)
        for se, ss in zip(exact["per_seed"], sampled["per_seed"]):
            zs = {}
            for q in QUANTITIES:
                if k == 0 and q == "gen_g":
                    continue
                err = ss["test_se"][q]
                zs[q] = (ss[q] - se[q]) / err if err > 0 else 0.0
            q_max = max(zs, key=lambda q: abs(zs[q]))
            worst = max(worst, abs(zs[q_max]))
            print(f"point {i:2d} {sigma}/{teacher} p/n={p_over_n} gamma={gamma} lambda={lam:g} k={k} "
                  f"solve={se['solve']} seed {se['seed']}: gen_f exact {se['gen_f']:.6g} sampled {ss['gen_f']:.6g} "
                  f"+- {ss['test_se']['gen_f']:.2g}; max |z| {abs(zs[q_max]):.2f} ({q_max}); "
                  f"truncation bound {max(se['population_truncation_bound'].values()):.1e}")
    print(f"largest |z| over all points, seeds and quantities: {worst:.2f}")
    sys.exit(1 if worst > 4 else 0)


if __name__ == "__main__":
    main()
