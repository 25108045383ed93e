#!/usr/bin/python3
"""Re-checks each comparison that `validate` flagged, at 4p with fresh seeds.

`validate` flags a quantity when |z| > 4 at 2p and the gap did not shrink from p to 2p. With
O(1/p) finite-size bias and a standard error that is itself estimated from a finite number of
seeds, such a flag is either a real disagreement or a fluctuation; a real one persists at 4p.
This prints, for each flagged (point, quantity), the simulation at 4p with another base seed.

Usage: scripts/recheck_disagreements.py EXE RESULTS.csv SEEDS
"""
import csv
import json
import subprocess
import sys


def main():
    exe, results, seeds = sys.argv[1], sys.argv[2], sys.argv[3]
    flagged = [r for r in csv.DictReader(open(results)) if r["verdict"] != "ok"]
    if not flagged:
        print("No comparison was flagged.")
        return
    print("| point | quantity | theory | sim 2p (z) | sim 4p, fresh seeds | z at 4p |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in flagged:
        p4 = 2 * int(r["p_large"])
        args = [exe, "simulate", "--sigma", r["sigma"], "--teacher", r["teacher"], "--alpha", r["alpha"],
                "--gamma", r["gamma"], "--lambda", r["lambda"], "--k", r["k"], "--beta", r["beta"],
                "--delta-f", r["delta_f"], "--delta-g", r["delta_g"], "--rho", r["rho"],
                "--p", str(p4), "--seeds", seeds, "--seed", "1001", "--format", "json"]
        if int(r["k"]) > 0:
            args += ["--varpi", r["varpi"].replace(";", ",")]
        # Columns of later model extensions, when the results table has them (older tables do not).
        if r.get("informed", "none") not in ("", "none"):
            args += ["--informed", r["informed"], "--beta-inf", r["beta_inf"], "--alpha-u", r["alpha_u"],
                     "--delta-u", r["delta_u"]]
        if r.get("spectrum", "isotropic") not in ("", "isotropic"):
            # A CSV cell writes twolevel:f,r as twolevel:f;r.
            args += ["--spectrum", r["spectrum"].replace(";", ","), "--alignment", r["alignment"]]
        sim = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        est = sim[r["quantity"]]
        th = float(r["theory"])
        z = (est["mean"] - th) / est["se"]
        print(f"| {r['point']} | {r['quantity']} | {th:.6g} | {float(r['mean_large']):.6g} ({float(r['z_large']):.2f}) "
              f"| {est['mean']:.6g} ± {est['se']:.2g} (p = {p4}) | {z:.2f} |")


if __name__ == "__main__":
    main()
