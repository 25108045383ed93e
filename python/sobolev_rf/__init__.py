"""sobolev-rf from Python: the replica saddle-point theory and the finite-size simulator of
random-features regression trained on function values and sketched gradients ("Sobolev
training"), with the same names, defaults, messages and numbers as the command line
`sobolev-rf` (docs/model.md describes the model and every reported quantity).

    import sobolev_rf as srf
    srf.theory(p_over_n=2, k=1, varpi=[0.7])["gen_f"]
    table = srf.curve(sweep={"p_over_n": numpy.linspace(0.1, 5, 200)}, lam=1e-3)
    sim = srf.simulate(alpha=0.5, p=1000, seeds=8, k=1, varpi=[0.7])
    srf.figure("figures/fig2_k1_sobolev.toml", "out", backend="matplotlib")

Parameters are the CLI's long flags with '_' for '-' (delta_f for --delta-f) and `lam` for
--lambda. Bad input raises ValueError with the CLI's one-line message; a point that does not
converge is reported (converged False, NaN errors), not raised. Long calls release the GIL and
stop on Ctrl-C (KeyboardInterrupt) within about a second (a simulated seed in flight finishes).
"""
from .api import compare, curve, figure, optimal_lambda, optimize, simulate, theory, validate
from .table import Table
from .estimator import SobolevRandomFeaturesRegressor

__all__ = ["theory", "curve", "simulate", "validate", "optimal_lambda", "optimize", "compare", "figure", "Table", "SobolevRandomFeaturesRegressor"]
