"""The estimator benchmark (bench/estimator/run_benchmark.py) and the theory-limit study
(bench/estimator/theory_limit_study.py) still run: their --smoke modes (seconds), resuming from
their caches, and the one thing the study's numbers rest on: its grid solver reproduces the
estimator's fit. The full runs are not part of the tests.

bench/ is not a package: the modules are imported by path. Run with /usr/bin/python3 -m pytest."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import CLI, SOURCE_DIR

BENCH = os.path.join(SOURCE_DIR, "bench", "estimator")
sys.path.insert(0, BENCH)
pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")
import run_benchmark as rb  # noqa: E402
import test_functions as tf  # noqa: E402
import theory_limit_study as tls  # noqa: E402


def _run(script, *args):
    env = dict(os.environ, MPLBACKEND="Agg")
    r = subprocess.run([sys.executable, os.path.join(BENCH, script), *args], capture_output=True, text=True,
                       env=env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_benchmark_smoke_runs_resumes_and_reports(tmp_path):
    out = _run("run_benchmark.py", "--smoke", "--out-dir", str(tmp_path))
    cache = json.load(open(tmp_path / "benchmark-smoke.json"))["cells"]
    # 2 functions x 1 size x 5 methods
    assert len(cache) == 10, sorted(cache)
    statuses = {k: c["status"] for k, c in cache.items()}
    assert statuses["single_index_100|25|gek|0"] == "capped"     # smoke cap 1000 < 25 * 101
    assert all(s == "ok" for k, s in statuses.items() if k != "single_index_100|25|gek|0"), statuses
    for c in cache.values():
        if c["status"] == "ok":
            assert np.isfinite(c["rel_rmse"]) and c["rel_rmse"] > 0 and c["tune_s"] >= 0 and c["fit_s"] >= 0
    # gradients pay on borehole even at n = 25: the exact GEK and the estimator with gradients beat the
    # estimator without them
    assert cache["borehole|25|rf_cv|0"]["rel_rmse"] < cache["borehole|25|rf_cv_l2|0"]["rel_rmse"]
    assert cache["borehole|25|gek|0"]["rel_rmse"] < cache["borehole|25|rf_cv_l2|0"]["rel_rmse"]
    doc = (tmp_path / "benchmarks-estimator-smoke.md").read_text()
    assert doc.startswith("# Estimator benchmark") and "run_benchmark.py --smoke" in doc
    assert "| 25 |" in doc and "capped" in doc
    assert (tmp_path / "figures" / "estimator_benchmark-smoke.png").stat().st_size > 10000
    assert "rep 0" in out
    # resuming: a second run computes nothing (no cell lines) and leaves the cache as it was
    out2 = _run("run_benchmark.py", "--smoke", "--out-dir", str(tmp_path), "--no-report")
    assert "rep 0" not in out2
    assert json.load(open(tmp_path / "benchmark-smoke.json"))["cells"] == cache


def test_benchmark_subset_selection(tmp_path):
    _run("run_benchmark.py", "--smoke", "--out-dir", str(tmp_path), "--functions", "otl_circuit",
         "--methods", "rf_cv,rf_cv_l2", "--sizes", "30", "--repeats", "2", "--no-report")
    cache = json.load(open(tmp_path / "benchmark-smoke.json"))["cells"]
    assert sorted(cache) == sorted(f"otl_circuit|30|{m}|{r}" for m in ("rf_cv", "rf_cv_l2") for r in (0, 1))


def test_theory_limit_study_smoke(tmp_path):
    _run("theory_limit_study.py", "--smoke", "--out-dir", str(tmp_path), "--cli", CLI)
    data = json.load(open(tmp_path / "theory_limit-smoke.json"))
    assert len(data["cells"]) == 4 and set(data["theory"]) == {"60", "5"}
    assert max(data["checks"].values()) < 1e-6      # the estimator refit reproduces the grid solver
    for t in data["theory"].values():
        assert t["gain_equal_samples"] >= 1.0 - 1e-9 and 0 < t["gain_beta1"] and t["l2_gen_f"] > 0
    doc = (tmp_path / "theory-limit-smoke.md").read_text()
    assert "theory_limit_study.py --smoke" in doc and "## Answer" in doc and "| 60 |" in doc and "| 5 |" in doc
    assert (tmp_path / "figures" / "theory_limit-smoke.png").stat().st_size > 10000


def test_theory_limit_grid_solver_is_the_estimator():
    cfg = dict(tls.SMOKE)
    X, y, G, Xv, fv, Xt, ft = tls.draw(cfg, 7, 3)
    picks = {"l2": None, "random": None, "all": None}
    import math
    theta, _ = tls.design(cfg, 3, 7, X, None)
    Phi, Pt = np.tanh(X @ theta / math.sqrt(7)), np.tanh(Xt @ theta / math.sqrt(7))
    g = tls.ridge_grid(Phi, y, [1e-3], [0.0], dict(test=(Pt, ft)))
    picks["l2"] = (1e-3, 0.0, float(g["test"][0, 0]))
    for m in ("random", "all"):
        _, D = tls.design(cfg, 3, 7, X, m)
        g = tls.ridge_grid(Phi, y, [1e-3], [0.5], dict(test=(Pt, ft)), 1.0 - Phi ** 2, D.T @ theta / math.sqrt(7),
                           G @ D)
        picks[m] = (1e-3, 0.5, float(g["test"][0, 0]))
    assert tls.check_estimator(cfg, 7, 3, picks) < 1e-8


def test_benchmark_budget_policy_predicts_and_skips(tmp_path):
    """The GP/GEK budget: the time of one fit at n is predicted from the largest smaller n as
    t (n/m)^3 (times the ratio of L-BFGS-B starts for the GEK); over max_predicted_s the cell is
    skipped with its prediction, and the report still shows the prediction for a cell the run
    never reached."""
    cfg = dict(rb.FULL, required=[])  # the policy alone (FULL requires the measured GEK at borehole n = 800)
    cache = rb.Cache(str(tmp_path / "c.json"))
    h = rb.config_key(cfg, "gek")
    # borehole (d = 8): n = 100 -> N = 900, 2 starts; n = 200 -> N = 1800, 1 start
    for r in range(2):
        cache.put(rb.cell_key("borehole", 100, "gek", r), dict(status="ok", total_s=10.0, config=h))
    n_reps, reason, pred = rb.slow_plan(cfg, cache, "gek", "borehole", 200, 5)
    assert pred == pytest.approx(10.0 * 8 / 2) and n_reps == 2 and "predicted" in reason
    cache.put(rb.cell_key("borehole", 200, "gek", 0), dict(status="ok", total_s=40.0, config=h))
    n_reps, reason, pred = rb.slow_plan(cfg, cache, "gek", "borehole", 400, 5)
    assert n_reps == 0 and pred == pytest.approx(320.0) and reason.startswith("skipped: budget (2-core machine")
    assert rb.slow_plan(cfg, cache, "gek", "single_index_100", 100, 5)[1] == "capped"  # 100 * 101 > 10^4
    res = rb.collect(cfg, cache, ["borehole"], [800], ["gek"], 5)
    assert res[("borehole", 800, "gek")]["status"] == "skipped"
    assert res[("borehole", 800, "gek")]["predicted_s"] == pytest.approx(40.0 * 64)
