"""Shared helpers of the Python package's tests: the CLI to compare with (SOBOLEV_RF_EXE, set by
CTest), and its JSON/CSV read the same way as the package's results."""
import json
import math
import os
import subprocess

import pytest

SOURCE_DIR = os.environ.get("SRF_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_DIR = os.environ.get("SRF_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
CLI = os.environ.get("SOBOLEV_RF_EXE", os.path.join(BUILD_DIR, "sobolev-rf"))


def run_cli(*args, check=True):
    """Runs `sobolev-rf ARGS`; returns the CompletedProcess (text)."""
    r = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"sobolev-rf {' '.join(map(str, args))}: exit {r.returncode}: {r.stderr}")
    return r


def cli_json(*args, check=True):
    return json.loads(run_cli(*args, check=check).stdout)


def cli_error(*args):
    """The one-line message of a CLI run that fails with exit 2 (bad input)."""
    r = run_cli(*args, check=False)
    assert r.returncode == 2, (r.returncode, r.stderr)
    line = r.stderr.strip()
    assert "\n" not in line
    prefix = "sobolev-rf: error: "
    assert line.startswith(prefix), line
    return line[len(prefix):]


def same_version(a, b):
    """The release of two version strings ("0.2.0+603c4db-dirty"): the commit part records when each
    binary was built, and in a shared build folder the CLI and the module may be built at different
    commits."""
    assert a.split("+")[0] == b.split("+")[0], (a, b)


def same(a, b, path="report"):
    """Exact equality of two JSON-like values, NaN equal to NaN and to JSON's null (the CLI writes
    a non-finite number as null, the package gives NaN)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert set(a) == set(b), (path, sorted(set(a) ^ set(b)))
        for key in a:
            if key == "version":
                same_version(a[key], b[key])
                continue
            same(a[key], b[key], f"{path}.{key}")
        return
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]")
        return
    nan_a = a is None or (isinstance(a, float) and math.isnan(a))
    nan_b = b is None or (isinstance(b, float) and math.isnan(b))
    if nan_a or nan_b:
        assert nan_a and nan_b, (path, a, b)
        return
    assert type(a) is type(b) or {type(a), type(b)} <= {int, float}, (path, a, b)
    assert a == b, (path, a, b)


@pytest.fixture
def out_dir(tmp_path):
    return tmp_path


def python_message(cli_message):
    """A CLI message with its flags spelt as Python keywords: '--lambda = -1' -> 'lam = -1',
    '--delta-f' -> 'delta_f'."""
    import re

    return re.sub(r"--([a-z][a-z0-9-]*)", lambda m: "lam" if m.group(1) == "lambda" else m.group(1).replace("-", "_"),
                  cli_message)
