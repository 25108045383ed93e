#!/usr/bin/python3
"""Golden outputs: the numbers of `theory`, `curve`, `simulate`, `optimize` and `compare` must not
change under refactoring. Each case is a command line (cases.txt); its output is stored under
outputs/ and compared number by number within a tolerance the numbers justify, so that the test
passes on any x86-64 CPU (OpenBLAS picks its kernels per CPU and libm has per-CPU code paths: the
last bits of a result are not portable, its digits are). Fields that describe the run rather than
the result (version, wall_seconds, the command line, threads) are left out.

Tolerances (relative, |a - b| <= tol * max(|a|, |b|) + floor):
  theory, curve        1e-12  the saddle point is solved to a residual of 1e-12 in log V, and its
                              errors are smooth functions of the solution; between OpenBLAS kernels
                              and libm paths they move by a few ulps (largest seen 3.4e-16)
  simulate             1e-10  one Cholesky solve at lambda >= 1e-3 and sums over seeds; between
                              kernels they move by up to 7e-12 (the population series' truncation
                              bound, a number of 1e-12 itself)
  optimize, compare,   1e-5   a minimiser of a smooth objective is fixed only to about sqrt(eps)
  curve --optimize            relative to the objective's curvature: between kernels Brent's path
                              changes and the optimum moves by up to 3.2e-7 (everything evaluated
                              there moves with it to first order)
Solver residuals (fields named residual*) are differences of O(1) numbers at round-off level:
they are compared with the absolute floor 1e-13 (the stopping tolerance is 1e-12). Counts of
iterations and evaluations are exact, but in the searches (whose path may change) within 5 %.
Numbers printed inside messages are compared like residuals, at their printed precision. Text
(names, enums, messages with their numbers masked) is compared exactly.

  /usr/bin/python3 tests/golden/golden.py --exe build/sobolev-rf            check (exit 1 on a change)
  /usr/bin/python3 tests/golden/golden.py --exe build/sobolev-rf --update   rewrite outputs/

A deliberate change of numbers updates the outputs in the same commit, which says why. CTest runs the
check twice: with the machine's own OpenBLAS kernels and libm, and with OpenBLAS's Prescott kernels
and libm's generic (no AVX2, no FMA) paths (tests/CMakeLists.txt), so that an equality that holds
only on one CPU fails here too.
"""
import argparse
import json
import math
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VOLATILE = {"version", "wall_seconds", "command_line", "threads", "seeds_in_parallel"}
TOLERANCE = {"theory": 1e-12, "simulate": 1e-10, "search": 1e-5}
RESIDUAL_FLOOR = 1e-13
COUNT_FIELDS = {"iterations", "evaluations"}
SEARCH_COUNT_TOLERANCE = 0.05
# A number inside a message: printed with a few digits (e.g. "max |log V - log T(V)| = 4.441e-16").
PRINTED_NUMBER = re.compile(r"[-+]?\d+\.\d+e[-+]\d+")


def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in VOLATILE}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v


def cases():
    with open(os.path.join(HERE, "cases.txt")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, command = line.partition(":")
                yield name.strip(), command.strip()


def kind(command):
    """Which tolerance a case's numbers get: theory, simulate or search."""
    words = shlex.split(command)
    if words[0] in ("optimize", "compare") or "--optimize" in words:
        return "search"
    return "simulate" if words[0] == "simulate" else "theory"


def run(exe, name, command):
    """The case's output as text: canonical JSON (sorted keys) or the CSV file it wrote."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [a.replace("{tmp}", tmp) for a in shlex.split(command)]
        r = subprocess.run([exe, *args], capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "2"})
        if r.returncode != 0:
            raise SystemExit(f"golden: case {name}: exit {r.returncode}: {r.stderr.strip()}")
        csv = os.path.join(tmp, "out.csv")
        if os.path.exists(csv):
            with open(csv) as f:
                return f.read()
        return json.dumps(strip(json.loads(r.stdout)), indent=1, sort_keys=True) + "\n"


class Comparison:
    """Compares two outputs of one case leaf by leaf; `differences` lists what is out of tolerance."""

    def __init__(self, case_kind):
        self.kind = case_kind
        self.tol = TOLERANCE[case_kind]
        self.differences = []
        self.worst = 0.0  # the largest |a - b| / max(|a|, |b|) among numbers that are not residuals

    def numbers(self, where, field, a, b):
        if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, int) and isinstance(b, int) and field not in COUNT_FIELDS:
            if a != b:
                self.differences.append(f"{where}: {a!r} != {b!r}")
            return
        if field in COUNT_FIELDS:
            slack = SEARCH_COUNT_TOLERANCE * max(abs(a), abs(b)) if self.kind == "search" else 0
            if abs(a - b) > slack:
                self.differences.append(f"{where}: {a} != {b} (a count)")
            return
        if math.isnan(a) or math.isnan(b):
            if not (math.isnan(a) and math.isnan(b)):
                self.differences.append(f"{where}: {a!r} != {b!r}")
            return
        if math.isinf(a) or math.isinf(b):
            if a != b:
                self.differences.append(f"{where}: {a!r} != {b!r}")
            return
        scale = max(abs(a), abs(b))
        floor = RESIDUAL_FLOOR if field.startswith("residual") else 0.0
        if abs(a - b) > self.tol * scale + floor:
            self.differences.append(f"{where}: {a!r} != {b!r} (relative {abs(a - b) / scale:.2e}, tolerance {self.tol:g})")
        elif not floor and scale > 0:
            self.worst = max(self.worst, abs(a - b) / scale)

    def text(self, where, a, b):
        na, nb = PRINTED_NUMBER.findall(a), PRINTED_NUMBER.findall(b)
        if PRINTED_NUMBER.sub("#", a) != PRINTED_NUMBER.sub("#", b) or len(na) != len(nb):
            self.differences.append(f"{where}: {a!r} != {b!r}")
            return
        for x, y in zip(na, nb):  # printed with 4 digits: the floor, or their own precision
            x, y = float(x), float(y)
            if abs(x - y) > 1e-3 * max(abs(x), abs(y)) + RESIDUAL_FLOOR:
                self.differences.append(f"{where}: {a!r} != {b!r}")

    def values(self, where, field, a, b):
        number = (int, float)
        if isinstance(a, dict) and isinstance(b, dict):
            if set(a) != set(b):
                self.differences.append(f"{where}: keys {sorted(set(a) ^ set(b))} in one output only")
            for key in sorted(set(a) & set(b)):
                self.values(f"{where}/{key}", key, a[key], b[key])
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                self.differences.append(f"{where}: {len(a)} != {len(b)} entries")
            for i, (x, y) in enumerate(zip(a, b)):
                self.values(f"{where}[{i}]", field, x, y)
        elif isinstance(a, number) and isinstance(b, number):
            self.numbers(where, field, a, b)
        elif isinstance(a, str) and isinstance(b, str):
            self.text(where, a, b)
        elif a != b:
            self.differences.append(f"{where}: {a!r} != {b!r}")

    def csv(self, a, b):
        ra, rb = a.splitlines(), b.splitlines()
        if len(ra) != len(rb) or not ra:
            self.differences.append(f"{len(ra)} != {len(rb)} lines")
            return
        header = ra[0].split(",")
        if rb[0] != ra[0]:
            self.differences.append(f"header: {ra[0]!r} != {rb[0]!r}")
            return
        for line, (la, lb) in enumerate(zip(ra[1:], rb[1:]), start=2):
            ca, cb = la.split(","), lb.split(",")
            if len(ca) != len(cb):
                self.differences.append(f"line {line}: {len(ca)} != {len(cb)} cells")
                continue
            for column, x, y in zip(header, ca, cb):
                self.values(f"line {line}, {column}", column, *cell(x, y))


def cell(x, y):
    """Two CSV cells as numbers when both are, else as text."""
    try:
        fx, fy = float(x), float(y)
    except ValueError:
        return x, y
    if re.fullmatch(r"-?\d+", x) and re.fullmatch(r"-?\d+", y):
        return int(x), int(y)
    return fx, fy


def compare(name, command, stored, text):
    c = Comparison(kind(command))
    if stored.lstrip().startswith("{"):
        c.values("", "", json.loads(stored), json.loads(text))
    else:
        c.csv(stored, text)
    return c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True)
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    out_dir = os.path.join(HERE, "outputs")
    os.makedirs(out_dir, exist_ok=True)
    changed, all_cases = [], list(cases())
    for name, command in all_cases:
        text = run(a.exe, name, command)
        path = os.path.join(out_dir, name + (".csv" if "{tmp}/out.csv" in command else ".json"))
        if a.update:
            with open(path, "w") as f:
                f.write(text)
            continue
        with open(path) as f:
            c = compare(name, command, f.read(), text)
        if c.differences:
            changed.append(name)
            print(f"golden: {name}: {len(c.differences)} values differ from {os.path.relpath(path)} "
                  f"(sobolev-rf {command}):")
            for d in c.differences[:10]:
                print(f"  {d}")
        else:
            print(f"golden: {name}: within tolerance {c.tol:g} (largest relative difference {c.worst:.1e})")
    if not a.update:
        print(f"golden: {len(all_cases) - len(changed)} of {len(all_cases)} cases within tolerance")
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
