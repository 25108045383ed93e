"""sobolev_rf quickstart: one theory point, then a k = 1 learning curve (Sobolev training with
one sketched gradient direction) against plain L2 training, with simulation markers, drawn with
matplotlib.

    cmake -S . -B build && cmake --build build -j
    PYTHONPATH=build/python /usr/bin/python3 examples/python/quickstart.py [out.png]
"""
import sys

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import sobolev_rf as srf

out = sys.argv[1] if len(sys.argv) > 1 else "quickstart.png"

# One point: the L2 test error gen_f = E (phi(omega) - f(x))^2 and friends, as `sobolev-rf theory`.
point = srf.theory(p_over_n=2, gamma=0.8, lam=1e-3, k=1, varpi=[1.0])
print(f"p/n = 2, k = 1, varpi = 1: gen_f = {point['gen_f']:.6g}, gen_h1 = {point['gen_h1']:.6g} "
      f"({point['termination']} after {point['iterations']} iterations)")

# Learning curves in p/n at fixed n: Sobolev (k = 1, beta = 1) against L2 (k = 0).
model = dict(gamma=0.8, lam=1e-3)
p_over_n = np.linspace(0.1, 4, 120)
sobolev = srf.curve(sweep={"p_over_n": p_over_n}, k=1, varpi=[1.0], **model)
l2 = srf.curve(sweep={"p_over_n": p_over_n}, **model)

# Simulation markers: the real finite model at p = 200 features, 3 seeds each.
marks = [0.5, 1.0, 2.0, 3.0]
sims = {name: [srf.simulate(p=200, seeds=3, p_over_n=x, **extra, **model) for x in marks]
        for name, extra in (("Sobolev", dict(k=1, varpi=[1.0])), ("L2", {}))}

fig = Figure(figsize=(5.2, 3.8), layout="constrained")
FigureCanvasAgg(fig)
ax = fig.subplots()
for (name, table), color in zip((("Sobolev", sobolev), ("L2", l2)), ("#D55E00", "#0072B2")):
    label = "Sobolev training, k = 1" if name == "Sobolev" else "L$_2$ training"
    ax.plot(table["p_over_n"], table["gen_f"], color=color, label=label)
    ax.errorbar(marks, [s["gen_f"]["mean"] for s in sims[name]], yerr=[s["gen_f"]["se"] for s in sims[name]],
                fmt="o", color=color, markersize=4, capsize=2)
ax.errorbar([], [], yerr=[], fmt="o", color="black", markersize=4, capsize=2, label="simulation ± se (p = 200, 3 seeds)")
ax.set_xlabel("p/n")
ax.set_ylabel("L$_2$ test error  E(φ(ω) - f(x))$^2$")
ax.set_yscale("log")
ax.legend(frameon=False, fontsize=8)
fig.savefig(out, dpi=110)
print(f"wrote {out}")
