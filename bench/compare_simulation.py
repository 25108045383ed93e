#!/usr/bin/python3
"""Time to reach a given standard error on gen_f and gen_h1: `sobolev-rf simulate` with exact
population errors (the default) against its own sampled test set (--test-error sampled,
T = 4000) and against the numpy reference bench/simulate_numpy.py (also T = 4000), measured in
this one script; then time, peak memory and the memory guard's estimate per seed at a large p.
Writes docs/generated/benchmarks.md.

Standard error over S seeds is sd / sqrt(S), so reaching a target SE eps costs
  time(eps) = (wall time per seed) * sd^2 / eps^2,
with sd the seed-to-seed standard deviation of the quantity. Each code runs `--seeds S` at each
(p, k) with the same thread count for the sd; the wall time per seed is the best of --repeat
interleaved runs of `--seeds <threads>` of the three codes (sobolev-rf runs seeds in parallel,
one per thread; numpy runs seeds one after another on threaded BLAS), so that a shared machine's
load, which changes from minute to minute, hits the three alike. The ratio of time(eps) between
two codes does not depend on eps. The sd come from S seeds each and carry a relative uncertainty
of about 1/sqrt(2(S-1)) (their squares twice that), which the table states.

Usage: bench/compare_simulation.py [--threads 2] [--sizes 800,1600,3200] [--ks 0,1]
                                   [--seeds 32,32,16] [--repeat 3] [--large-p 8000] [--target-se 1e-3]
                                   [--exe build/sobolev-rf] [--output docs/generated/benchmarks.md]
"""
import argparse
import json
import math
import os
import re
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = ["--sigma", "tanh", "--teacher", "tanh", "--alpha", "0.5", "--gamma", "0.8", "--lambda", "1e-3"]
TEST_SAMPLES = 4000
QUANTITIES = ("gen_f", "gen_h1")


def env_for(threads):
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    return env


def run_json(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def varpi_flags(k):
    return ["--k", str(k)] + (["--varpi", ",".join(["0.7"] * k)] if k > 0 else [])


def sd_of(js, q, seeds):
    """Seed-to-seed standard deviation from the reported standard error of the mean."""
    return js[q]["se"] * math.sqrt(seeds)


def peak_rss_mib(cmd, env):
    res = subprocess.run(["/usr/bin/time", "-v"] + cmd, env=env, capture_output=True, text=True, check=True)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", res.stderr)
    return int(m.group(1)) / 1024.0, json.loads(res.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--sizes", default="800,1600,3200")
    ap.add_argument("--ks", default="0,1")
    ap.add_argument("--seeds", default="32,32,16", help="seeds per size (one value, or one per size)")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved timing runs per code (best counts)")
    ap.add_argument("--large-p", type=int, default=8000, help="p of the time/memory-per-seed table (0: skip)")
    ap.add_argument("--large-modes", default="exact,sampled", help="error modes timed at --large-p")
    ap.add_argument("--target-se", type=float, default=1e-3, help="the SE whose time the table shows")
    ap.add_argument("--exe", default=os.path.join(ROOT, "build", "sobolev-rf"))
    ap.add_argument("--output", default=os.path.join(ROOT, "docs", "generated", "benchmarks.md"))
    a = ap.parse_args()
    env = env_for(a.threads)
    sizes = [int(s) for s in a.sizes.split(",")]
    ks = [int(k) for k in a.ks.split(",")]
    seeds = [int(s) for s in a.seeds.split(",")]
    if len(seeds) == 1:
        seeds = seeds * len(sizes)
    if len(seeds) != len(sizes):
        ap.error("--seeds needs one value or one per size")
    started = time.time()

    rows = []
    for p, S in zip(sizes, seeds):
        for k in ks:
            common = MODEL + varpi_flags(k) + ["--p", str(p), "--seeds", str(S)]
            srf = [a.exe, "simulate"] + common + ["--threads", str(a.threads), "--format", "json"]
            exact = run_json(srf, env)
            sampled = run_json(srf + ["--test-error", "sampled", "--test-samples", str(TEST_SAMPLES)], env)
            numpy = run_json([sys.executable, os.path.join(ROOT, "bench", "simulate_numpy.py")] + common +
                             ["--test-samples", str(TEST_SAMPLES)], env)
            # Timing: best of --repeat interleaved runs of `threads` seeds each.
            T = a.threads
            timing = [a.exe, "simulate"] + MODEL + varpi_flags(k) + ["--p", str(p), "--seeds", str(T), "--threads",
                                                                    str(a.threads), "--format", "json"]
            cmds = {"exact": timing,
                    "sampled": timing + ["--test-error", "sampled", "--test-samples", str(TEST_SAMPLES)],
                    "numpy": [sys.executable, os.path.join(ROOT, "bench", "simulate_numpy.py")] + MODEL +
                             varpi_flags(k) + ["--p", str(p), "--seeds", str(T), "--test-samples", str(TEST_SAMPLES)]}
            best = {name: float("inf") for name in cmds}
            for _ in range(a.repeat):
                for name, cmd in cmds.items():
                    best[name] = min(best[name], run_json(cmd, env)["wall_seconds"] / T)
            row = dict(p=p, k=k, seeds=S, n=exact["n"], d=exact["d"])
            for name, js in (("exact", exact), ("sampled", sampled), ("numpy", numpy)):
                row[name + "_t"] = best[name]
                for q in QUANTITIES:
                    row[f"{name}_{q}_sd"] = sd_of(js, q, S)
                    row[f"{name}_{q}_mean"] = js[q]["mean"]
            row["bound"] = max(exact["population_truncation_bound"][q] for q in QUANTITIES)
            for q in QUANTITIES:
                for name in ("exact", "sampled", "numpy"):
                    row[f"{name}_{q}_time"] = row[name + "_t"] * (row[f"{name}_{q}_sd"] / a.target_se) ** 2
                row[f"ratio_numpy_{q}"] = row[f"numpy_{q}_time"] / row[f"exact_{q}_time"]
                row[f"ratio_sampled_{q}"] = row[f"sampled_{q}_time"] / row[f"exact_{q}_time"]
            rows.append(row)
            print(f"p={p} k={k} S={S}: per seed exact {row['exact_t']:.3f} s, sampled {row['sampled_t']:.3f} s, "
                  f"numpy {row['numpy_t']:.3f} s; sd gen_f {row['exact_gen_f_sd']:.2e} / "
                  f"{row['sampled_gen_f_sd']:.2e} / {row['numpy_gen_f_sd']:.2e}; time-to-SE ratio numpy/exact "
                  f"gen_f {row['ratio_numpy_gen_f']:.1f}, gen_h1 {row['ratio_numpy_gen_h1']:.1f}", file=sys.stderr)

    large = []
    if a.large_p > 0:
        for k in ks:
            for mode in a.large_modes.split(","):
                cmd = [a.exe, "simulate"] + MODEL + varpi_flags(k) + ["--p", str(a.large_p), "--seeds", "1",
                                                                     "--threads", str(a.threads)]
                if mode == "sampled":
                    cmd += ["--test-error", "sampled", "--test-samples", str(TEST_SAMPLES)]
                rss, js = peak_rss_mib(cmd, env)
                large.append(dict(k=k, mode=mode, rss=rss, n=js["n"], d=js["d"], wall=js["wall_seconds"],
                                  solve=js["per_seed"][0]["solve"], estimate=js["estimated_peak_bytes"] / 2**20))
                print(f"p={a.large_p} k={k} {mode}: {js['wall_seconds']:.2f} s, peak RSS {rss:.0f} MiB "
                      f"(estimate {large[-1]['estimate']:.0f} MiB)", file=sys.stderr)

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0]
    invocation = "bench/compare_simulation.py " + " ".join(shlex.quote(x) for x in sys.argv[1:])
    eps = a.target_se
    lines = [
        "# Benchmarks: simulation speed",
        "",
        "(Theory curve timings: [benchmarks-theory.md](benchmarks-theory.md).)",
        "",
        f"Generated by `{invocation.strip()}` on {time.strftime('%Y-%m-%d')} in {time.time() - started:.0f} s; "
        "do not edit by hand, rerun it.",
        "",
        f"Machine: {cpu}, a **shared 2-core machine** ({os.cpu_count()} cores visible; other jobs ran at the "
        f"same time, 1-minute load average {load:.1f} at the end), so absolute times are noisy; the ratios "
        "come from runs made back to back in the same script. "
        f"Every program with {a.threads} thread(s) (OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = {a.threads}), "
        f"the same OpenBLAS. Model: tanh/tanh, alpha = 0.5, gamma = 0.8, lambda = 1e-3, varpi = 0.7 for k = 1. "
        "Times are of the simulation alone (no process start-up or Python import).",
        "",
        "## Time to a given standard error",
        "",
        "Three ways to measure gen_f and gen_h1 per seed: **exact** population errors (`sobolev-rf simulate`, "
        f"the default), **sampled**: the same trained weights scored on T = {TEST_SAMPLES} fresh test inputs "
        f"(`--test-error sampled --test-samples {TEST_SAMPLES}`), and **numpy**: `bench/simulate_numpy.py` "
        f"with T = {TEST_SAMPLES}. sd is the seed-to-seed standard deviation (from S seeds), t the wall time per "
        f"seed (best of {a.repeat} interleaved runs of {a.threads} seeds), and time(SE = {eps:g}) = t sd^2 / {eps:g}^2 the wall time to reach that standard error of the "
        "mean. The test-set noise adds to sd in the sampled codes, not in the exact one. "
        "The sd^2 carry a relative uncertainty of about 2/sqrt(2(S-1)) (50 % at S = 16, 36 % at S = 32).",
        "",
        "| p | k | n | d | S | t exact (s) | t sampled (s) | t numpy (s) | sd gen_f exact / sampled / numpy | "
        f"time(SE={eps:g}) gen_f exact / sampled / numpy (s) | numpy / exact gen_f | sampled / exact gen_f | "
        f"sd gen_h1 exact / sampled / numpy | numpy / exact gen_h1 | truncation bound |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in rows:
        sd = lambda q: " / ".join(f"{r[f'{m}_{q}_sd']:.2e}" for m in ("exact", "sampled", "numpy"))
        tm = lambda q: " / ".join(f"{r[f'{m}_{q}_time']:.3g}" for m in ("exact", "sampled", "numpy"))
        lines.append(f"| {r['p']} | {r['k']} | {r['n']} | {r['d']} | {r['seeds']} | {r['exact_t']:.3f} | "
                     f"{r['sampled_t']:.3f} | {r['numpy_t']:.3f} | {sd('gen_f')} | {tm('gen_f')} | "
                     f"**{r['ratio_numpy_gen_f']:.1f}** | {r['ratio_sampled_gen_f']:.1f} | {sd('gen_h1')} | "
                     f"**{r['ratio_numpy_gen_h1']:.1f}** | {r['bound']:.1e} |")
    lines += [
        "",
        "gen_h1 = gen_f at k = 0. The truncation bound is the largest guaranteed bound on the Hermite-series "
        "truncation of the exact gen_f and gen_h1 over the seeds (absolute; the series stops when the bound is "
        "below 1e-10 times the zero predictor's error).",
    ]
    if large:
        lines += [
            "",
            f"## One seed at p = {a.large_p}",
            "",
            "Wall time and `/usr/bin/time -v` maximum resident set size of `sobolev-rf simulate --seeds 1`, and "
            "the memory guard's estimate of the peak (`estimated_peak_bytes` in the JSON; the guard refuses a "
            "run whose estimate exceeds the available memory or `--max-memory`):",
            "",
            "| k | n | d | solve | errors | wall (s) | peak RSS (MiB) | estimate (MiB) |",
            "| ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |",
        ]
        for m in large:
            lines.append(f"| {m['k']} | {m['n']} | {m['d']} | {m['solve']} | {m['mode']} | {m['wall']:.2f} | "
                         f"{m['rss']:.0f} | {m['estimate']:.0f} |")
        lines += [
            "",
            "What is held: Theta (d x p), the normal-equation matrix (p x p primal, or A (N x p) and A A^T (N x N) "
            "dual), the training features sigma and sigma' (n x p each, primal only) and row batches; then, for "
            "the exact errors, Hermite coefficient arrays of p x (L + 1) and 256 x 256 tiles of Theta^T Theta / d "
            "(the p x p Gram is never formed), or, sampled, the Gram when d > p and test chunks of 256 inputs.",
        ]
    os.makedirs(os.path.dirname(a.output), exist_ok=True)
    with open(a.output, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"wrote {a.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
