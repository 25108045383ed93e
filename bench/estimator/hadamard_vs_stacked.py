#!/usr/bin/python3
"""The all-direction fit's cost against d: the estimator's Hadamard Gram (numerics/hadamard_gram.hpp:
G^T G = (Omega Omega^T) o (S^T S), never stacking the n d derivative rows) against the stacked fit
(the n (1 + d) x p matrix of value and derivative rows formed explicitly, its Gram A^T A by BLAS
and one Cholesky factorisation, in numpy), on the same features (tanh without phases, isotropic
metric: docs/model.md's model), n = 400, p = 1000, d = 8, 32, 128, one thread each
(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1), median of 3 fits; also the largest relative difference
of the weights. The library's simulator fit (simulation/random_features_fit.hpp, primal) is timed
too: its primal Gram already folds the gradient rows by the same identity.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONPATH=build/python /usr/bin/python3 bench/estimator/hadamard_vs_stacked.py

Writes bench/estimator/results/hadamard_vs_stacked.json (run_benchmark.py's report shows it)."""
import json
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "results", "hadamard_vs_stacked.json")


def stacked_fit(Z, y, Gz, omega, lam, beta):
    """The stacked ridge with an intercept on the value rows: A = [Fc; sqrt(beta) S o omega_m],
    (A^T A + n lam I) w = A^T b, every one of the n (1 + d) rows formed."""
    from scipy.linalg import cho_factor, cho_solve
    n, d = Z.shape
    H = Z @ omega
    F, S = np.tanh(H), 1 - np.tanh(H) ** 2
    mu, ybar = F.mean(0), y.mean()
    rows = [F - mu] + [math.sqrt(beta) * S * omega[m] for m in range(d)]
    A = np.vstack(rows)
    b = np.concatenate([y - ybar] + [math.sqrt(beta) * Gz[:, m] for m in range(d)])
    M = A.T @ A
    M[np.diag_indices_from(M)] += n * lam
    return cho_solve(cho_factor(M), A.T @ b)


def main():
    from sobolev_rf import SobolevRandomFeaturesRegressor, _core
    n, p, reps = 400, 1000, 3
    rows = []
    for d in (8, 32, 128):
        rng = np.random.default_rng([28, d])
        X = rng.standard_normal((n, d))
        a = rng.standard_normal(d) / math.sqrt(d)
        y = np.tanh(X @ a) + 0.1 * (X @ a) ** 2
        G = ((1 - np.tanh(X @ a) ** 2) + 0.2 * (X @ a))[:, None] * a
        kw = dict(n_features=p, features="tanh", bias=False, metric="isotropic", scale=1.0, lam=1e-6, beta=1.0,
                  check_gradients=False, random_state=1, n_jobs=1)
        t_h, t_s, t_l = [], [], []
        for _ in range(reps):
            t0 = time.perf_counter()
            est = SobolevRandomFeaturesRegressor(**kw).fit(X, y, gradients=G)
            t_h.append(time.perf_counter() - t0)
            Z = (X - est.mean_) / est.scale_
            theta = est.omega_ * math.sqrt(d)
            t0 = time.perf_counter()
            w_stacked = stacked_fit(Z, y, G * est.scale_, est.omega_, 1e-6, 1.0)
            t_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _core.rf_fit(Z, y, G * est.scale_, theta, np.eye(d), "tanh", 1e-6, 1.0, True, "primal", 1)
            t_l.append(time.perf_counter() - t0)
        diff = float(np.max(np.abs(est.coef_ - w_stacked)) / np.max(np.abs(w_stacked)))
        row = dict(d=d, n=n, p=p, stacked_rows=n * (1 + d), hadamard_s=float(np.median(t_h)),
                   stacked_s=float(np.median(t_s)), library_s=float(np.median(t_l)), weight_rel_diff=diff,
                   load=os.getloadavg()[0])
        rows.append(row)
        print(f"d = {d:4d}: Hadamard {row['hadamard_s']:.3f} s, stacked {row['stacked_s']:.3f} s "
              f"({n * (1 + d)} rows), library primal {row['library_s']:.3f} s, weights differ by {diff:.2e} "
              "(relative)", flush=True)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(dict(rows=rows), fh, indent=1)


if __name__ == "__main__":
    sys.exit(main())
