#!/usr/bin/python3
"""The C++ structured theory against the independent numpy reference (docs/theory/structured.md).

`sobolev-rf theory --spectrum S --alignment b ...` is compared with tests/theory/structured_reference.py
(no shared code: its own quadratures, its own level-1 solver, full-matrix level 2) at structured points
covering k = 0, 1, 2, every family (powerlaw, twolevel, file), b = -1, 0, 1, noise, beta != 1 and
beta = 0 ([S.9]), and lambda = 0 on both sides of p/n = k + 1 ([S.10]): every reported error, every
order parameter (m, q_s, q_w, m_E, q_E, V, Delta, Vhat) and the law over varpi ~ N(0, tau^2 I_k)
(A0, A2, mean, std of every error, `--varpi-average`).

  /usr/bin/python3 tests/theory/structured_check.py --exe build/sobolev-rf [--tol 1e-7]
Exit 1 when a relative difference exceeds the tolerance (absolute below 1e-12).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import structured_reference as sr  # noqa: E402

ERRORS = sr.ERRORS
FILE_VALUES = [0.25, 1.0, 4.0, 4.0, 0.5, 2.0]  # the file spectrum (a discrete law of 5 atoms)


def points(file_path):
    f = "file:" + file_path
    P = sr.Params
    return [
        # k = 0: the Silverstein equation (S3.5)
        ("k0 powerlaw b=0", P("tanh", "tanh", 0.5, 0.8, 1e-2, 0, [], spectrum="powerlaw:0.6", b=0.0)),
        ("k0 twolevel b=1 noise", P("relu", "tanh", 2.0, 0.8, 1e-2, 0, [], delta_f=0.1, spectrum="twolevel:0.05,20", b=1.0)),
        ("k0 file b=-1", P("tanh", "relu", 1.5, 1.5, 1e-2, 0, [], spectrum=f, b=-1.0)),
        # k = 1, 2
        ("k1 powerlaw b=1", P("relu", "tanh", 2.0, 0.8, 1e-2, 1, [0.7], spectrum="powerlaw:0.3", b=1.0)),
        ("k1 twolevel b=-1 noise rho", P("erf", "tanh", 1.0, 0.8, 1e-2, 1, [0.5], delta_f=0.1, delta_g=0.1, rho=0.3,
                                         spectrum="twolevel:0.2,5", b=-1.0)),
        ("k1 file b=0 beta=0.5", P("relu", "erf", 1.5, 0.8, 0.1, 1, [0.9], beta=0.5, delta_g=0.1, spectrum=f, b=0.0)),
        ("k2 powerlaw b=0 noise", P("tanh", "tanh", 4.5, 0.8, 1e-2, 2, [0.4, 0.6], delta_f=0.1, delta_g=0.1,
                                    spectrum="powerlaw:0.6", b=0.0)),
        ("k2 twolevel b=1", P("relu", "relu", 4.0, 0.8, 1e-2, 2, [0.3, 0.3], spectrum="twolevel:0.05,20", b=1.0)),
        ("k2 powerlaw b=-1", P("relu", "tanh", 2.0, 0.8, 1e-2, 2, [0.5, -0.8], spectrum="powerlaw:0.3", b=-1.0)),
        ("k2 twolevel b=0 softplus", P("softplus", "tanh", 2.0, 1.2, 1e-2, 2, [0.8, 0.0], delta_g=0.05,
                                       spectrum="twolevel:0.3,0.1", b=0.0)),
        # beta = 0 with k > 0 [S.9]
        ("beta=0 k1 powerlaw b=1", P("relu", "tanh", 2.0, 0.8, 1e-2, 1, [0.7], beta=0.0, spectrum="powerlaw:0.3", b=1.0)),
        ("beta=0 k2 twolevel b=1 noise", P("tanh", "tanh", 1.5, 0.8, 1e-2, 2, [0.3, 0.0], beta=0.0, delta_f=0.1,
                                           delta_g=0.1, spectrum="twolevel:0.05,20", b=1.0)),
        # lambda = 0 on both sides of p/n = k + 1 [S.10]
        ("lambda=0 k1 above", P("relu", "tanh", 3.0, 0.8, 0.0, 1, [0.8], delta_f=0.1, delta_g=0.1,
                                spectrum="twolevel:0.05,20", b=1.0)),
        ("lambda=0 k2 below", P("tanh", "tanh", 2.0, 0.8, 0.0, 2, [0.5, 0.5], delta_f=0.1, spectrum="powerlaw:0.3", b=0.0)),
        ("lambda=0 k0 above", P("relu", "tanh", 1.5, 0.8, 0.0, 0, [], delta_f=0.1, spectrum=f, b=1.0)),
        ("lambda=0 k0 below", P("relu", "tanh", 0.5, 0.8, 0.0, 0, [], delta_f=0.1, spectrum="powerlaw:0.6", b=0.0)),
    ]


def run(exe, P, extra=()):
    flags = ["--sigma", P.sigma, "--teacher", P.teacher, "--p-over-n", repr(P.p_over_n), "--gamma", repr(P.gamma),
             "--lambda", repr(P.lam), "--k", str(P.k), "--beta", repr(P.beta), "--delta-f", repr(P.delta_f),
             "--delta-g", repr(P.delta_g), "--rho", repr(P.rho), "--spectrum", P.spectrum, "--alignment", repr(P.b)]
    if P.k:
        flags += ["--varpi", ",".join(repr(v) for v in P.varpi)]
    r = subprocess.run([exe, "theory", *flags, *extra, "--format", "json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"sobolev-rf theory {' '.join(flags)}: exit {r.returncode}: {r.stdout}{r.stderr}")
    return json.loads(r.stdout)


def rel(v, rv):
    return abs(v - rv) / abs(rv) if abs(rv) > 1e-12 else abs(v - rv)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exe", required=True)
    ap.add_argument("--tol", type=float, default=1e-7)
    a = ap.parse_args()
    worst, compared = 0.0, 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "spectrum.txt")
        with open(path, "w") as f:
            f.write("# a discrete spectrum\n" + "\n".join(repr(v) for v in FILE_VALUES) + "\n")
        for label, P in points(path):
            ref = sr.solve(P)
            j = run(a.exe, P)
            jl = run(a.exe, P, ("--varpi-average",))
            point_worst = 0.0
            ours = {**{q: j[q] for q in ERRORS}, **j["order_parameters"]}
            theirs = {**ref["errors"], **ref["order"]}
            for name, rv in theirs.items():
                v = ours.get(name)
                if v is None and isinstance(rv, float) and math.isnan(rv):
                    continue  # train_g at beta = 0: null and NaN
                if v is None:
                    raise SystemExit(f"{label}: sobolev-rf reports no {name}")
                point_worst = max(point_worst, rel(v, rv))
                compared += 1
            for q in ERRORS:
                for key in ("A0", "A2", "mean", "std"):
                    v, rv = jl[q][key], ref["law"][q][key]
                    if v is None or (isinstance(rv, float) and math.isnan(rv)):
                        continue
                    point_worst = max(point_worst, rel(v, rv))
                    compared += 1
            worst = max(worst, point_worst)
            print(f"{label:<30} tau2 {ref['tau2']:.4f}  gen_f {j['gen_f']:.10g}  gen_grad {j['gen_grad']:.10g}  "
                  f"largest rel. diff {point_worst:.1e}")
    print(f"{compared} numbers compared; largest relative difference {worst:.1e} (tolerance {a.tol:g})")
    return 0 if worst <= a.tol else 1


if __name__ == "__main__":
    sys.exit(main())
