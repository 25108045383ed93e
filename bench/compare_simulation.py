#!/usr/bin/python3
"""Times `sobolev-rf simulate` against the numpy reference bench/simulate_numpy.py (one seed,
the same model, the same thread count) and writes docs/benchmarks.md.

For each (p, k) both programs run --repeat times and the best wall time counts (the machine may
be shared); each reports the time of the simulation alone, without process start-up. GFLOP/s
counts the dominant matrix products of one seed (both codes perform the same ones):
  training pre-activations X Theta        2 n d p
  normal equations (A^T A or A A^T)       N p^2 (primal, N = n(1+k) >= p) or N^2 p (dual)
  Cholesky                                 min(p, N)^3 / 3
  test pre-activations                     2 T d p
  test full gradients (S.w) Theta^T       2 T p d   (the C++ code uses the p x p Gram when d > p)
and is compared with the machine's own dgemm, measured here with numpy's A @ B at size 2000.

Usage: bench/compare_simulation.py [--threads 2] [--sizes 1000,2000] [--ks 0,1] [--repeat 3]
                                   [--exe build/sobolev-rf] [--output docs/benchmarks.md]
                                   [--memory-p 4000]
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = ["--sigma", "tanh", "--teacher", "tanh", "--alpha", "0.5", "--gamma", "0.8", "--lambda", "1e-3"]
TEST_SAMPLES = 4000


def env_for(threads):
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    return env


def run_json(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def dgemm_gflops(threads, size=2000, repeat=5):
    code = (
        "import numpy as np, time\n"
        f"n={size}\n"
        "a=np.random.default_rng(0).standard_normal((n,n)); b=a.copy(); a@b\n"
        "best=1e9\n"
        f"for _ in range({repeat}):\n"
        "    t=time.perf_counter(); a@b; best=min(best, time.perf_counter()-t)\n"
        "print(2*n**3/best/1e9)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env_for(threads), check=True, capture_output=True,
                         text=True).stdout
    return float(out)


def flops(p, k, alpha=0.5, gamma=0.8, T=TEST_SAMPLES):
    n, d = round(alpha * p), round(gamma * p)
    N = n * (1 + k)
    normal = N * p * p if N >= p else N * N * p
    chol = min(p, N) ** 3 / 3
    grad = 2 * T * p * min(p, d) + (p * p * d if d > p else 0)
    return 2 * n * d * p + normal + chol + 2 * T * d * p + grad


def peak_rss_mib(cmd, env):
    res = subprocess.run(["/usr/bin/time", "-v"] + cmd, env=env, capture_output=True, text=True, check=True)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", res.stderr)
    return int(m.group(1)) / 1024.0, json.loads(res.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--sizes", default="1000,2000")
    ap.add_argument("--ks", default="0,1")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--exe", default=os.path.join(ROOT, "build", "sobolev-rf"))
    ap.add_argument("--output", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    ap.add_argument("--memory-p", type=int, default=4000, help="p of the peak-memory measurement (0: skip)")
    a = ap.parse_args()
    env = env_for(a.threads)
    sizes = [int(s) for s in a.sizes.split(",")]
    ks = [int(k) for k in a.ks.split(",")]
    gemm = dgemm_gflops(a.threads)
    print(f"dgemm (numpy A@B, n=2000, {a.threads} threads): {gemm:.1f} GFLOP/s", file=sys.stderr)

    rows = []
    for p in sizes:
        for k in ks:
            varpi = ["--k", str(k)] + (["--varpi", ",".join(["0.7"] * k)] if k > 0 else [])
            common = MODEL + varpi + ["--p", str(p), "--test-samples", str(TEST_SAMPLES)]
            srf_cmd = [a.exe, "simulate"] + common + ["--seeds", "1", "--threads", str(a.threads), "--format", "json"]
            np_cmd = [sys.executable, os.path.join(ROOT, "bench", "simulate_numpy.py")] + common
            t_srf, t_np = [], []
            for _ in range(a.repeat):  # interleaved, so both see the same machine load
                t_srf.append(run_json(srf_cmd, env)["wall_seconds"])
                t_np.append(run_json(np_cmd, env)["wall_seconds"])
            f = flops(p, k)
            row = dict(p=p, k=k, srf=min(t_srf), numpy=min(t_np), flops=f)
            row["ratio"] = row["numpy"] / row["srf"]
            row["srf_gflops"] = f / row["srf"] / 1e9
            row["numpy_gflops"] = f / row["numpy"] / 1e9
            rows.append(row)
            print(f"p={p} k={k}: sobolev-rf {row['srf']:.3f} s, numpy {row['numpy']:.3f} s, "
                  f"speed-up {row['ratio']:.2f}, {row['srf_gflops']:.1f} vs {row['numpy_gflops']:.1f} GFLOP/s",
                  file=sys.stderr)

    memory = []
    if a.memory_p > 0:
        for k in ks:
            varpi = ["--k", str(k)] + (["--varpi", ",".join(["0.7"] * k)] if k > 0 else [])
            cmd = [a.exe, "simulate"] + MODEL + varpi + ["--p", str(a.memory_p), "--test-samples", str(TEST_SAMPLES),
                                                        "--seeds", "1", "--threads", str(a.threads)]
            rss, js = peak_rss_mib(cmd, env)
            memory.append(dict(k=k, rss=rss, n=js["n"], d=js["d"], wall=js["wall_seconds"],
                               solve=js["per_seed"][0]["solve"]))
            print(f"p={a.memory_p} k={k}: peak RSS {rss:.0f} MiB, {js['wall_seconds']:.2f} s", file=sys.stderr)

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
    lines = [
        "# Benchmarks: simulation speed",
        "",
        "(Theory curve timings: [benchmarks-theory.md](benchmarks-theory.md).)",
        "",
        f"Generated by `{invocation.strip()}` on {time.strftime('%Y-%m-%d')}; do not edit by hand, rerun it.",
        "",
        f"Machine: {cpu}, {os.cpu_count()} cores; both programs with {a.threads} thread(s) "
        f"(OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = {a.threads}), the same OpenBLAS. "
        f"Model: tanh/tanh, alpha = 0.5, gamma = 0.8, lambda = 1e-3, {TEST_SAMPLES} test inputs, one seed, "
        f"best of {a.repeat} interleaved runs; 1-minute load average {load:.1f} at the end (the machine "
        "may be shared with other jobs, which slows both codes). Times are of the simulation alone "
        "(no process start-up or Python import).",
        "",
        f"Machine dgemm (numpy `A @ B`, 2000 x 2000): **{gemm:.1f} GFLOP/s**.",
        "",
        "| p | k | n | d | sobolev-rf (s) | numpy (s) | speed-up vs numpy | sobolev-rf GFLOP/s | numpy GFLOP/s | sobolev-rf / dgemm |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        n, d = round(0.5 * r["p"]), round(0.8 * r["p"])
        lines.append(f"| {r['p']} | {r['k']} | {n} | {d} | {r['srf']:.3f} | {r['numpy']:.3f} | {r['ratio']:.2f} | "
                     f"{r['srf_gflops']:.1f} | {r['numpy_gflops']:.1f} | {100 * r['srf_gflops'] / gemm:.0f} % |")
    lines += [
        "",
        "GFLOP/s counts the dominant products only (training pre-activations 2ndp, normal equations N p^2 or "
        "N^2 p with N = n(1+k), Cholesky min(p,N)^3/3, test pre-activations 2Tdp, test gradients 2Tp min(p,d)); "
        "random draws, activations and label arithmetic are the rest of the wall time.",
    ]
    if memory:
        lines += [
            "",
            f"## Peak memory at p = {a.memory_p}",
            "",
            "`/usr/bin/time -v` maximum resident set size of `sobolev-rf simulate` (one seed, same model):",
            "",
            "| k | n | d | solve | peak RSS (MiB) | wall (s) |",
            "| ---: | ---: | ---: | --- | ---: | ---: |",
        ]
        for m in memory:
            lines.append(f"| {m['k']} | {m['n']} | {m['d']} | {m['solve']} | {m['rss']:.0f} | {m['wall']:.2f} |")
        lines += [
            "",
            "What is held: Theta (d x p), the normal-equation matrix (p x p primal, or A (N x p) and A A^T (N x N) "
            "dual), the training features sigma and sigma' (n x p each, primal only) and row batches of "
            "max(256, 2^19 / p) inputs (about 4 MiB per batch buffer); the test set is never held whole.",
        ]
    os.makedirs(os.path.dirname(a.output), exist_ok=True)
    with open(a.output, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"wrote {a.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
