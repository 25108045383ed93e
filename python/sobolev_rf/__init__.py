"""sobolev-rf from Python: the replica saddle-point theory and the finite-size simulator of
random-features regression trained on function values and sketched gradients ("Sobolev
training"); docs/model.md describes the model and every reported quantity.

    import numpy as np
    import sobolev_rf as srf
    srf.theory(p_over_n=2, k=1, varpi=[0.7]).gen_f                 # one point: a TheoryResult
    srf.theory(p_over_n=np.linspace(0.1, 5, 200), lam=1e-3)        # arrays broadcast: a DataFrame
    m = srf.Model(k=1, varpi=[0.7], lam=1e-3); srf.theory(m, p_over_n=[0.5, 1, 2])
    srf.optimize(over="lambda", objective="gen_f", p_over_n=2, k=1, varpi=[1.0]).lambda_opt
    srf.compare(p_over_n=2, k=1, varpi_average=True, delta_f=0.1).verdict
    srf.simulate(alpha=0.5, p=1000, seeds=8, k=1, varpi=[0.7]).gen_f      # Estimate(mean, se)
    srf.figure("figures/fig2_k1_sobolev.toml", backend="matplotlib")       # a matplotlib Figure

Keywords are the library's field names (`lam` for lambda); help(srf.theory) lists them. An unknown
keyword or a wrong type raises TypeError, an invalid value ValueError naming the keyword. A point
that does not converge is reported (converged False, NaN errors), not raised. Long calls release
the GIL, show a progress bar in a notebook or a terminal and stop on Ctrl-C (KeyboardInterrupt).
"""
from . import _core
from .api import (Comparison, CompareOptions, Estimate, MergedShards, Model, Optimum, OptimizeOptions, Simulation,
                  SimulationOptions, SolverOptions, TheoryResult, Validation, ValidationOptions, compare, curve, figure,
                  keywords, merge, optimize, simulate, theory, validate)

__version__ = _core.__version__

__all__ = ["__version__", "Model", "SolverOptions", "OptimizeOptions", "CompareOptions", "SimulationOptions",
           "ValidationOptions", "TheoryResult", "Optimum", "Comparison", "Simulation", "Validation", "MergedShards",
           "Estimate", "theory", "curve", "optimize", "compare", "simulate", "validate", "merge", "figure",
           "keywords", "SobolevRandomFeaturesRegressor", "SobolevRandomFeaturesRegressorCV", "advise"]


_ESTIMATOR_NAMES = ("SobolevRandomFeaturesRegressor", "SobolevRandomFeaturesRegressorCV", "advise")


def __getattr__(name):
    # The estimator imports scikit-learn (about a second): only when it is asked for.
    if name in _ESTIMATOR_NAMES or name == "estimator":
        import importlib

        estimator = importlib.import_module(".estimator", __name__)
        if name == "estimator":
            return estimator
        return getattr(estimator, name)
    raise AttributeError(f"module 'sobolev_rf' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_ESTIMATOR_NAMES) | {"estimator"})
