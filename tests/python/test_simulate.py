"""sobolev_rf.simulate: the CLI's `simulate --format json` for the same seed (bit for bit, since
JSON round-trips doubles), per-seed values as numpy arrays; the GIL is released and Ctrl-C stops
a long run within a second, leaving nothing behind that changes the next run."""
import os
import signal
import threading
import time

import numpy as np
import pytest

import sobolev_rf as srf
from conftest import cli_error, cli_json, same

SMALL = dict(alpha=0.5, gamma=0.8, lam=1e-3, k=1, varpi=[0.7], p=120, seeds=3)
SMALL_FLAGS = ["--alpha", "0.5", "--gamma", "0.8", "--lambda", "1e-3", "--k", "1", "--varpi", "0.7", "--p", "120",
               "--seeds", "3"]


def as_cli_json(r):
    """The package's result with per_seed turned back into the CLI's list of dicts."""
    r = dict(r)
    seeds = r.pop("per_seed")
    count = len(seeds["seed"])
    def item(values, i):
        if isinstance(values, dict):  # per-error figures: a dict of arrays
            return {name: v[i].tolist() for name, v in values.items()}
        return values[i].tolist()

    r["per_seed"] = [{key: item(values, i) for key, values in seeds.items()} for i in range(count)]
    return r


def test_simulate_equals_cli_json_for_the_same_seed():
    for seed in (1, 7):
        py = srf.simulate(seed=seed, **SMALL)
        cli = cli_json("simulate", *SMALL_FLAGS, "--seed", seed)
        py_cmp, cli_cmp = as_cli_json(py), dict(cli)
        py_cmp.pop("wall_seconds"), cli_cmp.pop("wall_seconds")
        py_cmp.pop("threads"), cli_cmp.pop("threads")
        same(py_cmp, cli_cmp)
    assert py["per_seed"]["gen_f"].shape == (3,) and py["per_seed"]["varpi"].shape == (3, 1)
    assert py["gen_f"]["mean"] == np.mean(py["per_seed"]["gen_f"])


def test_simulate_informed_equals_cli_json():
    py = srf.simulate(seed=3, informed="estimated", alpha_u=2, delta_u=0.3, **SMALL)
    cli = cli_json("simulate", *SMALL_FLAGS, "--seed", 3, "--informed", "estimated", "--alpha-u", 2, "--delta-u", 0.3)
    py_cmp, cli_cmp = as_cli_json(py), dict(cli)
    for key in ("wall_seconds", "threads"):
        py_cmp.pop(key), cli_cmp.pop(key)
    same(py_cmp, cli_cmp)
    assert py["gen_inf"]["mean"] > 0 and py["per_seed"]["train_inf"].shape == (3,)


def test_simulate_results_do_not_depend_on_threads():
    a = srf.simulate(threads=1, **SMALL)
    b = srf.simulate(threads=2, **SMALL)
    for name in ("gen_f", "train_f", "gen_h1"):
        np.testing.assert_array_equal(a["per_seed"][name], b["per_seed"][name])


def test_simulate_drawn_varpi_and_one_seed():
    r = srf.simulate(p=80, seeds=1, k=2, varpi_drawn=True)
    assert r["varpi"] is None and r["varpi_mode"] == "drawn"
    assert np.isnan(r["gen_f"]["se"])  # one seed: no standard error
    assert r["per_seed"]["varpi"].shape == (1, 2)


@pytest.mark.parametrize("kwargs, flags", [
    (dict(p=0), ["--p", "0"]),
    (dict(seeds=0), ["--seeds", "0"]),
    (dict(sketch_scale="wide"), ["--sketch-scale", "wide"]),
    (dict(k=1, varpi=[1], varpi_drawn=True), ["--k", "1", "--varpi", "1", "--varpi-drawn"]),
    (dict(lam=-1), ["--lambda=-1"]),
])
def test_bad_simulation_input_raises_the_cli_message(kwargs, flags):
    with pytest.raises(ValueError) as e:
        srf.simulate(**kwargs)
    assert str(e.value) == cli_error("simulate", *flags)


LONG = dict(alpha=0.5, gamma=0.8, lam=1e-3, p=150, seeds=400, threads=2)


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
    srf.simulate(**dict(LONG, seeds=60))
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
        srf.simulate(**LONG)  # about 400 x 20 ms: far longer than the test
    stopped = time.monotonic() - start
    timer.join()
    assert stopped < 0.5 + 1.0, stopped
    # Nothing corrupted: the same run again gives the same numbers.
    again = srf.simulate(**dict(LONG, seeds=4))
    np.testing.assert_array_equal(expected["per_seed"]["gen_f"], again["per_seed"]["gen_f"])


def test_ctrl_c_interrupts_a_long_curve():
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        srf.curve(sweep={"varpi": np.linspace(0, 2, 100000)}, k=2, varpi=[0, 0])
    timer.join()
    assert time.monotonic() - start < 0.3 + 1.0
