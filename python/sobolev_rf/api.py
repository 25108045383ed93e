"""The commands of sobolev-rf as Python functions. Keyword arguments are the CLI's long flags
with '_' for '-' (`lam` for --lambda); they are handed to the CLI's own flag parser in C++, so
defaults, accepted values and error messages are the command line's."""
import math
import os

import numpy as np

from . import _core
from .table import Table

_ERRORS = tuple(_core.error_names())


def _value_text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{value!r}: a number or text is needed here")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if np.ndim(value) >= 1:  # varpi: k numbers, each written as given (1 stays 1)
        return ",".join(_value_text(v) for v in np.ravel(np.asarray(value, dtype=object)).tolist())
    return str(value)


def _words(params):
    """Keyword arguments -> command-line words: lam=1e-3 -> '--lambda=0.001', a true flag ->
    '--varpi-drawn'; None and false flags are left out (the CLI's default applies)."""
    words = []
    for name, value in params.items():
        if value is None:
            continue
        flag = "--lambda" if name == "lam" else "--" + name.replace("_", "-")
        if isinstance(value, (bool, np.bool_)):
            if value:
                words.append(flag)
            continue
        try:
            words.append(f"{flag}={_value_text(value)}")
        except ValueError as e:
            raise ValueError(f"{flag} = {e}") from None
    return words


def _nan_for_none(value):
    return math.nan if value is None else value


def _numbers(report):
    """The CLI's JSON writes a non-finite number as null; Python gets NaN back for every error,
    the residual and the order parameters (a point that did not converge has NaN errors)."""
    for name in _ERRORS:
        v = report.get(name)
        if isinstance(v, dict):
            for key in v:
                v[key] = _nan_for_none(v[key])
        elif name in report:
            report[name] = _nan_for_none(v)
    if "residual" in report:
        report["residual"] = _nan_for_none(report["residual"])
    ops = report.get("order_parameters")
    if isinstance(ops, dict):
        for key in ops:
            ops[key] = _nan_for_none(ops[key])
    return report


def theory(sigma="tanh", teacher="tanh", alpha=None, p_over_n=None, gamma=0.8, lam=1e-3, k=0, varpi=None,
           beta=1.0, delta_f=0.0, delta_g=0.0, rho=0.0, varpi_average=False, **solver_options):
    """The asymptotic errors at one point: the keys and values of `sobolev-rf theory --format json`
    (errors, converged, termination, message, iterations, residual, order_parameters, and the
    parameters), with NaN for JSON's null. With varpi_average each error is a dict of its law over
    varpi ~ N(0, I_k): mean, std, q05, q50, q95, A0, A2. solver_options: tolerance,
    max_iterations, max_continuation_stages, traces ("deterministic" | "sampled"), trace_size,
    trace_seed. alpha and p_over_n: give at most one (default alpha = 0.5)."""
    words = _words(dict(sigma=sigma, teacher=teacher, alpha=alpha, p_over_n=p_over_n, gamma=gamma, lam=lam, k=k,
                        varpi=varpi, beta=beta, delta_f=delta_f, delta_g=delta_g, rho=rho, **solver_options))
    return _numbers(_core.theory(words, bool(varpi_average)))


def _sweep_arguments(sweep):
    """sweep={"p_over_n": values} (explicit values, or a range text "0.1:5:200[:log]"), or the CLI's
    text "p_over_n=0.1:5:200" -> (text, name, values) for _core."""
    if isinstance(sweep, str):
        return sweep, "", []
    if not isinstance(sweep, dict) or len(sweep) != 1:
        raise ValueError(f"--sweep = {sweep!r}: give one parameter, e.g. {{'p_over_n': values}} or "
                         "'p_over_n=0.1:5:200'")
    (name, values), = sweep.items()
    name = "lambda" if name == "lam" else name
    if isinstance(values, str):
        return f"{name}={values}", "", []
    return "", name, [float(v) for v in np.ravel(np.asarray(values, dtype=float))]


def curve(sweep, varpi_average=False, **params):
    """The theory along a sweep, as `sobolev-rf curve` writes it: a Table (dict of 1-D numpy
    arrays) with the CLI CSV's columns and numbers (10 significant digits); a point that did not
    converge has converged = 0 and NaN errors. Each point warm-starts from its neighbour.
    params: the model parameters of theory() and its solver options."""
    text, name, values = _sweep_arguments(sweep)
    return Table.from_csv_text(_core.curve_csv(_words(params), text, name, values, bool(varpi_average)))


def _per_seed_arrays(seeds):
    """A list of per-seed dicts -> one numpy array per key (varpi: seeds x k)."""
    if not seeds:
        return {}
    out = {}
    for key in seeds[0]:
        values = [s[key] for s in seeds]
        if key == "varpi":
            out[key] = np.array(values, dtype=float).reshape(len(seeds), -1)
        elif isinstance(values[0], dict):  # per-error figures (population_truncation_bound, test_se)
            out[key] = {name: np.array([_nan_for_none(v[name]) for v in values], dtype=float) for name in values[0]}
        elif isinstance(values[0], str):
            out[key] = np.array(values, dtype=str)
        elif isinstance(values[0], int):
            out[key] = np.array(values, dtype=np.int64)
        else:
            out[key] = np.array([_nan_for_none(v) for v in values], dtype=float)
    return out


def simulate(p=None, seeds=None, seed=1, **params):
    """The finite-size Monte Carlo simulation, as `sobolev-rf simulate --format json`: the
    parameters, sizes n, p, d, {"mean", "se"} per error (se NaN with one seed) and "per_seed" as a
    dict of numpy arrays (seed, varpi (seeds x k), solve and one array per error). The same seed
    gives the same numbers as the CLI, whatever the thread count. p, seeds: the CLI's defaults
    when None. params: the model parameters and threads, test_samples, batch_rows,
    sketch_scale ("normal" | "unit"), varpi_drawn, solve ("auto" | "primal" | "dual")."""
    r = _core.simulate(_words(dict(p=p, seeds=seeds, seed=seed, **params)))
    for name in _ERRORS:
        if isinstance(r.get(name), dict):
            r[name] = {key: _nan_for_none(v) for key, v in r[name].items()}
    r["per_seed"] = _per_seed_arrays(r["per_seed"])
    return r


def validate(sweep=None, points=None, p_large=0, z_threshold=4.0, **params):
    """Theory against simulation at sizes p and p_large (0: 2p), as `sobolev-rf validate`: returns
    {"table": the CSV of --output as a Table, "comparisons", "disagreements", "agree", "p",
    "p_large", "seeds", "base_seed", "version"}. Points: the model parameters (one point), a sweep as in curve(), or a points CSV
    file. params: the model parameters and the simulation options of simulate()."""
    text, name, values = _sweep_arguments(sweep) if sweep is not None else ("", "", [])
    r = _core.validate(_words(params), text, name, values, os.fspath(points) if points else "", int(p_large),
                       float(z_threshold))
    return {"table": Table.from_csv_text(r["csv"]), "comparisons": r["comparisons"],
            "disagreements": r["disagreements"], "agree": r["disagreements"] == 0, "p": r["p"],
            "p_large": r["p_large"], "seeds": r["seeds"], "base_seed": r["base_seed"], "version": r["version"]}


def optimal_lambda(objective="gen_f", lambda_min=1e-8, lambda_max=10.0, grid_points=25, varpi_average=False,
                   **params):
    """The ridge penalty in [lambda_min, lambda_max] that minimises `objective` (an error name; with
    varpi_average its mean over varpi ~ N(0, I_k)): a log grid, then Brent's method. Returns
    {"lambda", "value", "on_boundary", "converged", "evaluations", "objective", "theory": the
    theory() report at that lambda}. params: the model parameters and solver options of theory()
    (lam is ignored)."""
    r = _core.optimal_lambda(_words(params), float(lambda_min), float(lambda_max), int(grid_points), objective,
                             bool(varpi_average))
    _numbers(r["theory"])
    return r


def optimize(over="lambda", objective="gen_f", lambda_min=1e-8, lambda_max=10.0, grid_points=25, beta_min=1e-3,
             beta_max=1e3, varpi_average=False, **params):
    """The minimiser of `objective` over "lambda", "beta" or "both": the keys and values of
    `sobolev-rf optimize --format json` (the theory report at the optimum, "value",
    "lambda_opt"/"lambda_on_boundary" and "beta_opt"/"beta_on_boundary" for what was searched,
    "converged", "evaluations"), with NaN for JSON's null. params: the model parameters and solver
    options of theory() (the searched ones are ignored)."""
    r = _core.optimize(_words(params), over, objective, float(lambda_min), float(lambda_max), int(grid_points),
                       float(beta_min), float(beta_max), bool(varpi_average))
    for key in ("value", "lambda_opt", "beta_opt"):
        if key in r:
            r[key] = _nan_for_none(r[key])
    return _numbers(r)


def compare(objective="gen_f", lambda_min=1e-8, lambda_max=10.0, grid_points=25, varpi_average=False, **params):
    """Should I train on my gradients? L2 on n samples, L2 on (k + 1) n samples (equal cost) and
    Sobolev training on n samples (the model given, k >= 1), each at its optimal lambda: the keys
    and values of `sobolev-rf compare --format json` ("l2_equal_samples", "l2_equal_cost",
    "sobolev": theory reports with "lambda_opt" and "value"; "gain_equal_samples",
    "gain_equal_cost": L2's value over Sobolev's, > 1 where gradients pay off; "verdict")."""
    r = _core.compare(_words(params), objective, float(lambda_min), float(lambda_max), int(grid_points),
                      bool(varpi_average))
    for key in ("l2_equal_samples", "l2_equal_cost", "sobolev"):
        _numbers(r[key])
        for k in ("value", "lambda_opt"):
            r[key][k] = _nan_for_none(r[key][k])
    for key in ("gain_equal_samples", "gain_equal_cost"):
        r[key] = _nan_for_none(r[key])
    return r


def figure(spec, out_dir="out", backend="gnuplot", quick=False, markers="default", formats=("png", "pdf")):
    """A figure from a TOML spec (figures/*.toml), as `sobolev-rf figure`: the CSVs and the gnuplot
    script into out_dir, then PNG and PDF drawn by gnuplot (the default, as the CLI) or by
    matplotlib (the same panels, lines, markers and labels). quick: cheaper markers (--quick);
    markers: "default" | "all" | "none". Returns {"png", "pdf", "script", "csv": [...],
    "failed_points"}. Raises RuntimeError when gnuplot is missing (the CSVs are written)."""
    if backend not in ("gnuplot", "matplotlib"):
        raise ValueError(f"backend = '{backend}': must be gnuplot or matplotlib")
    out_dir = os.fspath(out_dir)
    r = _core.figure(os.fspath(spec), out_dir, bool(quick), markers, backend == "gnuplot")
    output = r["spec"]["output"]
    csvs = [os.path.join(out_dir, f[key]) for panel in r["files"] for f in panel for key in ("data", "markers")
            if f[key]]
    if backend == "gnuplot":
        if not r["gnuplot"]:
            raise RuntimeError(f"figure {output}: gnuplot not found on PATH, so not rendered; the CSVs and "
                               f"{r['script']} are in {out_dir} (or use backend='matplotlib')")
        paths = {fmt: os.path.join(out_dir, f"{output}.{fmt}") for fmt in ("png", "pdf")}
    else:
        from .plotting import render

        paths = render(r["spec"], r["files"], out_dir, formats)
    return dict(paths, script=r["script"], csv=csvs, failed_points=r["failed_points"])
