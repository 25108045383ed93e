#!/usr/bin/python3
"""Extensive sketches: the evidence of docs/theory/extensive.md, section "Checks". Each mode prints
a markdown table (seeds printed; run with OPENBLAS_NUM_THREADS=1, nice).

  constants      the Gaussian-equivalence constants of every activation (scipy quad)
  concentration  [E.4]-[E.5] on sampled matrices: the Hadamard Gram against B, its spike along 1,
                 the fluctuation's scaling with p/(n k); the cross term against q_C and its O(1/d) mean
  level1         level 1 [E.6]-[E.11] against exact fits at a fixed draw of (Theta, V, theta0)
                 (Gaussian-equivalent and real features; the gradient block exact or at its limit),
                 and level 2 against level 1 as p grows
  spikes         level 1 with and without the spike, the O(1/d) cross-term mean and diag(K_C)
  limits         beta = 0 vs the L2 binary (if --exe), kappa -> infinity, kappa -> 0, the full
                 gradient vs its MP form
  validate       theory vs simulation at the untuned points, p and 2p, 16 seeds (--json FILE saves the
                 simulations, --from-json FILES re-prints the tables from them with the current theory)
  firstorder     which mechanism makes the O(p/(nk)) gap (a diagnostic, not a theory)
  noise          the finite-d version (gradient-label noise) against simulation
  gain           the tuned gains (theory) and simulations at the theory's optima
  negridge       the admissible negative ridge: theory, finite-size Hessian edge, simulation
  extra          beta = 0 with gradient noise, a linear student, a tiny beta (simulation)
  reference      reference numbers for the C++ tests (every error to 12 digits)
"""
import argparse
import dataclasses
import json
import math
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import extensive_reference as er  # noqa: E402
import extensive_simulation as es  # noqa: E402

P = er.Params
ERR = er.ERRORS


def fmt(x, nd=4):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    a = abs(x)
    if a != 0 and (a < 1e-3 or a >= 1e4):
        return f"{x:.{nd - 1}e}"
    return f"{x:.{nd}g}" if a < 1 else f"{x:.{nd + 1}g}"


# ----------------------------------------------------------------------------------------------
def mode_constants(args):
    print("| activation | kappa_0 | kappa_1 | kappa_star^2 | kappa'_1 | kappa'_star^2 | v' | E f'^2 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for a in ("tanh", "relu", "erf", "sigmoid", "softplus", "linear", "he3"):
        c = er.constants(a)
        print(f"| {a} | {c['k0']:.6f} | {c['k1']:.6f} | {c['ks2']:.6f} | {c['k1p']:.6f} | {c['kps2']:.6f} | "
              f"{c['vp']:.6f} | {c['Edf2']:.6f} |")


# ----------------------------------------------------------------------------------------------
def mode_concentration(args):
    """The Hadamard Gram (1/n) K_C o S^T S against B = kappa_1^2 K_C + v' I, and the cross term
    (1/n) (T C theta0) o S^T phi'(omega) against q_C = mu_1 kappa_1 T C theta0."""
    rows = []
    cases = [("relu", "relu", "gaussian"), ("softplus", "sigmoid", "orthogonal"), ("tanh", "tanh", "orthogonal")]
    sizes = [(400, 0.5, 0.5, 0.25), (400, 0.5, 0.5, 1.0), (800, 0.5, 0.5, 0.25), (800, 0.5, 0.5, 1.0),
             (800, 2.0, 0.5, 1.0), (1600, 0.5, 0.5, 0.25)]
    print("Seeds 500+i. ||.|| is the operator norm; u = 1/sqrt(p); P_perp projects out u.")
    print()
    print("| sigma/teacher | sketch | p | n | d | k | p/(nk) | norm(H_g-B)/norm(B) | u^T(H_g-B)u | kappa'_1^2 p/d "
          "| norm(P(H_g-B-spike)P) | sqrt(p/(nk)) | trace difference | dist(b_g, q_C) | mean(b_g-q_C) | mu_2 kappa'_1/d |")
    print("| " + " | ".join(["---"] * 16) + " |")
    for ci, (sg, te, sk) in enumerate(cases):
        for si, (p, alpha, gamma, kappa) in enumerate(sizes):
            prm = P(sg, te, alpha, gamma, 1e-3, 1.0, kappa, sk)
            dr = es.draw(prm, p, 500 + 10 * ci + si)
            T, V, th0, n, d, k, X = dr["T"], dr["V"], dr["th0"], dr["n"], dr["d"], dr["k"], dr["X"]
            cs, ct = er.constants(sg), er.constants(te)
            H = X @ T.T
            S = er.ACT[sg][1](H)
            dp = er.ACT[te][1](X @ th0)
            KC, TCth, th0C, TV = es.sketch_products(T, V, th0, k)
            Hg = KC * (S.T @ S / n)
            Bm = cs["k1"] ** 2 * KC + cs["vp"] * np.eye(p)
            E = Hg - Bm
            nB = np.linalg.norm(Bm, 2)
            u = np.ones(p) / math.sqrt(p)
            uEu = u @ E @ u
            Pp = np.eye(p) - np.outer(u, u)
            spike = cs["k1p"] ** 2 / d * (np.ones((p, p)) - np.eye(p))
            Ep = Pp @ (E - spike) @ Pp
            nEp = np.linalg.norm(Ep, 2)
            z = 0.1
            ev1 = np.linalg.eigvalsh(Hg)
            ev2 = np.linalg.eigvalsh(Bm)
            trd = abs(np.mean(1 / (ev1 + z)) - np.mean(1 / (ev2 + z)))
            bg = TCth * (S.T @ dp) / n
            qC = ct["k1"] * cs["k1"] * TCth
            rb = np.linalg.norm(bg - qC) / np.linalg.norm(qC)
            mb = np.mean(bg - qC)
            print(f"| {sg}/{te} | {sk} | {p} | {n} | {d} | {k} | {p / (n * k):.4f} | {np.linalg.norm(E, 2) / nB:.4f} | "
                  f"{uEu:.4f} | {cs['k1p'] ** 2 * p / d:.4f} | {nEp:.4f} | {math.sqrt(p / (n * k)):.4f} | {trd:.2e} | "
                  f"{rb:.4f} | {mb:.2e} | {ct['k1p'] * cs['k1p'] / d:.2e} |")
            sys.stdout.flush()


# ----------------------------------------------------------------------------------------------
def _mean_se(rows, e):
    v = np.array([r[e] for r in rows])
    return v.mean(), v.std(ddof=1) / math.sqrt(len(v))


def mode_level1(args):
    pts = [P("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 1.0, "orthogonal"),
           P("relu", "relu", 0.5, 0.5, 1e-2, 1.0, 0.3, "gaussian", 0.1, 0.2),
           P("softplus", "sigmoid", 2.0, 1.0, 1e-3, 2.0, 0.5, "orthogonal")]
    R = args.reps
    print(f"Level 1 at one draw of (Theta, V, theta0) (seed 11), averaged over {R} draws of the training data "
          "(seeds 100..); 'limit block' replaces the gradient block and cross term by B, q_C; z = (exact - level 1)/se.")
    print()
    for p in (args.sizes if not args.l2only else []):
        print(f"p = {p}")
        print()
        print("| point | error | level 2 | level 1 | GE, limit block | z | GE, exact block | z | real, exact block | z |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for prm in pts:
            dr = es.draw(prm, p, 11)
            C = dr["V"] @ dr["V"].T / dr["k"]
            l1 = er.level1(prm, dr["T"], C, dr["th0"], dr["n"])["errors"]
            l2 = er.solve(prm)["errors"]
            res = {}
            for key, feat, lim in (("gl", "gaussian", True), ("ge", "gaussian", False), ("re", "real", False)):
                cache = {}
                rows = [es.fit_draw(prm, es.redraw_data(prm, dr, 100 + r), features=feat, cache=cache, limit_block=lim)
                        for r in range(R)]
                res[key] = {e: _mean_se(rows, e) for e in ERR}
            name = f"{prm.sigma}/{prm.teacher} {prm.sketch} kappa={prm.kappa} k={dr['k']}"
            for e in ("train_f", "train_g", "gen_f", "gen_g", "gen_grad"):
                cells = [name if e == "train_f" else "", e, fmt(l2[e], 5), fmt(l1[e], 5)]
                for key in ("gl", "ge", "re"):
                    m, se = res[key][e]
                    cells += [f"{fmt(m, 5)} ± {fmt(se, 2)}", f"{(m - l1[e]) / se:+.1f}"]
                print("| " + " | ".join(cells) + " |")
            sys.stdout.flush()
        print()
    # level 2 vs level 1 as p grows
    print("Level 2 against level 1: relative difference L1/L2 - 1, mean ± se over 8 draws of (Theta, V, theta0) "
          "per size (seeds 21..28):")
    print()
    print("| point | p | gen_f | gen_g | gen_grad | train_f |")
    print("| --- | --- | --- | --- | --- | --- |")
    for prm in pts:
        l2 = er.solve(prm)["errors"]
        for p in (200, 400, 800):
            vals = {e: [] for e in ("gen_f", "gen_g", "gen_grad", "train_f")}
            for sd in range(21, 29):
                dr = es.draw(prm, p, sd)
                C = dr["V"] @ dr["V"].T / dr["k"]
                l1 = er.level1(prm, dr["T"], C, dr["th0"], dr["n"])["errors"]
                for e in vals:
                    vals[e].append(l1[e] / l2[e] - 1)
            print(f"| {prm.sigma}/{prm.teacher} {prm.sketch} {prm.kappa} | {p} | "
                  + " | ".join(f"{np.mean(v):+.4f} ± {np.std(v, ddof=1) / math.sqrt(len(v)):.4f}" for v in vals.values()) + " |")
            sys.stdout.flush()


# ----------------------------------------------------------------------------------------------
def mode_spikes(args):
    pts = [P("relu", "relu", 0.5, 0.5, 1e-3, 1.0, 1.0, "orthogonal"),
           P("softplus", "sigmoid", 2.0, 0.5, 1e-3, 1.0, 0.5, "gaussian"),
           P("sigmoid", "relu", 0.5, 1.0, 1e-3, 1.0, 1.0, "orthogonal"),
           P("relu", "sigmoid", 0.7, 0.5, 0.0, 2.0, 2.0, "gaussian", 0.1, 0.1)]
    print("Level 1 at one draw (seed 31) with the terms the limit drops switched on, relative to level 1 without them.")
    print()
    print("| point | p | term | gen_f | gen_g | gen_grad | train_f |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for prm in pts:
        for p in (400, 800, 1600):
            dr = es.draw(prm, p, 31)
            C = dr["V"] @ dr["V"].T / dr["k"]
            base = er.level1(prm, dr["T"], C, dr["th0"], dr["n"])["errors"]
            for lab, kw in (("spike (kappa'_1^2/d) 1 1^T", dict(spike=True)),
                            ("cross-term mean", dict(mean_terms=True)),
                            ("v' diag(K_C)", dict(diagKC=True))):
                e = er.level1(prm, dr["T"], C, dr["th0"], dr["n"], **kw)["errors"]
                print(f"| {prm.sigma}/{prm.teacher} {prm.sketch} {prm.kappa} | {p} | {lab} | "
                      + " | ".join(f"{e[x] / base[x] - 1:+.2e}" for x in ("gen_f", "gen_g", "gen_grad", "train_f")) + " |")
            sys.stdout.flush()


# ----------------------------------------------------------------------------------------------
def mode_limits(args):
    print("beta = 0 against the L2 (k = 0) theory of the binary" + (f" ({args.exe})" if args.exe else " (skipped: no --exe)"))
    print()
    if args.exe:
        print("| sigma/teacher | p/n | gamma | lambda | Delta_f | max rel diff (train_f, gen_f, gen_grad) | gen_g - gen_grad | train_g - gen_grad |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for sig, te, pn, gam, lam, df in [("tanh", "tanh", 2, 0.5, 1e-3, 0), ("relu", "relu", 0.5, 0.8, 1e-2, 0.1),
                                          ("tanh", "relu", 3, 0.8, 1e-3, 0.0), ("softplus", "sigmoid", 1.5, 1.2, 1e-2, 0.2),
                                          ("sigmoid", "he3", 0.7, 0.3, 1e-1, 0), ("erf", "tanh", 4, 2.0, 1e-4, 0.05)]:
            out = json.loads(subprocess.run([args.exe, "theory", "--sigma", sig, "--teacher", te, "--p-over-n", str(pn),
                                             "--gamma", str(gam), "--lambda", str(lam), "--delta-f", str(df),
                                             "--format", "json"], capture_output=True, text=True).stdout)
            r = er.solve(P(sig, te, 1 / pn, gam, lam, 0.0, 0.7, "gaussian", df, 0.3))["errors"]
            e = max(abs(r[k] - out[k]) / abs(out[k]) for k in ("train_f", "gen_f", "gen_grad"))
            print(f"| {sig}/{te} | {pn} | {gam} | {lam} | {df} | {e:.1e} | {r['gen_g'] - r['gen_grad']:.1e} | "
                  f"{r['train_g'] - r['gen_grad']:.3g} (= Delta_g 0.3) |")
        print()
    base = P("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 1.0, "orthogonal", 0.1, 0.1)
    full = er.solve(base)["errors"]
    print("Gaussian sketch, kappa -> infinity, against the full gradient (tanh/tanh, alpha = gamma = 0.5, lambda = 1e-3, "
          "beta = 1, Delta_f = Delta_g = 0.1): relative difference")
    print()
    print("| kappa | " + " | ".join(ERR) + " |")
    print("| --- | " + " | ".join("---" for _ in ERR) + " |")
    for ka in (1, 10, 100, 1e3, 1e4, 1e5):
        r = er.solve(dataclasses.replace(base, kappa=ka, sketch="gaussian"))["errors"]
        print(f"| {ka:g} | " + " | ".join(f"{r[e] / full[e] - 1:+.2e}" for e in ERR) + " |")
    print()
    print("kappa -> 0 against L2 with the ridge lambda + beta v' (gen_f, train_f, gen_grad; relative difference), "
          "and the tuned gain gen_f(L2)/gen_f(Sobolev) (lambda, beta tuned, lambda >= 0):")
    print()
    print("| sketch | kappa | gen_f | train_f | gen_grad | tuned gain |")
    print("| --- | --- | --- | --- | --- | --- |")
    vp = er.constants("tanh")["vp"]
    l2 = er.solve(dataclasses.replace(base, beta=0.0, lam=base.lam + base.beta * vp))["errors"]
    gL2 = er.tuned_l2(base)["value"]
    for sk in ("gaussian", "orthogonal"):
        for ka in (0.3, 0.1, 1e-2, 1e-3, 1e-4, 1e-5):
            r = er.solve(dataclasses.replace(base, kappa=ka, sketch=sk))["errors"]
            tg = gL2 / er.tune(dataclasses.replace(base, kappa=ka, sketch=sk))["value"]
            print(f"| {sk} | {ka:g} | {r['gen_f'] / l2['gen_f'] - 1:+.2e} | {r['train_f'] / l2['train_f'] - 1:+.2e} | "
                  f"{r['gen_grad'] / l2['gen_grad'] - 1:+.2e} | {tg:.5f} |")
            sys.stdout.flush()
    print()
    print("The full gradient: the general equations (nu_C = delta_1) against the one-dimensional MP form [E.26] "
          "(quadrature of the law of K); max relative difference over the six errors:")
    print()
    print("| point | max rel diff |")
    print("| --- | --- |")
    for prm in [P("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 1.0, "orthogonal"),
                P("relu", "sigmoid", 2.0, 1.3, 0.0, 0.7, 1.0, "orthogonal", 0.1, 0.3),
                P("softplus", "he3", 0.3, 0.4, 1e-2, 3.0, 1.0, "orthogonal", 0.2, 0.0),
                P("tanh", "relu", 0.5, 2.0, 1e-4, 10.0, 1.0, "orthogonal", 0.0, 0.5),
                P("relu", "relu", 0.5, 0.5, -0.2, 1.0, 1.0, "orthogonal")]:
        a = er.solve(prm)["errors"]
        b = er.full_gradient_mp(prm)["errors"]
        print(f"| {prm.sigma}/{prm.teacher} alpha={prm.alpha} gamma={prm.gamma} lambda={prm.lam} beta={prm.beta} "
              f"Df={prm.delta_f} Dg={prm.delta_g} | {max(abs(a[e] - b[e]) / abs(b[e]) for e in ERR):.1e} |")


# ----------------------------------------------------------------------------------------------
VALIDATION_POINTS = [
    P("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 1.0, "orthogonal"),
    P("tanh", "tanh", 0.5, 0.5, 1e-2, 1.0, 1.0, "gaussian", 0.1, 0.1),
    P("relu", "relu", 2.0, 0.5, 1e-2, 1.0, 0.5, "orthogonal"),
    P("softplus", "sigmoid", 0.5, 0.25, 1e-3, 0.5, 4.0, "gaussian", 0.05, 0.2),
    P("relu", "he3", 1.5, 1.0, 1e-2, 2.0, 0.25, "gaussian", 0.1, 0.1),
    P("tanh", "relu", 0.7, 1.0, 1e-3, 1.0, 0.1, "orthogonal"),
    P("softplus", "relu", 0.5, 2.0, 1e-2, 1.0, 0.02, "gaussian"),
    P("sigmoid", "tanh", 0.3, 0.8, 1e-3, 3.0, 1.0, "orthogonal", 0.0, 0.5),
    P("relu", "sigmoid", 3.0, 0.5, 0.0, 1.0, 2.0, "gaussian"),
    P("tanh", "he3", 0.5, 1.5, 1e-2, 1.0, 0.5, "orthogonal", 0.2, 0.0),
    P("relu", "tanh", 0.8, 2.0, 1e-3, 0.5, 0.05, "gaussian", 0.0, 0.1),
    P("softplus", "tanh", 2.0, 0.5, 0.0, 1.0, 1.0, "orthogonal", 0.1, 0.0),
    P("tanh", "sigmoid", 0.5, 0.5, 1e-3, 10.0, 0.5, "gaussian"),
    P("relu", "relu", 0.5, 0.5, -0.125, 1.0, 1.0, "gaussian"),
]


def _validation_table(i, prm, th, thd, sims, sizes, out=print):
    desc = (f"P{i} {prm.sigma}/{prm.teacher} {prm.sketch} kappa={prm.kappa:g} p/n={1 / prm.alpha:.3g} "
            f"gamma={prm.gamma:g} lambda={prm.lam:g} beta={prm.beta:g} Df={prm.delta_f:g} Dg={prm.delta_g:g}")
    out(f"#### {desc}")
    out("")
    out("seeds: " + ", ".join(f"p={p}: {sims[p]['seeds'][0]}..{sims[p]['seeds'][-1]}" for p in sizes)
        + "; (n, d, k) = " + ", ".join(f"({round(prm.alpha * p)}, {round(prm.gamma * p)}, "
                                       f"{max(1, round(prm.kappa * round(prm.gamma * p)))})" for p in sizes))
    out("")
    hdr = "| error | theory | " + " | ".join(f"p={p} mean ± se | z" for p in sizes) + " | gap shrinks | verdict |"
    if thd:
        hdr = hdr.replace("| gap shrinks", "| finite-d (p, 2p) | z finite-d (p, 2p) | gap shrinks")
    out(hdr)
    out("|" + " --- |" * (hdr.count("|") - 1))
    worst = 0.0
    for e in ERR:
        cells = [e, fmt(th[e], 5)]
        gaps, zs = [], []
        for p in sizes:
            m, se = sims[p][e]["mean"], sims[p][e]["se"]
            z = (m - th[e]) / se if se > 0 else (0.0 if m == th[e] else math.inf)
            gaps.append(abs(m - th[e]))
            zs.append(z)
            cells += [f"{fmt(m, 5)} ± {fmt(se, 2)}", f"{z:+.1f}"]
        if thd:
            cells.append(", ".join(fmt(thd[p][e], 5) for p in sizes))
            cells.append(", ".join(f"{(sims[p][e]['mean'] - thd[p][e]) / sims[p][e]['se']:+.1f}" for p in sizes))
        shrink = gaps[-1] < gaps[0]
        cells.append("yes" if shrink else "no")
        bad = abs(zs[-1]) > 4 and not shrink
        worst = max(worst, abs(zs[-1]))
        cells.append("DISAGREE" if bad else "ok")
        out("| " + " | ".join(cells) + " |")
    out("")
    return worst


def _theories(prm, sizes):
    th = er.solve(prm)["errors"]
    thd = {}
    if prm.delta_g > 0 and prm.beta > 0:
        for p in sizes:
            thd[p] = er.solve(dataclasses.replace(prm, d=round(prm.gamma * p)))["errors"]
    return th, thd


def mode_validate(args):
    """Simulates (or with --from-json re-reads the simulations) and prints the tables."""
    if args.from_json:
        for fn in args.from_json:
            for rec in json.load(open(fn)):
                prm = P(**{k: (v if not isinstance(v, float) or math.isfinite(v) else math.inf)
                           for k, v in rec["params"].items()})
                sims = {int(p): s for p, s in rec["sims"].items()}
                sizes = sorted(sims)
                th, thd = _theories(prm, sizes)
                _validation_table(rec["point"], prm, th, thd, sims, sizes)
        return
    sizes = args.sizes if args.sizes else [400, 800]
    idx = list(range(1, len(VALIDATION_POINTS) + 1)) if args.points is None else args.points
    allrows = []
    for i in idx:
        prm = VALIDATION_POINTS[i - 1]
        sims = {}
        for p in sizes:
            sims[p] = es.simulate(prm, p, args.seeds, 10000 * i + p)
        th, thd = _theories(prm, sizes)
        allrows.append((i, prm, sims))
        _validation_table(i, prm, th, thd, sims, sizes)
        sys.stdout.flush()
    if args.json:
        with open(args.json, "w") as f:
            json.dump([dict(point=i, params=dataclasses.asdict(prm), sims={str(p): s for p, s in sims.items()})
                       for i, prm, sims in allrows], f, indent=1, default=float)


def mode_firstorder(args):
    """Diagnostic of the O(p/(n k)) gap: the exact fit against the fit with the gradient block at its
    limit (same draws, Gaussian-equivalent features), and the part of it that the gradient residual
    acting as noise accounts for: (beta^2/n) E_x[dv^T R Sigma R dv] / D, dv = s o (T C e(x)) - mean,
    e(x) = phi'(omega) theta0 - grad f(x) at the limit-block fit (Monte Carlo over 6000 x), plus the
    Delta_g term [E.28]. Not a theory: a check of which mechanism makes the gap."""
    from scipy import optimize
    pts = [(P("softplus", "relu", 0.5, 2.0, 1e-2, 1.0, 0.02, "gaussian"), [400, 800]),
           (P("relu", "relu", 0.5, 0.5, 1e-2, 1.0, 0.3, "gaussian", 0.1, 0.2), [400]),
           (P("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 1.0, "orthogonal"), [400])]
    print("| point | p | k | gen_f: exact - limit block (mean ± se, 6 seeds) | residual-noise term | Delta_g term | sum / gap |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for prm, sizes in pts:
        cs, ct = er.constants(prm.sigma), er.constants(prm.teacher)
        for p in sizes:
            gaps, preds, predn = [], [], []
            for seed in range(3000, 3006):
                dr = es.draw(prm, p, seed)
                T, V, th0, k, n = dr["T"], dr["V"], dr["th0"], dr["k"], dr["n"]
                C = V @ V.T / k
                ex = es.fit_draw(prm, dr, features="gaussian")
                lb = es.fit_draw(prm, dr, features="gaussian", limit_block=True, return_parts=True)
                gaps.append(ex["gen_f"] - lb["gen_f"])
                K = T @ T.T
                KC = T @ C @ T.T
                I = np.eye(p)
                Sig = cs["ks2"] * I + cs["k1"] ** 2 * K
                B = cs["k1"] ** 2 * KC + cs["vp"] * I
                A = prm.lam * I + prm.beta * B
                tau = optimize.brentq(lambda t: t * (1 + np.sum(Sig * np.linalg.inv(A + t * Sig)) / n) - 1, 1e-12, 1)
                R = np.linalg.inv(A + tau * Sig)
                RSR = R @ Sig @ R
                D = 1 - tau ** 2 * np.sum(RSR * Sig) / n
                w = lb["_parts"]["w"]
                a = T @ (C @ th0)
                rng = np.random.default_rng(seed + 77)
                N = 6000
                X = rng.standard_normal((N, T.shape[1]))
                H = X @ T.T
                om = X @ th0
                S = cs["k1"] + cs["k1p"] * H + math.sqrt(cs["kps2"]) * rng.standard_normal(H.shape)
                dp = ct["k1"] + ct["k1p"] * om + math.sqrt(ct["kps2"]) * rng.standard_normal(N)
                vv = S * (dp[:, None] * a[None, :] - (S * w[None, :]) @ KC)
                dv = vv - vv.mean(0)
                preds.append(prm.beta ** 2 * np.mean(np.einsum("ij,jk,ik->i", dv, RSR, dv)) / n / D)
                predn.append(prm.beta ** 2 * prm.delta_g / k * np.sum(RSR * B) / n / D)
            g, se = np.mean(gaps), np.std(gaps, ddof=1) / math.sqrt(len(gaps))
            print(f"| {prm.sigma}/{prm.teacher} {prm.sketch} kappa={prm.kappa} Dg={prm.delta_g} | {p} | {k} | "
                  f"{g:.4f} ± {se:.4f} | {np.mean(preds):.4f} | {np.mean(predn):.4f} | {(np.mean(preds) + np.mean(predn)) / g:.2f} |")
            sys.stdout.flush()


# ----------------------------------------------------------------------------------------------
def mode_noise(args):
    """The finite-d version: gradient-label noise."""
    pts = [P("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 0.5, "orthogonal", 0.0, 2.0),
           P("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 1.0, "orthogonal", 0.0, 2.0),
           P("relu", "relu", 0.5, 0.5, 1e-2, 1.0, 0.25, "gaussian", 0.0, 2.0),
           P("relu", "tanh", 2.0, 0.5, 1e-3, 3.0, 0.2, "gaussian", 0.1, 5.0)]
    sizes = args.sizes if args.sizes else [400, 800]
    print(f"Theory (limit), its finite-d version [E.27]-[E.29] at the simulated d, and simulation ({args.seeds} seeds, "
          "seeds 70000 + 1000 i + p). 'closed' = (finite-d - limit) / (simulation - limit).")
    print()
    print("| point | p | k | error | limit | finite-d | simulation | z (limit) | z (finite-d) | closed |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for i, prm in enumerate(pts):
        th = er.solve(prm)["errors"]
        for p in sizes:
            d = round(prm.gamma * p)
            k = max(1, round(prm.kappa * d))
            thd = er.solve(dataclasses.replace(prm, d=d))["errors"]
            sm = es.simulate(prm, p, args.seeds, 70000 + 1000 * i + p)
            for e in ("train_f", "gen_f", "gen_grad", "gen_g", "train_g"):
                m, se = sm[e]["mean"], sm[e]["se"]
                cl = (thd[e] - th[e]) / (m - th[e]) if abs(m - th[e]) > 2 * se else float("nan")
                print(f"| {prm.sigma}/{prm.teacher} {prm.sketch} kappa={prm.kappa} Dg={prm.delta_g} beta={prm.beta} | {p} | {k} | "
                      f"{e} | {fmt(th[e], 5)} | {fmt(thd[e], 5)} | {fmt(m, 5)} ± {fmt(se, 2)} | {(m - th[e]) / se:+.1f} | "
                      f"{(m - thd[e]) / se:+.1f} | {'-' if cl != cl else f'{cl:.2f}'} |")
            sys.stdout.flush()


# ----------------------------------------------------------------------------------------------
def mode_gain(args):
    base = P("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 1.0, "gaussian")
    l2 = er.tuned_l2(base)
    print(f"tanh/tanh, n = 400, p = 800, d = 400 (alpha = gamma = 0.5), noiseless; each side at its best (lambda, beta), "
          f"lambda >= 0. L2: gen_f = {l2['value']:.6f} at lambda = {l2['lam']:.4g}.")
    print()
    cases = [(k, "gaussian", k / 400) for k in (1, 8, 40, 100, 400)] + [(400, "orthogonal", 1.0)]
    res = []
    print("| k | sketch | kappa | lambda_opt | beta_opt | gen_f (theory) | gain (theory) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for k, sk, ka in cases:
        r = er.tune(dataclasses.replace(base, kappa=ka, sketch=sk), lam_min=0.0)
        res.append((k, sk, ka, r))
        print(f"| {k} | {sk} | {ka:g} | {r['lam']:.3g} | {r['beta']:.4g} | {r['value']:.6f} | {l2['value'] / r['value']:.4f} |")
        sys.stdout.flush()
    if args.seeds > 0:
        print()
        print(f"Simulation at the theory's optima (n = 400, p = 800, d = 400, {args.seeds} seeds, seeds 90000+; the L2 "
              "reference simulated at its own optimum with the same seeds):")
        print()
        sl2 = es.simulate(dataclasses.replace(base, beta=0.0, lam=l2["lam"], kappa=1.0, sketch="orthogonal"), 800,
                          args.seeds, 90000)
        print(f"L2: gen_f = {sl2['gen_f']['mean']:.5f} ± {sl2['gen_f']['se']:.5f} (theory {l2['value']:.5f})")
        print()
        print("| k | sketch | gen_f theory | gen_f simulation | gain theory | gain simulation |")
        print("| --- | --- | --- | --- | --- | --- |")
        for k, sk, ka, r in res:
            prm = dataclasses.replace(base, kappa=ka, sketch=sk, lam=r["lam"], beta=r["beta"])
            sm = es.simulate(prm, 800, args.seeds, 90000)
            g = sl2["gen_f"]["mean"] / sm["gen_f"]["mean"]
            rel = math.hypot(sl2["gen_f"]["se"] / sl2["gen_f"]["mean"], sm["gen_f"]["se"] / sm["gen_f"]["mean"])
            print(f"| {k} | {sk} | {r['value']:.5f} | {sm['gen_f']['mean']:.5f} ± {sm['gen_f']['se']:.5f} | "
                  f"{l2['value'] / r['value']:.3f} | {g:.3f} ± {g * rel:.3f} |")
            sys.stdout.flush()


# ----------------------------------------------------------------------------------------------
def mode_negridge(args):
    base = P("tanh", "tanh", 0.5, 0.5, 0.0, 1.0, 1.0, "orthogonal")
    vp = er.constants("tanh")["vp"]
    l2 = er.tuned_l2(base)["value"]
    print(f"Full gradient, tanh/tanh, alpha = gamma = 0.5, v' = {vp:.6f}. Tuned over lambda for fixed beta: lambda >= 0 "
          "vs the admissible negative ridge lambda > -beta v'. Finite size: p = 800, n = 400, d = 400, seeds 95000+: "
          "smallest eigenvalue of the exact Hessian (mean over seeds, min) and simulated gen_f at the negative optimum.")
    print()
    print("| beta | lambda_opt (>= 0) | gain | lambda_opt (> -beta v') | lambda + beta v' | gain | lambda_min(Hessian) mean, min | "
          "gen_f theory | gen_f simulation |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for beta in (1.0, 3.0, 10.0, 30.0, 100.0):
        prm = dataclasses.replace(base, beta=beta)
        rp = er.tune(prm, over=("lam",), lam_min=0.0)
        rn = er.tune(prm, over=("lam",), allow_negative=True)
        sp = dataclasses.replace(prm, lam=rn["lam"])
        mins = []
        vals = []
        for s in range(args.seeds):
            dr = es.draw(sp, 800, 95000 + s)
            o = es.fit_draw(dataclasses.replace(sp, lam=0.0), dr, return_parts=True)
            pt = o["_parts"]
            Hm = pt["Hf"] + beta * pt["Hg"]
            mins.append(np.linalg.eigvalsh(Hm)[0] + rn["lam"])
            try:
                vals.append(es.fit_draw(sp, dr)["gen_f"])
            except Exception:
                pass
        sim = (f"{np.mean(vals):.5f} ± {np.std(vals, ddof=1) / math.sqrt(len(vals)):.5f} ({len(vals)}/{args.seeds} PD)"
               if len(vals) > 1 else f"not PD ({len(vals)}/{args.seeds})")
        print(f"| {beta:g} | {rp['lam']:.3g} | {l2 / rp['value']:.3f} | {rn['lam']:.4g} | {rn['lam'] + beta * vp:.3g} | "
              f"{l2 / rn['value']:.3f} | {np.mean(mins):.3g}, {np.min(mins):.3g} | {rn['value']:.5f} | {sim} |")
        sys.stdout.flush()


# ----------------------------------------------------------------------------------------------
def mode_extra(args):
    """beta = 0 with Delta_g > 0 (train_g = gen_grad + Delta_g, gen_g = gen_grad), a linear student
    (v' = 0), and a tiny beta with an unfittable teacher mean (continuity at beta -> 0+)."""
    pts = [P("tanh", "tanh", 0.5, 0.5, 1e-2, 0.0, 0.5, "gaussian", 0.1, 0.3),
           P("linear", "tanh", 0.5, 0.5, 1e-2, 1.0, 0.5, "gaussian"),
           P("erf", "relu", 1.2, 0.7, 1e-3, 1e-3, 1.0, "orthogonal")]
    print(f"{args.seeds} seeds, seeds 55000 + p + (0..). Cells: theory / simulation ± se (z).")
    print()
    print("| point | p | " + " | ".join(ERR) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in ERR) + " |")
    for prm in pts:
        th = er.solve(prm)["errors"]
        for p in (400, 800):
            s = es.simulate(prm, p, args.seeds, seed0=55000 + p)
            print(f"| {prm.sigma}/{prm.teacher} {prm.sketch} kappa={prm.kappa:g} lambda={prm.lam:g} beta={prm.beta:g} "
                  f"Df={prm.delta_f:g} Dg={prm.delta_g:g} | {p} | "
                  + " | ".join(f"{fmt(th[e], 4)} / {fmt(s[e]['mean'], 4)} ± {fmt(s[e]['se'], 2)} "
                               f"({(s[e]['mean'] - th[e]) / s[e]['se']:+.1f})" for e in ERR) + " |")
            sys.stdout.flush()


# ----------------------------------------------------------------------------------------------
REFERENCE_POINTS = [
    P("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 1.0, "orthogonal"),
    P("tanh", "tanh", 0.5, 0.5, 1e-3, 1.0, 0.25, "gaussian", 0.1, 0.1),
    P("relu", "relu", 2.0, 0.8, 1e-2, 2.0, 0.5, "orthogonal", 0.0, 0.3),
    P("softplus", "sigmoid", 0.7, 1.5, 1e-3, 0.5, 2.0, "gaussian", 0.05, 0.2),
    P("sigmoid", "he3", 1.2, 0.6, 0.0, 3.0, 0.1, "orthogonal", 0.2, 0.0),
    P("tanh", "relu", 0.5, 2.0, 0.0, 1.0, 4.0, "gaussian"),
    P("erf", "linear", 0.4, 0.5, 1e-2, 0.3, 0.6, "gaussian", 0.0, 1.0),
    P("relu", "relu", 0.5, 0.5, -0.1, 1.0, 1.0, "orthogonal"),
    P("linear", "tanh", 0.5, 0.5, 1e-2, 1.0, 0.5, "gaussian"),
    P("he3", "tanh", 0.5, 0.5, 1e-2, 1.0, 0.5, "orthogonal"),
]


def mode_reference(args):
    print("| point | tau | g | " + " | ".join(ERR) + " |")
    print("| --- | --- | --- | " + " | ".join("---" for _ in ERR) + " |")
    for prm in REFERENCE_POINTS:
        r = er.solve(prm)
        q = er.solve(prm, quad=True)["errors"]
        dev = max(abs(r["errors"][e] - q[e]) / abs(q[e]) for e in ERR)
        assert dev < 1e-9, dev
        desc = (f"{prm.sigma}/{prm.teacher} alpha={prm.alpha:g} gamma={prm.gamma:g} lambda={prm.lam:g} "
                f"beta={prm.beta:g} {prm.sketch} kappa={prm.kappa:g} Df={prm.delta_f:g} Dg={prm.delta_g:g}")
        print(f"| {desc} | {r['order']['tau']:.12g} | {r['order']['g']:.12g} | "
              + " | ".join(f"{r['errors'][e]:.12g}" for e in ERR) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode")
    ap.add_argument("--seeds", type=int, default=16)
    ap.add_argument("--reps", type=int, default=24)
    ap.add_argument("--sizes", type=int, nargs="*")
    ap.add_argument("--points", type=int, nargs="*")
    ap.add_argument("--exe", default=None)
    ap.add_argument("--json", default=None)
    ap.add_argument("--from-json", nargs="*", default=None)
    ap.add_argument("--l2only", action="store_true", help="level1: only level 2 against level 1")
    args = ap.parse_args()
    if args.mode == "level1" and not args.sizes:
        args.sizes = [400, 800]
    globals()["mode_" + args.mode](args)


if __name__ == "__main__":
    main()
