"""One benchmark suite: ember and torch timed in the same run, interleaved, same thread count.

Usage::

    python -m benchmarks                  # all workloads
    python -m benchmarks tiny_ops mlp     # some
    python -m benchmarks --json out.json
    python -m benchmarks lstm_step --against ../base   # A/B: ember here vs another checkout

Each workload is a function ``make(m)`` that, given the module (``ember`` or ``torch``),
builds its state and returns a zero-argument ``step`` callable. Each library runs in its
own worker process (``python -m benchmarks --worker LIB NAME``), so neither one's
imports change the other's behaviour -- importing torch raises glibc's mmap threshold and
made ember's MLP step 30 % faster than it is for a user who never imports torch. The parent
asks the workers for one step at a time, alternately (ember, torch, ember, ...), so load
drifts hit both equally, and reports the medians with the ember/torch ratio.
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

WORKLOADS = {}


def workload(name, repeat=20, warmup=5):
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


def _worker(lib, name, threads):
    """Serve one library's (``ember``, ``torch`` or ``numpy``) ``name`` workload: one timed step per ``s`` line on stdin."""
    make, _, warmup = WORKLOADS[name]
    if lib == "numpy":  # the hand-written NumPy floor of the same step
        from .numpy_floor import floor_for
        if threads:
            from threadpoolctl import threadpool_limits
            threadpool_limits(threads)
        step = floor_for(name)()
    else:
        m = __import__(lib)
        if threads:
            m.set_num_threads(threads)
        step = make(m)
    _time_steps(step, warmup)
    print("ready", flush=True)
    for line in sys.stdin:  # "s N": time N steps back to back, reply with their times
        parts = line.split()
        if not parts or parts[0] != "s":
            break
        n = int(parts[1]) if len(parts) > 1 else 1
        print(" ".join(repr(t) for t in _time_steps(step, n)), flush=True)


def _start_worker(lib, name, threads, cpu=None):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if "@" in lib:  # "ember@PATH": ember (and the benchmarks) of another checkout
        lib, root = lib.split("@", 1)
    env = dict(os.environ)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "benchmarks", "--worker", lib, name,
           "--threads", str(threads or 0)]
    pin = None
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        def pin():
            os.sched_setaffinity(0, {cpu})
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, preexec_fn=pin, cwd=root)
    if proc.stdout.readline().strip() != "ready":
        proc.kill()
        raise RuntimeError(f"benchmark worker {lib}/{name} failed to start")
    return proc


BLOCK = 5  # steps per turn


def _pause(proc):
    """Stop a worker between its steps (SIGSTOP, where there is one).

    BLAS and OpenMP worker threads keep spinning for up to ~0.1 s after a parallel call
    returns. With two libraries alternating step by step, the idle worker's spinning
    threads would take cores from the one being timed -- on this 2-core machine that made
    default-thread steps 3-5x slower than either library alone. Stopped, the idle worker
    uses no CPU; the timed one runs as it would for a user, with its own threads as its
    previous step left them.
    """
    if hasattr(signal, "SIGSTOP"):
        os.kill(proc.pid, signal.SIGSTOP)


def _resume(proc):
    if hasattr(signal, "SIGCONT"):
        os.kill(proc.pid, signal.SIGCONT)


def bench(name, libs, threads=None, rounds=3):
    """Median step time of workload ``name`` for each library in ``libs``, interleaved.

    ``rounds`` fresh sets of workers, each library on a different CPU in each round (the
    machine's CPUs are not equally quiet), all steps pooled into one median per library.
    """
    _, repeat, _ = WORKLOADS[name]
    # Single-threaded, each worker gets a CPU of its own (when there are enough), so that
    # whether the two processes happened to share a core -- and evict each other's caches --
    # does not decide the result.
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    pinned = threads == 1 and len(cpus) >= len(libs)
    times = {lib: [] for lib in libs}
    for r in range(rounds):
        workers = {lib: _start_worker(lib, name, threads,
                                      cpus[(i + r) % len(cpus)] if pinned else None)
                   for i, lib in enumerate(libs)}
        try:
            for w in workers.values():
                _pause(w)
            for turn in range(-(-repeat // BLOCK)):  # interleave: load drifts hit both equally
                # and alternate which library goes first, so that an effect of the position
                # in the pair cannot favour one of them
                order = list(workers.items())
                for lib, w in (order if (turn + r) % 2 == 0 else order[::-1]):
                    _resume(w)
                    w.stdin.write(f"s {BLOCK + 1}\n")
                    w.stdin.flush()
                    # the first step of a turn wakes the worker's own BLAS/OpenMP threads,
                    # which went to sleep while it was paused; a training loop's steps run
                    # back to back, so report the steady state
                    times[lib].extend(float(t) for t in w.stdout.readline().split()[1:])
                    _pause(w)
        finally:
            for w in workers.values():
                _resume(w)
                w.stdin.close()
                w.wait()
    return {lib: statistics.median(v) for lib, v in times.items()}


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
                    help="set_num_threads for both libraries (default: their own defaults)")
    ap.add_argument("--against", metavar="PATH", default=None,
                    help="time ember against ember in another checkout (e.g. a git worktree "
                         "of an earlier commit) instead of torch: an A/B test of a change")
    ap.add_argument("--worker", nargs=2, metavar=("LIB", "NAME"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return _worker(*args.worker, args.threads)

    if args.against:
        return _ab(args)
    import importlib.util
    torch = importlib.util.find_spec("torch") is not None
    libs = ["ember"] + (["torch"] if torch else [])
    if not torch:
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
            r = bench(name, libs, args.threads)
        ratio = r["ember"] / r["torch"] if "torch" in r else None
        rows.append({"workload": name, **r, "ratio": ratio})
        unit = "MB" if name == "rss" else "ms"
        scale = 1 if name == "rss" else 1e3
        tt = f"{r['torch'] * scale:10.2f}" if "torch" in r else "         -"
        rr = f"{ratio:6.2f}" if ratio is not None else "     -"
        print(f"{name:28s} ember {r['ember'] * scale:10.2f} {unit}   torch {tt} {unit}   "
              f"ember/torch {rr}", flush=True)
    with open(args.json, "w") as f:
        json.dump({"threads": args.threads, "rows": rows}, f, indent=2)
    print(f"wrote {args.json}")


def _ab(args):
    """``--against PATH``: this checkout's ember (``new``) against PATH's (``old``),
    interleaved as ember and torch are; ratio new/old below 1 means the change is faster."""
    other = "ember@" + os.path.abspath(args.against)
    for name in args.names or list(WORKLOADS):
        r = bench(name, ["ember", other], args.threads)
        new, old = r["ember"], r[other]
        print(f"{name:28s} new {new * 1e3:10.2f} ms   old {old * 1e3:10.2f} ms   "
              f"new/old {new / old:6.3f}", flush=True)
