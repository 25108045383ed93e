#!/usr/bin/python3
"""Straightforward numpy implementation of the finite-size simulation of docs/model.md (the
reference for `sobolev-rf simulate`: same model, same estimators, independent code and RNG).

One seed: theta0 ~ N(0, I/d) normalised to 1; V conditioned on varpi
(V = theta0 varpi^T + (I - theta0 theta0^T) G); Theta, X ~ N(0,1); labels
y = phi(omega) + sqrt(Df) eps, g = varpi phi'(omega) + sqrt(Dg) eps' with corr(eps, eps'_j) = rho;
exact ridge solve of (1/n) sum [(y - f)^2 + beta |g - V^T grad f|^2] + lambda |w|^2 by the smaller
of the primal/dual normal equations; errors on fresh noiseless test inputs.

Prints one JSON object: the errors, the order parameters m, q_s, q_w, the sizes and
wall_seconds (the simulation alone, without the Python start-up). Usage:
  bench/simulate_numpy.py --p 1000 --alpha 0.5 --gamma 0.8 --lambda 1e-3 --k 1 --varpi 0.7
"""
import argparse
import json
import math
import time

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.special import erf

SQRT_PI = math.sqrt(math.pi)


def sigmoid(t):
    return 0.5 * (1.0 + np.tanh(0.5 * t))


ACTIVATIONS = {
    "tanh": (np.tanh, lambda t: 1.0 - np.tanh(t) ** 2),
    "relu": (lambda t: np.maximum(t, 0.0), lambda t: (t > 0).astype(float)),
    "erf": (erf, lambda t: 2.0 / SQRT_PI * np.exp(-t * t)),
    "sigmoid": (sigmoid, lambda t: sigmoid(t) * (1.0 - sigmoid(t))),
    "softplus": (lambda t: np.logaddexp(0.0, t), sigmoid),
    "linear": (lambda t: t, np.ones_like),
    "he3": (lambda t: t ** 3 - 3 * t, lambda t: 3 * t * t - 3.0),
}


def simulate(a, seed):
    rng = np.random.default_rng(seed)
    p, k = a.p, a.k
    n, d = int(round(a.alpha * p)), int(round(a.gamma * p))
    sig, dsig = ACTIVATIONS[a.sigma]
    phi, dphi = ACTIVATIONS[a.teacher]
    varpi = np.array(a.varpi if k > 0 else [], dtype=float)

    theta0 = rng.standard_normal(d) / math.sqrt(d)
    theta0 /= np.linalg.norm(theta0)
    G = rng.standard_normal((d, k))
    V = np.outer(theta0, varpi) + G - np.outer(theta0, theta0 @ G)
    align = V.T @ theta0
    Theta = rng.standard_normal((d, p))
    zeta = V.T @ Theta / math.sqrt(d)                       # k x p

    # Noise with covariance [[1, rho 1^T], [rho 1, I_k]] (Cholesky).
    C = np.eye(1 + k)
    C[0, 1:] = C[1:, 0] = a.rho
    L = np.linalg.cholesky(C)
    X = rng.standard_normal((n, d))
    E = rng.standard_normal((n, 1 + k)) @ L.T
    omega = X @ theta0
    y = phi(omega) + math.sqrt(a.delta_f) * E[:, 0]
    g = np.outer(dphi(omega), align) + math.sqrt(a.delta_g) * E[:, 1:]

    H = X @ Theta / math.sqrt(d)                           # n x p
    F, S = sig(H), dsig(H)
    grad_rows = k > 0 and a.beta > 0
    blocks = [F] + ([math.sqrt(a.beta) * S * zeta[m] for m in range(k)] if grad_rows else [])
    A = np.vstack(blocks)
    b = np.concatenate([y] + ([math.sqrt(a.beta) * g[:, m] for m in range(k)] if grad_rows else []))
    N = A.shape[0]
    ridge = n * a.lam
    if N >= p:
        M = A.T @ A
        M[np.diag_indices(p)] += ridge
        w = cho_solve(cho_factor(M, lower=True), A.T @ b)
    else:
        K = A @ A.T
        K[np.diag_indices(N)] += ridge
        w = A.T @ cho_solve(cho_factor(K, lower=True), b)
    train_f = np.mean((y - F @ w) ** 2)
    P = (zeta * w).T                                        # p x k
    train_g = np.sum((g - S @ P) ** 2) / n if k > 0 else 0.0

    Xt = rng.standard_normal((a.test_samples, d))
    om = Xt @ theta0
    Ht = Xt @ Theta / math.sqrt(d)
    Ft, St = sig(Ht), dsig(Ht)
    gen_f = np.mean((phi(om) - Ft @ w) ** 2)
    dp = dphi(om)
    gen_g = np.sum((np.outer(dp, align) - St @ P) ** 2) / a.test_samples if k > 0 else 0.0
    grad = (St * w) @ Theta.T / math.sqrt(d)               # T x d: grad f(x_i)
    gen_grad = np.mean(np.sum((np.outer(dp, theta0) - grad) ** 2, axis=1))
    # The order parameters of the theory (docs/model.md): m = u^T w with u = Theta^T theta0 / sqrt d,
    # q_s = w^T (Theta^T Theta / d) w, q_w = |w|^2.
    Tw = Theta @ w / math.sqrt(d)
    return dict(n=n, p=p, d=d, k=k, train_f=train_f, train_g=train_g, gen_f=gen_f, gen_g=gen_g,
                gen_h1=gen_f + gen_g, gen_grad=gen_grad, m=float(theta0 @ Tw), q_s=float(Tw @ Tw),
                q_w=float(w @ w))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sigma", default="tanh")
    ap.add_argument("--teacher", default="tanh")
    ap.add_argument("--alpha", type=float, default=0.5)
    ap.add_argument("--gamma", type=float, default=0.8)
    ap.add_argument("--lambda", dest="lam", type=float, default=1e-3)
    ap.add_argument("--k", type=int, default=0)
    ap.add_argument("--varpi", type=lambda s: [float(v) for v in s.split(",")], default=[])
    ap.add_argument("--beta", type=float, default=1.0)
    ap.add_argument("--delta-f", type=float, default=0.0)
    ap.add_argument("--delta-g", type=float, default=0.0)
    ap.add_argument("--rho", type=float, default=0.0)
    ap.add_argument("--p", type=int, default=1000)
    ap.add_argument("--test-samples", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", type=int, default=1, help="repetitions; prints mean and se over them")
    a = ap.parse_args()
    if len(a.varpi) != a.k:
        ap.error(f"--varpi needs k = {a.k} values")
    t0 = time.perf_counter()
    runs = [simulate(a, a.seed * 1000003 + s) for s in range(a.seeds)]
    wall = time.perf_counter() - t0
    out = {key: runs[0][key] for key in ("n", "p", "d", "k")}
    for q in ("train_f", "train_g", "gen_f", "gen_g", "gen_h1", "gen_grad", "m", "q_s", "q_w"):
        v = np.array([r[q] for r in runs])
        se = float(v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else None
        out[q] = {"mean": float(v.mean()), "se": se}
    out["seeds"] = a.seeds
    out["wall_seconds"] = wall
    print(json.dumps(out))


if __name__ == "__main__":
    main()
