"""sobolev_rf.simulate: the CLI's `simulate --format json` for the same seed (bit for bit, since
JSON round-trips doubles), per-seed values as a DataFrame; shards, merge and checkpoints; the GIL is released and Ctrl-C stops
a long run within a second, leaving nothing behind that changes the next run."""
import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

import sobolev_rf as srf
from conftest import cli_error, cli_json, python_message, same

SMALL = dict(alpha=0.5, gamma=0.8, lam=1e-3, k=1, varpi=[0.7], p=120, seeds=3)
SMALL_FLAGS = ["--alpha", "0.5", "--gamma", "0.8", "--lambda", "1e-3", "--k", "1", "--varpi", "0.7", "--p", "120",
               "--seeds", "3"]


def without_timing(report):
    report = dict(report)
    for key in ("wall_seconds", "threads", "seeds_in_parallel"):
        report.pop(key, None)
    return report


def test_simulate_equals_cli_json_for_the_same_seed():
    for seed in (1, 7):
        py = srf.simulate(seed=seed, **SMALL)
        assert isinstance(py, srf.Simulation)
        cli = cli_json("simulate", *SMALL_FLAGS, "--seed", seed)
        same(without_timing(py.to_dict()), without_timing(cli))
    per_seed = py.per_seed
    assert len(per_seed) == 3 and per_seed["gen_f"].dtype == np.float64 and per_seed["varpi_1"].dtype == np.float64
    assert py.gen_f.mean == np.mean(per_seed["gen_f"]) and py["gen_f"]["mean"] == py.gen_f.mean
    mean, se = py.gen_f
    assert se == py.gen_f.se and (py.n, py.p) == (60, 120)


def test_simulate_informed_equals_cli_json():
    py = srf.simulate(seed=3, informed="estimated", alpha_u=2, delta_u=0.3, **SMALL)
    cli = cli_json("simulate", *SMALL_FLAGS, "--seed", 3, "--informed", "estimated", "--alpha-u", 2, "--delta-u", 0.3)
    same(without_timing(py.to_dict()), without_timing(cli))
    assert py.gen_inf.mean > 0 and py.per_seed["train_inf"].shape == (3,)


def test_simulate_unit_sketch_equals_cli_json():
    py = srf.simulate(sketch_scale="unit", **SMALL)
    cli = cli_json("simulate", *SMALL_FLAGS, "--sketch-scale", "unit")
    same(without_timing(py.to_dict()), without_timing(cli))


def test_simulate_results_do_not_depend_on_threads():
    a = srf.simulate(threads=1, **SMALL)
    b = srf.simulate(threads=2, **SMALL)
    pd.testing.assert_frame_equal(a.per_seed, b.per_seed)


def test_simulate_drawn_varpi_and_one_seed():
    r = srf.simulate(p=80, seeds=1, k=2, varpi_drawn=True)
    assert r["varpi"] is None and r["varpi_mode"] == "drawn"
    assert np.isnan(r.gen_f.se)  # one seed: no standard error
    assert list(r.per_seed.columns[:3]) == ["seed", "varpi_1", "varpi_2"]


def test_simulate_broadcasts_over_points():
    df = srf.simulate(p_over_n=[1.0, 2.0], p=60, seeds=2, k=1, varpi=[0.5])
    assert len(df) == 2 and df["gen_f_mean"].dtype == np.float64 and df["n"].tolist() == [60, 30]
    r = srf.simulate(p_over_n=2.0, p=60, seeds=2, k=1, varpi=[0.5])
    assert df["gen_f_mean"][1] == r.gen_f.mean and df["gen_f_se"][1] == r.gen_f.se
    with pytest.raises(ValueError, match="seeds"):
        srf.simulate(seeds=[2, 3])


def test_shards_merge_into_the_single_run(tmp_path):
    kw = dict(p=60, seeds=4, k=1, varpi=[0.5])
    whole = srf.simulate(**kw)
    parts = [tmp_path / f"part.{i}" for i in (1, 2)]
    for i, part in enumerate(parts, 1):
        assert srf.simulate(shard=f"{i - 1}/2", checkpoint=str(part), **kw) is None
    merged = srf.merge(*parts)
    assert merged.shards == 2 and merged.seeds == 4
    again = srf.simulate(merged=merged, **kw)
    pd.testing.assert_frame_equal(again.per_seed, whole.per_seed)


def test_resume_from_a_checkpoint(tmp_path):
    kw = dict(p=60, seeds=3, k=1, varpi=[0.5], checkpoint=str(tmp_path / "sim.checkpoint"))
    first = srf.simulate(**kw)
    again = srf.simulate(resume=True, **kw)
    pd.testing.assert_frame_equal(first.per_seed, again.per_seed)


@pytest.mark.parametrize("kwargs, flags", [
    (dict(p=0), ["--p", "0"]),
    (dict(seeds=0), ["--seeds", "0"]),
    (dict(sketch_scale="wide"), ["--sketch-scale", "wide"]),
    (dict(k=1, varpi=[1], varpi_drawn=True), ["--k", "1", "--varpi", "1", "--varpi-drawn"]),
    (dict(lam=-1), ["--lambda=-1"]),
])
def test_bad_simulation_input_raises_value_errors_naming_python_keywords(kwargs, flags):
    with pytest.raises(ValueError) as e:
        srf.simulate(**kwargs)
    assert "--" not in str(e.value)
    assert str(e.value) == python_message(cli_error("simulate", *flags))


def test_the_memory_guard_names_python_keywords():
    with pytest.raises(ValueError) as e:
        srf.simulate(p=200000, alpha=2, seeds=2)
    assert "--" not in str(e.value) and str(e.value).startswith("p = 200000")


LONG = dict(alpha=0.5, gamma=0.8, lam=1e-3, p=150, seeds=4000, threads=2)


def test_gil_is_released_during_a_long_simulate():
    ticks = 0
    running = True

    def count():
        nonlocal ticks
        while running:
            ticks += 1
            time.sleep(0.001)

    thread = threading.Thread(target=count)
    thread.start()
    start = time.monotonic()
    srf.simulate(**dict(LONG, seeds=300))
    elapsed = time.monotonic() - start
    running = False
    thread.join()
    # The counter sleeps 1 ms per tick: with the GIL held by simulate it could not tick at all.
    assert elapsed > 0.2, elapsed
    assert ticks > 0.3 * elapsed / 0.0011, (ticks, elapsed)


def test_ctrl_c_interrupts_a_long_simulate_within_a_second():
    expected = srf.simulate(**dict(LONG, seeds=4))
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        srf.simulate(**LONG)  # seconds: far longer than the test
    stopped = time.monotonic() - start
    timer.join()
    assert stopped < 0.5 + 1.0, stopped
    # Nothing corrupted: the same run again gives the same numbers.
    again = srf.simulate(**dict(LONG, seeds=4))
    pd.testing.assert_frame_equal(expected.per_seed, again.per_seed)


def test_ctrl_c_interrupts_a_long_vectorised_theory():
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        srf.theory(lam=np.logspace(-6, -3, 40000), k=2, varpi=[0.5, 0.5])  # seconds
    timer.join()
    assert time.monotonic() - start < 0.3 + 1.0
