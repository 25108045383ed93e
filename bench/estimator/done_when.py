#!/usr/bin/python3
"""Issue 28's done-when check: SobolevRandomFeaturesRegressorCV() with its defaults, on raw inputs
with full gradients, against scikit-learn's GaussianProcessRegressor on the values (ARD RBF +
WhiteKernel, the benchmark's setting: standardised inputs, normalize_y, L-BFGS-B with 2 restarts),
at n = 200 on Friedman #1 and on the Rosenbrock function (d = 6); wall time of each fit with
n_jobs=2 (2 cores).

    PYTHONPATH=build/python /usr/bin/python3 bench/estimator/done_when.py [--reps R]

Writes bench/estimator/results/done_when.json (run_benchmark.py's report shows it)."""
import argparse
import json
import math
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_functions as tf  # noqa: E402

OUT = os.path.join(HERE, "results", "done_when.json")
N, N_TEST, SEED = 200, 2000, 28


def gp_values(X, y, rep):
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
    d = X.shape[1]
    mean, sd = X.mean(0), X.std(0)
    kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.full(d, math.sqrt(d)), (1e-2, 1e5))
              + WhiteKernel(1e-6, (1e-10, 1e-1)))
    gp = GaussianProcessRegressor(kernel, normalize_y=True, n_restarts_optimizer=2, random_state=rep)
    gp.fit((X - mean) / sd, y)
    return lambda Xt: gp.predict((Xt - mean) / sd)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--functions", default="friedman1,rosenbrock")
    args = ap.parse_args(argv)
    from sobolev_rf import SobolevRandomFeaturesRegressorCV
    rows = []
    for name in args.functions.split(","):
        fn = tf.REGISTRY[name]
        Xt = fn.sample(N_TEST, np.random.default_rng([SEED, 1]))
        ft = fn.f(Xt)
        for rep in range(args.reps):
            X = fn.sample(N, np.random.default_rng([SEED, rep]))
            y, G = fn.value_and_grad(X)
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            est = SobolevRandomFeaturesRegressorCV(random_state=rep, n_jobs=2).fit(X, y, gradients=G)
            t_rf = time.perf_counter() - t0
            e_rf = float(np.sqrt(np.mean((est.predict(Xt) - ft) ** 2)) / np.std(ft))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                pred = gp_values(X, y, rep)
                t_gp = time.perf_counter() - t0
            e_gp = float(np.sqrt(np.mean((pred(Xt) - ft) ** 2)) / np.std(ft))
            row = dict(function=name, d=fn.d, n=N, rep=rep, rf_error=e_rf, rf_seconds=t_rf, gp_error=e_gp,
                       gp_seconds=t_gp, load=load, best_params=est.best_params_, n_features=est.n_features_)
            rows.append(row)
            print(f"{name} rep {rep}: Sobolev RF CV {e_rf:.3e} in {t_rf:.1f} s ({est.best_params_}); "
                  f"GP on values {e_gp:.3e} in {t_gp:.1f} s; load {load:.1f}", flush=True)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(dict(rows=rows, cores=os.cpu_count()), fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
