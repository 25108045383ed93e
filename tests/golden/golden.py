#!/usr/bin/python3
"""Golden outputs: the numbers of `theory`, `curve`, `simulate`, `optimize` and `compare` must not
change under refactoring. Each case is a command line (cases.txt); its output is stored under
outputs/ and compared exactly (JSON numbers are written with 17 significant digits, so equal text
means equal doubles; CSV cells are compared as text). Fields that describe the run rather than
the result (version, wall_seconds, the command line, threads) are left out.

  /usr/bin/python3 tests/golden/golden.py --exe build/sobolev-rf            check (exit 1 on a change)
  /usr/bin/python3 tests/golden/golden.py --exe build/sobolev-rf --update   rewrite outputs/

A deliberate change of numbers updates the outputs in the same commit, which says why.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VOLATILE = {"version", "wall_seconds", "command_line", "threads", "seeds_in_parallel"}


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True)
    ap.add_argument("--update", action="store_true")
    a = ap.parse_args()
    out_dir = os.path.join(HERE, "outputs")
    os.makedirs(out_dir, exist_ok=True)
    changed = []
    for name, command in cases():
        text = run(a.exe, name, command)
        path = os.path.join(out_dir, name + (".csv" if "{tmp}/out.csv" in command else ".json"))
        if a.update:
            with open(path, "w") as f:
                f.write(text)
            continue
        with open(path) as f:
            if f.read() != text:
                changed.append(name)
                print(f"golden: {name}: output differs from {os.path.relpath(path)} (sobolev-rf {command})")
    if not a.update:
        print(f"golden: {len(list(cases())) - len(changed)} of {len(list(cases()))} cases unchanged")
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
