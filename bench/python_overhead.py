#!/usr/bin/python3
"""The cost of calling sobolev-rf from Python, against the C++ in the same script:
  (a) a 200-point curve: `sobolev-rf curve --sweep p_over_n=0.1:5:200` as a whole command (process
      start included) against sobolev_rf.curve(sweep="p_over_n=0.1:5:200") in one Python process
      (the table included); target: within 2x;
  (b) theory() per call against the same solve timed in a C++ loop (sobolev_rf._core.solve_seconds):
      the overhead of arguments (the CLI's flag parser), GIL release and the dict; and the two ways
      to turn the report into Python objects (recursive conversion, used, against json.loads of the
      JSON text).
Runs alternate between the compared sides so that load on the machine hits both alike; medians.
Prints a Markdown page. Usage:
  PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py [build/sobolev-rf] [repeats] > docs/generated/benchmarks-python.md
"""
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import sobolev_rf as srf
from sobolev_rf import _core
from sobolev_rf.api import _words

exe = sys.argv[1] if len(sys.argv) > 1 else "build/sobolev-rf"
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 20


def timed(f):
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def median_ms(samples):
    return 1e3 * statistics.median(samples)


CURVES = [
    ("L2 (k=0), lambda=1e-3", "p_over_n=0.1:5:200", {}, []),
    ("Sobolev k=1, varpi=1, lambda=1e-3", "p_over_n=0.1:5:200", dict(k=1, varpi=1.0), ["--k", "1", "--varpi", "1"]),
]

print("## Python package overhead (bench/python_overhead.py)")
print()
print(f"Median of {repeats} runs each, the compared sides alternating; 200-point curves, tanh/tanh, gamma = 0.8, "
      "lambda = 1e-3.")
print()
with tempfile.TemporaryDirectory() as tmp:
    start_ms = median_ms([timed(lambda: subprocess.run([exe, "--help"], check=True, stdout=subprocess.DEVNULL))
                          for _ in range(repeats)])
print(f"Process start alone (`sobolev-rf --help` from this script): {start_ms:.2f} ms.")
print()
print("| curve | `sobolev-rf curve` whole command (ms) | `sobolev_rf.curve` in Python (ms) | ratio Python / CLI |")
print("| --- | --- | --- | --- |")
ratios = []
with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "curve.csv")
    for label, sweep, params, flags in CURVES:
        command = [exe, "curve", "--sweep", sweep, "--lambda", "1e-3", *flags, "--output", out]
        srf.curve(sweep=sweep, lam=1e-3, **params)  # warm: the first call loads the module's pages
        cli, py = [], []
        for _ in range(repeats):
            cli.append(timed(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL)))
            py.append(timed(lambda: srf.curve(sweep=sweep, lam=1e-3, **params)))
        table = srf.curve(sweep=sweep, lam=1e-3, **params)
        assert table.rows == 200 and (table["converged"] == 1).all()
        ratio = statistics.median(py) / statistics.median(cli)
        ratios.append(ratio)
        print(f"| {label} | {median_ms(cli):.2f} | {median_ms(py):.2f} | {ratio:.2f} |")
print()
print(f"Target: Python within 2x of the CLI's whole command: worst ratio {max(ratios):.2f} "
      f"({'met' if max(ratios) <= 2 else 'NOT met'}).")
print()

POINTS = [("L2 (k=0), alpha=0.5", {}), ("Sobolev k=1, varpi=0.7, p/n=2", dict(k=1, varpi=0.7, p_over_n=2))]
calls = 2000
print(f"### theory() per call ({calls} calls per sample, {max(repeats // 4, 3)} samples)")
print()
print("| point | C++ solve alone (us) | theory() (us) | overhead per call (us) | of which: argument parsing (us) "
      "| report to dict, recursive (used) (us) | report to dict by json.loads of the text instead (us) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for label, params in POINTS:
    words = _words(dict(params))
    cpp, parse, py, rec, text = [], [], [], [], []
    for _ in range(max(repeats // 4, 3)):
        cpp.append(_core.solve_seconds(words, calls))
        parse.append(_core.parse_seconds(words, calls))
        py.append(timed(lambda: [srf.theory(**params) for _ in range(calls)]) / calls)
        rec.append(timed(lambda: [_core.theory(words) for _ in range(calls)]) / calls)
        text.append(timed(lambda: [json.loads(_core.theory_json_text(words)) for _ in range(calls)]) / calls)
    c, a, p, r, t = (1e6 * statistics.median(x) for x in (cpp, parse, py, rec, text))
    # _core.theory and _core.theory_json_text both parse and solve; what is left is the conversion:
    # recursive dict building (used) against dump + json.loads.
    print(f"| {label} | {c:.1f} | {p:.1f} | {p - c:.1f} | {a:.1f} | {r - c - a:.1f} | {t - c - a:.1f} |")
print()
print("The overhead is the flag parsing of the keyword arguments (the CLI's own parser, so that Python and the "
      "command line accept the same values with the same messages), the GIL release around the solve, the "
      "report's conversion to a dict and the NaN normalisation in Python.")
print()
print("Reading the numbers: on a busy machine process start (fork + exec + dynamic loading, measured above from this "
      "script) dominates the CLI's whole command, which favours Python here; on an idle machine "
      "(docs/generated/benchmarks-theory.md) the whole command is 8-18 ms, and the ratio is then to be measured again (the "
      "Python side solves the same points and adds the thread start and the CSV parse). Differences of a few "
      "microseconds in the per-call table are noise (a negative entry means: below the noise).")
print()
print(f"Generated by `PYTHONPATH=build/python /usr/bin/python3 bench/python_overhead.py {exe} {repeats} > "
      f"docs/generated/benchmarks-python.md` on {datetime.date.today()} ({os.cpu_count()} cores, shared with other jobs; "
      "Release build).")
