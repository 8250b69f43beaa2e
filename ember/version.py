"""``ember.version``: the version of the torch API ember follows and of the CUDA it uses.

Attributes:
    __version__ (str): ember's version (``ember.__version__``).
    cuda (str or None): the CUDA runtime version CuPy uses (``'12.4'``), or None without CuPy
        (like torch's CPU build). Computed on first access; ``import ember`` never loads CuPy.
    git_version (str): the git commit ember was imported from, or ``'Unknown'``.
    hip (None): ember has no ROCm build.
    debug (bool): False.

Example::

    >>> import ember
    >>> ember.version.cuda is None or isinstance(ember.version.cuda, str)
    True
"""
import importlib.util
import os

from . import __version__  # noqa: F401  (torch.version.__version__)

hip = None
debug = False

_cache = {}


def _cuda_version():
    """The CUDA runtime version string of CuPy ('12.4'), or None."""
    try:
        if importlib.util.find_spec("cupy") is None:
            return None
        import cupy
        v = int(cupy.cuda.runtime.runtimeGetVersion())
    except Exception:
        return None
    return f"{v // 1000}.{(v % 1000) // 10}"


def _git_version():
    """The commit of the git checkout ember lives in, or 'Unknown'."""
    try:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        git = os.path.join(root, ".git")
        with open(os.path.join(git, "HEAD")) as f:
            head = f.read().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(None, 1)[1]
        ref_file = os.path.join(git, ref)
        if os.path.exists(ref_file):
            with open(ref_file) as f:
                return f.read().strip()
        with open(os.path.join(git, "packed-refs")) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[1] == ref:
                    return parts[0]
    except OSError:
        pass
    return "Unknown"


def __getattr__(name):
    if name == "cuda":
        if "cuda" not in _cache:
            _cache["cuda"] = _cuda_version()
        return _cache["cuda"]
    if name == "git_version":
        if "git" not in _cache:
            _cache["git"] = _git_version()
        return _cache["git"]
    raise AttributeError(f"module 'ember.version' has no attribute '{name}'")
