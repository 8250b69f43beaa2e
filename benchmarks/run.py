"""One benchmark suite: ember and torch timed in the same run, interleaved, same thread count.

Usage::

    python -m benchmarks                  # all workloads
    python -m benchmarks tiny_ops mlp     # some
    python -m benchmarks --json out.json

Each workload is a function ``make(m)`` that, given the module (``ember`` or ``torch``),
builds its state and returns a zero-argument ``step`` callable. Steps are timed alternately
(ember, torch, ember, ...) and the median is reported, with the ember/torch ratio.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

WORKLOADS = {}


def workload(name, repeat=20, warmup=3):
    """Register ``make(m)`` as a workload named ``name``."""
    def deco(fn):
        WORKLOADS[name] = (fn, repeat, warmup)
        return fn
    return deco


def _time_steps(step, n):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        step()
        out.append(time.perf_counter() - t0)
    return out


def bench(name, mods):
    make, repeat, warmup = WORKLOADS[name]
    steps = {m.__name__: make(m) for m in mods}
    for s in steps.values():
        _time_steps(s, warmup)
    times = {k: [] for k in steps}
    for _ in range(repeat):  # interleave so load drifts hit both equally
        for k, s in steps.items():
            times[k] += _time_steps(s, 1)
    return {k: statistics.median(v) for k, v in times.items()}


# ----------------------------------------------------------------------------- workloads
from . import workloads  # noqa: E402,F401  (registers the workloads)


def import_time(mod_name, runs=7):
    """Median wall time of ``python -c 'import mod'`` in fresh processes (bytecode cached)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-c", f"import {mod_name}"]
    subprocess.run(cmd, env=env, check=True)  # warm the bytecode cache
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def peak_rss_mb(mod_name, code=""):
    """Peak RSS (MB) of a fresh process that imports ``mod_name`` and runs ``code``."""
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    # VmHWM is this process's own peak (ru_maxrss would report the parent's, across exec)
    prog = (f"import {mod_name}\n{code}\n"
            "print([l.split()[1] for l in open('/proc/self/status') "
            "if l.startswith('VmHWM')][0])")
    out = subprocess.run([sys.executable, "-c", prog], env=env, check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("names", nargs="*", help="workloads to run (default: all)")
    ap.add_argument("--json", default="benchmarks/results.json")
    ap.add_argument("--threads", type=int, default=None,
                    help="torch.set_num_threads (default: torch's own default)")
    args = ap.parse_args(argv)

    import ember
    mods = [ember]
    try:
        import torch
        if args.threads:
            torch.set_num_threads(args.threads)
        mods.append(torch)
    except ImportError:
        torch = None
        print("torch is not installed: timing ember alone")

    rows = []
    names = args.names or ["import", "rss"] + list(WORKLOADS)
    for name in names:
        if name == "import":
            r = {"ember": import_time("ember")}
            if torch:
                r["torch"] = import_time("torch")
        elif name == "rss":
            r = {"ember": peak_rss_mb("ember")}
            if torch:
                r["torch"] = peak_rss_mb("torch")
        else:
            r = bench(name, mods)
        ratio = r["ember"] / r["torch"] if "torch" in r else None
        rows.append({"workload": name, **r, "ratio": ratio})
        unit = "MB" if name == "rss" else "ms"
        scale = 1 if name == "rss" else 1e3
        tt = f"{r['torch'] * scale:10.2f}" if "torch" in r else "         -"
        rr = f"{ratio:6.2f}" if ratio is not None else "     -"
        print(f"{name:28s} ember {r['ember'] * scale:10.2f} {unit}   torch {tt} {unit}   "
              f"ember/torch {rr}", flush=True)
    with open(args.json, "w") as f:
        json.dump({"threads": (torch.get_num_threads() if torch else None), "rows": rows}, f,
                  indent=2)
    print(f"wrote {args.json}")
