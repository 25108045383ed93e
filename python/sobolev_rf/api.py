"""The computing functions of sobolev_rf over the compiled module _core.

Keywords are the library's field names (`lam` for lambda, which Python reserves), checked in C++
against the library's tables: an unknown keyword or a wrong type raises TypeError, an invalid value
ValueError naming the keyword. Array-valued numeric keywords broadcast (numpy's rules) and the call
then returns a pandas DataFrame, one row per point of the broadcast shape (C order); a call without
arrays returns a result object (TheoryResult, Optimum, Comparison, Simulation) whose to_dict() is
the command line's JSON for the same point, key for key.
"""
from __future__ import annotations

import inspect
import os
import sys
import warnings
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np

from . import _core

__all__ = ["Model", "SolverOptions", "OptimizeOptions", "CompareOptions", "SimulationOptions", "ValidationOptions",
           "TheoryResult", "Optimum", "Comparison", "Simulation", "Validation", "MergedShards", "Estimate",
           "theory", "curve", "optimize", "compare", "simulate", "validate", "merge", "figure", "keywords"]

Model = _core.Model
SolverOptions = _core.SolverOptions
OptimizeOptions = _core.OptimizeOptions
CompareOptions = _core.CompareOptions
SimulationOptions = _core.SimulationOptions
ValidationOptions = _core.ValidationOptions
TheoryResult = _core.TheoryResult
Optimum = _core.Optimum
Comparison = _core.Comparison
Simulation = _core.Simulation
Validation = _core.Validation
MergedShards = _core.MergedShards
Estimate = _core.Estimate

ArrayLike = Union[float, Sequence[float], np.ndarray]

# ---- progress bars ---------------------------------------------------------------------------


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except Exception:  # noqa: BLE001 - any failure: not a notebook
        return False
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def _bar(total: int, label: str):
    """A progress bar for a call that has run for half a second (called by _core): tqdm's notebook
    bar in a notebook, its text bar in a terminal; None (no bar) without tqdm."""
    try:
        if _in_notebook():
            from tqdm.auto import tqdm
        else:
            from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total or None, desc=label, leave=False)


def _progress(progress: Optional[bool]) -> Optional[Callable]:
    """progress=None: a bar in a notebook or a terminal, none in a pipe; True/False: always/never."""
    if progress is None:
        progress = _in_notebook() or (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())
    return _bar if progress else None


# ---- tables ----------------------------------------------------------------------------------


def _frame(columns: dict, attrs: dict, function: str):
    """The columns (1-D numpy arrays and lists of str) as a DataFrame with attrs (metadata)."""
    import pandas

    frame = pandas.DataFrame(columns, copy=False)
    frame.attrs.update(attrs)
    frame.attrs["function"] = function
    return frame


def _result(out, function: str):
    result = _frame(out[0], out[1], function) if isinstance(out, tuple) else out
    _warn_finite_size(result)
    return result


def _warn_finite_size(result) -> None:
    """Structured inputs near the edge of the proportional regime: a UserWarning when the limit differs
    from the finite-d theory at d = 1000 by more than 5 % (docs/theory/structured.md [S.15]); it
    suggests d=. The text is the library's (the CLI prints the same line on stderr)."""
    attrs = getattr(result, "attrs", None)
    text = attrs.get("finite_size_warning", "") if isinstance(attrs, dict) else getattr(result, "finite_size_warning", "")
    if text:
        warnings.warn(text, UserWarning, stacklevel=4)


# ---- signatures from the library's tables ----------------------------------------------------

_TYPES = {"float": float, "int": int, "bool": bool, "str": str, "list[float]": Sequence[float]}
_ARRAYS = {"float": Union[float, np.ndarray], "int": Union[int, np.ndarray],
           "list[float]": Union[Sequence[float], np.ndarray]}


def keywords(function: str) -> list:
    """The keywords of a function (theory, curve, optimize, compare, simulate, validate) or a struct
    (Model, SolverOptions, ...): dicts of keyword, group, type, description, choices, default."""
    return list(_core._keywords[function])


def _annotation(k: dict, broadcast: bool):
    if broadcast and k["type"] in _ARRAYS and k["group"] in ("model", "request", "search", "solver", "compare"):
        return Optional[_ARRAYS[k["type"]]]
    return Optional[_TYPES.get(k["type"], Any)]


def _describe(entries: list) -> str:
    lines = []
    group = None
    for k in entries:
        if k["group"] != group:
            group = k["group"]
            lines.append(f"\n{group} keywords:")
        default = "" if k["default"] is None else f", default {k['default']!r}"
        choices = f" ({' | '.join(k['choices'])})" if k["choices"] else ""
        lines.append(f"  {k['keyword']} ({k['type']}{default}): {k['description']}{choices}")
    return "\n".join(lines)


def _signed(name: str, first: list, last: list, broadcast: bool = True):
    """Decorator: gives a function the signature and docs of its keyword table (_core._keywords):
    `first` parameters, then every keyword (keyword-only, with the library's default), then `last`."""

    def wrap(f):
        entries = _core._keywords[name]
        params = list(first)
        params += [inspect.Parameter(k["keyword"], inspect.Parameter.KEYWORD_ONLY,
                                     default=None if k["shorthand"] else k["default"],
                                     annotation=_annotation(k, broadcast)) for k in entries]
        params += list(last)
        f.__signature__ = inspect.Signature(params, return_annotation=inspect.signature(f).return_annotation)
        f.__doc__ = (f.__doc__ or "") + "\n" + _describe(entries)
        return f

    return wrap


def _positional(name, default=None, annotation=Any):
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation)


def _kwonly(name, default=None, annotation=Any):
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


_SWEEPABLE = frozenset(k["keyword"] for k in _core._keywords["curve"]
                       if k["group"] == "model" and k["type"] in ("float", "int"))
_MODEL = _positional("model", None, Optional[Model])
_PROGRESS = _kwonly("progress", None, Optional[bool])


def _struct_signature(cls, name: str):
    params = [inspect.Parameter(k["keyword"], inspect.Parameter.KEYWORD_ONLY,
                                default=None if k["shorthand"] else k["default"],
                                annotation=Optional[_TYPES.get(k["type"], Any)]) for k in _core._keywords[name]]
    try:
        cls.__signature__ = inspect.Signature(params, return_annotation=cls)
    except (AttributeError, TypeError):  # an extension type that refuses new attributes
        pass


for _cls, _name in ((Model, "Model"), (SolverOptions, "SolverOptions"), (OptimizeOptions, "OptimizeOptions"),
                    (CompareOptions, "CompareOptions"), (SimulationOptions, "SimulationOptions"),
                    (ValidationOptions, "ValidationOptions")):
    _struct_signature(_cls, _name)

# ---- the functions ---------------------------------------------------------------------------


@_signed("theory", [_MODEL], [_PROGRESS])
def theory(model: Optional[Model] = None, *, progress: Optional[bool] = None, **kw):
    """The replica-symmetric theory at a point: errors, convergence fields, order parameters.

    Keywords override the fields of `model` (a Model; None: the defaults). Without array keywords:
    a TheoryResult (attributes gen_f, ..., converged, termination; to_dict() is `sobolev-rf theory
    --format json`). With arrays (lam=numpy.logspace(-4, 0, 50), varpi of shape (..., k)): a
    pandas DataFrame with one row per point of the broadcast shape (C order), float64 error columns
    (NaN where a point did not converge), varpi_1..varpi_k, converged, termination, iterations,
    residual, message, variant; .attrs holds version, shape, broadcast, solver, varpi_average.
    Each row of the shape's last axis warm-starts along itself; `threads` rows run in parallel
    (the numbers do not depend on it). A point that does not converge is reported, not raised.
    """
    return _result(_core.theory(model, kw, _progress(progress)), "theory")


@_signed("curve", [_positional("sweep", None, Any), _MODEL],
         [_kwonly("optimize", None, Optional[str]), _PROGRESS])
def curve(sweep=None, model: Optional[Model] = None, *, optimize: Optional[str] = None,
          progress: Optional[bool] = None, **kw):
    """A learning curve (one sweep) or a grid (two: the first outer), as `sobolev-rf curve`, as a
    DataFrame (one row per point, the inner sweep fastest).

    Sweeps: 1-D array keywords (p_over_n=numpy.linspace(0.1, 5, 200)), in the order given, or
    sweep= a range text 'p_over_n=0.1:5:200[:log]', a dict {name: values or 'lo:hi:count[:log]'},
    or a list of those. optimize='lambda' | 'beta' | 'both': each point at the optimum of
    `objective` (columns lambda_opt, beta_opt, optimum_value, ..._on_boundary).
    """
    if isinstance(sweep, Model) and model is None:  # curve(model, p_over_n=...)
        sweep, model = None, sweep
    sweeps = [] if sweep is None else list(sweep) if isinstance(sweep, (list, tuple)) else [sweep]
    for name in [n for n, v in kw.items() if n in _SWEEPABLE and not isinstance(v, str) and np.ndim(v) >= 1]:
        sweeps.append({name: kw.pop(name)})  # array keywords are sweeps, in the order given
    return _result(_core.curve(model, sweeps or None, optimize, kw, _progress(progress)), "curve")


@_signed("optimize", [_MODEL], [_PROGRESS])
def optimize(model: Optional[Model] = None, *, progress: Optional[bool] = None, **kw):
    """The minimiser of `objective` over 'lambda', 'beta' or 'both' (over=), as `sobolev-rf
    optimize`: an Optimum (lambda_opt, beta_opt, value, converged, the errors there; to_dict() is the
    CLI's JSON), or with array keywords a DataFrame (one row per point; each point's search starts
    from its neighbour's optimum).
    """
    return _result(_core.optimize(model, kw, _progress(progress)), "optimize")


@_signed("compare", [_MODEL], [_PROGRESS])
def compare(model: Optional[Model] = None, *, progress: Optional[bool] = None, **kw):
    """Should I train on my gradients? L2 at equal samples and at equal cost against Sobolev
    training (k >= 1), each at its optimum, as `sobolev-rf compare`: a Comparison (gains, verdict,
    rows (a DataFrame), row(name), budget; to_dict() is the CLI's JSON), or with array keywords a
    DataFrame (one row per point).
    """
    return _result(_core.compare(model, kw, _progress(progress)), "compare")


@_signed("simulate", [_MODEL], [_kwonly("merged", None, Optional[MergedShards]), _PROGRESS])
def simulate(model: Optional[Model] = None, *, merged: Optional[MergedShards] = None,
             progress: Optional[bool] = None, **kw):
    """The finite-size Monte Carlo simulation of the real model (mean and standard error over
    seeds), as `sobolev-rf simulate`: a Simulation (an Estimate per error, per_seed (a DataFrame);
    to_dict() is the CLI's JSON, bit for bit for the same seed, whatever the thread count), or with
    array model keywords a DataFrame (NAME_mean, NAME_se per error; one row per point).

    checkpoint=FILE (with resume=True) keeps finished seeds across interruptions; shard='i/N'
    computes one slice of the seeds into checkpoint and returns None (combine with merge(), then
    pass merged= to the same call).
    """
    return _result(_core.simulate(model, kw, merged, _progress(progress)), "simulate")


@_signed("validate", [_MODEL], [_kwonly("points", None, Optional[Union[str, os.PathLike]]),
                                _kwonly("sweep", None, Optional[str]),
                                _kwonly("merged", None, Optional[MergedShards]), _PROGRESS])
def validate(model: Optional[Model] = None, *, points=None, sweep: Optional[str] = None,
             merged: Optional[MergedShards] = None, progress: Optional[bool] = None, **kw):
    """Theory against simulation at p and p_large (0: 2p), as `sobolev-rf validate`: a Validation
    (table: a DataFrame with the columns of `sobolev-rf validate --output`; comparisons,
    disagreements, agree, summary). Points: the keywords (one point, or arrays), sweep=
    'name=lo:hi:count[:log]', or points= a points CSV file.
    """
    return _core.validate(model, points, sweep, kw, merged, _progress(progress))


def merge(*paths: Union[str, os.PathLike]) -> MergedShards:
    """The seeds of the shard files of one job-array run (simulate/validate with shard='i/N', or the
    CLI's --shard): pass the result as merged= to the same simulate() or validate() call."""
    if len(paths) == 1 and not isinstance(paths[0], (str, os.PathLike)):
        paths = tuple(paths[0])
    return _core.merge([os.fspath(p) for p in paths])


def figure(spec: Union[str, os.PathLike], out_dir: Optional[Union[str, os.PathLike]] = None, *,
           backend: str = "gnuplot", quick: bool = False, markers: str = "default",
           formats: Sequence[str] = ("png", "pdf"), progress: Optional[bool] = None):
    """A figure from a TOML spec (figures/*.toml), as `sobolev-rf figure`.

    backend='gnuplot': the CSVs, sidecars and gnuplot script into out_dir/OUTPUT/ (default 'out'),
    rendered by gnuplot to PNG and PDF; returns {"png", "pdf", "script", "folder", "csv",
    "failed_points"}; RuntimeError when gnuplot is missing (the CSVs are written).
    backend='matplotlib': returns the matplotlib Figure (the same panels, lines, markers and
    labels), also saved in `formats` with the CSVs into out_dir/OUTPUT/ when out_dir is given
    (nothing is written without one). quick: cheaper markers; markers: 'default' | 'all' | 'none'.
    """
    if backend not in ("gnuplot", "matplotlib"):
        raise ValueError(f"backend = {backend!r}: must be 'gnuplot' or 'matplotlib'")
    if markers not in ("default", "all", "none"):
        raise ValueError(f"markers = {markers!r}: must be 'default', 'all' or 'none'")
    if out_dir is None and backend == "gnuplot":
        out_dir = "out"
    target = "" if out_dir is None else os.fspath(out_dir)
    r = _core.figure(os.fspath(spec), target, bool(quick), markers, backend == "gnuplot", _progress(progress))
    csvs = [os.path.join(r["folder"], f[key]) for panel in r["files"] for f in panel for key in ("data", "markers")
            if f[key]] if target else []
    if backend == "gnuplot":
        if not r["gnuplot"]:
            raise RuntimeError(f"figure {r['spec']['output']}: gnuplot not found on PATH, so not rendered; the CSVs "
                               f"and {r['script']} are in {r['folder']} (or use backend='matplotlib')")
        return {"png": r["png"], "pdf": r["pdf"], "script": r["script"], "folder": r["folder"], "csv": csvs,
                "failed_points": r["failed_points"]}
    from .plotting import draw

    fig = draw(r["spec"], r["files"], r["tables"])
    fig.sobolev_rf = {"folder": r["folder"], "csv": csvs, "failed_points": r["failed_points"]}
    if target:
        for fmt in formats:
            path = os.path.join(r["folder"], f"{r['spec']['output']}.{fmt}")
            fig.savefig(path, dpi=110)
            fig.sobolev_rf[fmt] = path
    return fig


# ---- Python views of the results' tables -----------------------------------------------------


def _per_seed(self):
    """Each seed's errors (and varpi, solve, test error bounds) as a DataFrame."""
    return _frame(self._per_seed(), {"version": _core.__version__}, "simulate")


def _rows(self):
    """The four rows (l2_equal_samples, l2_equal_cost, sobolev, sobolev_beta1) as a DataFrame."""
    return _frame(self._rows(), {"version": _core.__version__}, "compare").set_index("row")


def _budget(self):
    """With budget_directions: the best Sobolev fit per k at equal cost (a DataFrame), else None."""
    b = self._budget()
    return None if b is None else _frame(b, {"version": _core.__version__}, "compare")


def _table(self):
    """One row per point and compared quantity: the columns of `sobolev-rf validate --output`."""
    return _frame(self._table(), {"version": self.version, "p": self.p, "p_large": self.p_large,
                                  "seeds": self.seeds, "base_seed": self.base_seed}, "validate")


Simulation.per_seed = property(_per_seed)
Comparison.rows = property(_rows)
Comparison.budget = property(_budget)
Validation.table = property(_table)
