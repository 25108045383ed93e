"""examples/python runs and draws its figure."""
import os
import subprocess
import sys

import sobolev_rf
from conftest import SOURCE_DIR


def test_quickstart_draws_a_png(tmp_path):
    out = tmp_path / "quickstart.png"
    r = subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "examples", "python", "quickstart.py"), str(out)],
                       capture_output=True, text=True, cwd=tmp_path,
                       env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(sobolev_rf.__file__))))
    assert r.returncode == 0, r.stderr
    assert "gen_f = " in r.stdout
    assert os.path.getsize(out) > 10000
