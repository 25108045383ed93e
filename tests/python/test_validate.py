"""sobolev_rf.validate: the comparison table `sobolev-rf validate --output` writes."""
import json

import numpy as np
import pytest

import sobolev_rf as srf
from conftest import cli_error, run_cli

FLAGS = ["--sweep", "p_over_n=0.5:2:2", "--k", "1", "--varpi", "1", "--lambda", "1e-2", "--p", "80", "--seeds", "4"]


def test_validate_equals_cli_output_csv(tmp_path):
    out = tmp_path / "validate.csv"
    r = run_cli("validate", *FLAGS, "--output", out, check=False)
    assert r.returncode in (0, 1), r.stderr
    cli = srf.Table.read_csv(out)
    py = srf.validate(sweep={"p_over_n": "0.5:2:2"}, k=1, varpi=1, lam=1e-2, p=80, seeds=4)
    assert list(py["table"]) == list(cli)
    for name in cli:
        if cli[name].dtype.kind == "f":
            np.testing.assert_array_equal(py["table"][name], cli[name], err_msg=name)
        else:
            assert py["table"][name].tolist() == cli[name].tolist(), name
    assert py["p"] == 80 and py["p_large"] == 160
    assert py["comparisons"] == 2 * 6  # k = 1: six quantities per point
    assert py["agree"] == (r.returncode == 0)
    # The same metadata as the CLI's sidecar validate.meta.json.
    meta = json.loads((tmp_path / "validate.meta.json").read_text())
    assert (py["version"], py["seeds"], py["base_seed"]) == (meta["version"], meta["seeds"], meta["base_seed"])


def test_validate_rejects_what_the_cli_rejects():
    for kwargs, flags in [(dict(seeds=1), ["--seeds", "1"]), (dict(p_large=10, p=100), ["--p-large", "10"]),
                          (dict(z_threshold=0), ["--z-threshold", "0"])]:
        with pytest.raises(ValueError) as e:
            srf.validate(**kwargs)
        assert str(e.value) == cli_error("validate", *flags, *(["--p", "100"] if "p" in kwargs else []))
