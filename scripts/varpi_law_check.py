#!/usr/bin/python3
"""The law of the errors over the sketch draw, theory against simulation.

Runs `sobolev-rf theory --varpi-average` (the exact law A0 + A2 |varpi|^2, varpi ~ N(0, I_k)) and
`sobolev-rf simulate --varpi-drawn` (V drawn freely, so varpi = V^T theta0 is random and reported
per seed), then prints a Markdown table: for each error, the theory's mean, std and quantiles,
the simulation's mean over seeds (with SE) and std over seeds, and the rms of the per-seed
residual error - (A0 + A2 |varpi|^2) in units of the finite-size fluctuation.

Usage: scripts/varpi_law_check.py EXE P SEEDS -- THEORY_FLAGS...
"""
import json
import math
import subprocess
import sys


def main():
    exe, p, seeds = sys.argv[1], sys.argv[2], sys.argv[3]
    flags = sys.argv[sys.argv.index("--") + 1:]
    th = json.loads(subprocess.run([exe, "theory", *flags, "--varpi-average", "--format", "json"],
                                   check=True, capture_output=True, text=True).stdout)
    # Simulation: the k flag stays, --varpi is replaced by a free draw.
    sim_flags, skip = [], False
    for f in flags:
        if skip:
            skip = False
            continue
        if f == "--varpi":
            skip = True
            continue
        sim_flags.append(f)
    sim = json.loads(subprocess.run([exe, "simulate", *sim_flags, "--varpi-drawn", "--p", p, "--seeds", seeds,
                                     "--format", "json"], check=True, capture_output=True, text=True).stdout)
    per_seed = sim["per_seed"]
    print(f"Command: `sobolev-rf theory {' '.join(flags)} --varpi-average` against "
          f"`sobolev-rf simulate ... --varpi-drawn --p {p} --seeds {seeds}`.\n")
    print("| quantity | theory mean | theory std | q05 / q50 / q95 | A0 | A2 | simulation mean ± SE | simulation std "
          "| rms(sim − law at the seed's varpi) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for q in ("train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad"):
        t = th[q]
        vals = [s[q] for s in per_seed]
        n = len(vals)
        mean = sum(vals) / n
        std = math.sqrt(sum((v - mean) ** 2 for v in vals) / (n - 1))
        resid = [s[q] - (t["A0"] + t["A2"] * sum(v * v for v in s["varpi"])) for s in per_seed]
        rms = math.sqrt(sum(r * r for r in resid) / n)
        print(f"| {q} | {t['mean']:.5g} | {t['std']:.5g} | {t['q05']:.4g} / {t['q50']:.4g} / {t['q95']:.4g} | "
              f"{t['A0']:.5g} | {t['A2']:.5g} | {mean:.5g} ± {std / math.sqrt(n):.2g} | {std:.4g} | {rms:.3g} |")


if __name__ == "__main__":
    main()
