"""ember.hub: download files and pretrained weights (the ``torch.hub`` download helpers).

What is here:

* :func:`download_url_to_file` -- fetch a URL to a path through a ``<dst>.partial`` temp file,
  with a progress bar and an optional SHA-256 prefix check.
* :func:`get_dir` / :func:`set_dir` -- the cache directory (``$EMBER_HOME/hub``, default
  ``~/.cache/ember/hub``).
* :func:`load_state_dict_from_url` -- download a checkpoint once into
  ``<hub_dir>/checkpoints`` and load it with :func:`ember.load`. A file that PyTorch already
  downloaded into ``$TORCH_HOME/hub/checkpoints`` is reused instead of downloaded again.

Only the standard library (urllib) is used for networking; ``tqdm`` draws the progress bar
when it is installed, otherwise a plain text line is written to stderr.

Loading GitHub repositories (``torch.hub.load``/``list``/``help``) is not part of ember.
"""

import hashlib
import os
import re
import shutil
import sys
import time
import urllib.error
import urllib.request
import zipfile
from urllib.parse import urlparse

__all__ = ["download_url_to_file", "get_dir", "set_dir", "load_state_dict_from_url"]

ENV_EMBER_HOME = "EMBER_HOME"
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
# Same pattern as torch.hub: "resnet18-f37072fd.pth" -> hash prefix "f37072fd".
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
USER_AGENT = "ember.hub"
READ_DATA_CHUNK = 128 * 1024

_hub_dir = None


# --------------------------------------------------------------------------- directories
def _get_ember_home():
    return os.path.expanduser(
        os.getenv(ENV_EMBER_HOME, os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "ember"))
    )


def _get_torch_home():
    return os.path.expanduser(
        os.getenv(ENV_TORCH_HOME, os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch"))
    )


def get_dir():
    """Return the ember hub cache directory used for downloaded weights.

    If :func:`set_dir` was not called this is ``$EMBER_HOME/hub``, where ``$EMBER_HOME``
    defaults to ``$XDG_CACHE_HOME/ember`` and ``$XDG_CACHE_HOME`` to ``~/.cache``.

    Returns:
        str: the directory (it may not exist yet).

    Example::

        >>> import ember.hub
        >>> ember.hub.get_dir().endswith("hub")
        True
    """
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_ember_home(), "hub")


def set_dir(d):
    """Set the ember hub cache directory (overrides ``$EMBER_HOME``).

    Args:
        d (str or os.PathLike): path to a local folder to store downloaded weights in.

    Example::

        >>> import ember.hub
        >>> ember.hub.set_dir("/tmp/my_hub")   # doctest: +SKIP
    """
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


# --------------------------------------------------------------------------- progress bar
class _TextProgress:
    """Minimal stand-in for tqdm: one self-overwriting line on stderr."""

    def __init__(self, total=None, disable=False, desc=None):
        self.total, self.disable, self.desc = total, disable, desc
        self.n = 0
        self._last = 0.0

    @staticmethod
    def _fmt(n):
        for unit in ("B", "KiB", "MiB", "GiB"):
            if n < 1024 or unit == "GiB":
                return f"{n:.1f}{unit}" if unit != "B" else f"{n}B"
            n /= 1024.0

    def update(self, n):
        self.n += n
        if self.disable:
            return
        now = time.monotonic()
        if now - self._last < 0.2 and (self.total is None or self.n < self.total):
            return
        self._last = now
        head = f"{self.desc}: " if self.desc else ""
        if self.total:
            pct = 100.0 * self.n / self.total
            line = f"{head}{pct:5.1f}% {self._fmt(self.n)}/{self._fmt(self.total)}"
        else:
            line = f"{head}{self._fmt(self.n)}"
        sys.stderr.write("\r" + line)
        sys.stderr.flush()

    def close(self):
        if not self.disable and self.n:
            sys.stderr.write("\n")
            sys.stderr.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _progress_bar(total, disable, desc=None):
    try:
        from tqdm import tqdm
    except ImportError:
        return _TextProgress(total=total, disable=disable, desc=desc)
    return tqdm(total=total, disable=disable, unit="B", unit_scale=True, unit_divisor=1024, desc=desc)


# --------------------------------------------------------------------------- downloading
def _manual_hint(url, dst, md5=None, hash_prefix=None):
    msg = (
        f"If this machine has no internet access, download {url} by hand and put it at\n"
        f"    {os.path.abspath(dst)}"
    )
    if md5:
        msg += f"\n(expected MD5: {md5})"
    elif hash_prefix:
        msg += f"\n(its SHA-256 must start with {hash_prefix})"
    return msg


def _lock(f, blocking):
    """Advisory exclusive lock on an open file (POSIX); True if taken. No-op elsewhere."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no locking, last writer wins
        return True
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        return True
    except BlockingIOError:
        return False


def _digest_ok(path, md5, hash_prefix):
    if md5 is not None and _file_digest(path, hashlib.md5) != md5:
        return False
    if hash_prefix is not None and not _file_digest(path, hashlib.sha256).startswith(hash_prefix):
        return False
    return True


def _fetch(url, dst, md5=None, hash_prefix=None, progress=True, resume=True, user_agent=USER_AGENT):
    """Download ``url`` to ``dst`` through ``dst + '.partial'``; verify; rename into place.

    The partial file survives an interruption; the next call asks the server for the missing
    bytes (HTTP ``Range``) and starts over if the server does not support that (or if the
    resumed file fails its checksum). ``dst`` only ever holds a complete, verified file. The
    partial file is locked while it is written, so processes downloading the same file at the
    same time (e.g. one per DDP rank) wait for the first one instead of corrupting each other.
    Raises ``RuntimeError`` naming the URL and ``dst`` on a network error or checksum mismatch.
    """
    dst = os.fspath(os.path.expanduser(dst))
    tmp = dst + ".partial"
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    while True:
        f = open(tmp, "a+b")
        if _lock(f, blocking=False):
            break
        _lock(f, blocking=True)  # another process is downloading: wait for it to finish
        f.close()
        if os.path.exists(dst) and _digest_ok(dst, md5, hash_prefix):
            return
    try:
        resumed = _download_into(f, url, dst, resume, progress, user_agent, md5, hash_prefix)
        f.flush()
        if not _digest_ok(tmp, md5, hash_prefix) and resumed:
            f.truncate(0)  # the resumed bytes belonged to another file: start over once
            _download_into(f, url, dst, False, progress, user_agent, md5, hash_prefix)
            f.flush()
        if md5 is not None:
            got = _file_digest(tmp, hashlib.md5)
            if got != md5:
                os.remove(tmp)
                raise RuntimeError(
                    f"File downloaded from {url} is corrupted: MD5 {got} does not match the expected {md5}.\n"
                    + _manual_hint(url, dst, md5)
                )
        if hash_prefix is not None:
            got = _file_digest(tmp, hashlib.sha256)
            if got[: len(hash_prefix)] != hash_prefix:
                os.remove(tmp)
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{got}")')
        os.replace(tmp, dst)
    finally:
        f.close()
        if os.path.exists(tmp) and os.path.getsize(tmp) == 0:
            os.remove(tmp)  # nothing worth resuming


def _download_into(f, url, dst, resume, progress, user_agent, md5, hash_prefix):
    """Write ``url``'s bytes into the locked, append-mode file ``f``; True if it resumed."""
    start = f.seek(0, os.SEEK_END) if resume else 0
    if not resume:
        f.truncate(0)
    headers = {"User-Agent": user_agent}
    if start:
        headers["Range"] = f"bytes={start}-"
    try:
        try:
            response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60)
        except urllib.error.HTTPError as e:
            if e.code != 416 or not start:
                raise
            start = 0  # "range not satisfiable": our partial file is no prefix of this one
            response = urllib.request.urlopen(
                urllib.request.Request(url, headers={"User-Agent": user_agent}), timeout=60
            )
        with response:
            if start and getattr(response, "status", 200) != 206:  # server ignored the Range header
                start = 0
            if not start:
                f.truncate(0)
            length = response.headers.get("Content-Length")
            total = int(length) + start if length is not None and length.isdigit() else None
            with _progress_bar(total, disable=not progress, desc=os.path.basename(dst)) as bar:
                if start:
                    bar.update(start)
                while True:
                    chunk = response.read(READ_DATA_CHUNK)
                    if not chunk:
                        break
                    f.write(chunk)
                    bar.update(len(chunk))
    except (urllib.error.URLError, OSError, ValueError) as e:
        if isinstance(e, urllib.error.HTTPError):
            reason = f"HTTP Error {e.code}: {e.reason}"
        else:
            reason = getattr(e, "reason", None) or e
        raise RuntimeError(
            f"Failed to download {url}: {reason}\n" + _manual_hint(url, dst, md5, hash_prefix)
        ) from e
    return bool(start)


def _file_digest(path, algo, chunk_size=1024 * 1024):
    h = algo()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            h.update(chunk)
    return h.hexdigest()


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download the object at ``url`` to the local path ``dst``.

    The data goes to ``dst + ".partial"`` first and is renamed to ``dst`` only once it is
    complete (and its hash checked), so an interrupted download never leaves a broken file at
    ``dst``; an interrupted download is resumed on the next call where the server allows it.

    Args:
        url (str): URL of the object to download.
        dst (str): full path where the object will be saved, e.g. ``/tmp/temporary_file``.
        hash_prefix (str, optional): if not None, the SHA-256 of the downloaded file must start
            with ``hash_prefix`` (``RuntimeError`` otherwise). Default: None.
        progress (bool, optional): whether to display a progress bar on stderr. Default: True.

    Raises:
        RuntimeError: when the download fails (the message names the URL and the path where
            the file can be put by hand) or the hash does not match.

    Example::

        >>> import ember.hub
        >>> ember.hub.download_url_to_file(
        ...     "https://download.pytorch.org/models/resnet18-f37072fd.pth",
        ...     "/tmp/temporary_file")  # doctest: +SKIP
    """
    _fetch(url, dst, hash_prefix=hash_prefix, progress=progress)


# --------------------------------------------------------------------------- checkpoints
def _is_legacy_zip_format(filename):
    if zipfile.is_zipfile(filename):
        with zipfile.ZipFile(filename) as zf:
            infolist = zf.infolist()
        return len(infolist) == 1 and not infolist[0].is_dir()
    return False


def _legacy_zip_extract(filename, model_dir):
    """A zip holding exactly one file (a checkpoint zipped by hand): extract it safely."""
    with zipfile.ZipFile(filename) as zf:
        member = zf.infolist()[0]
        name = os.path.basename(member.filename)
        if not name or os.path.isabs(member.filename) or ".." in member.filename.replace("\\", "/").split("/"):
            raise ValueError(f"Refusing to extract unsafe archive entry {member.filename!r} from {filename}")
        target = os.path.join(model_dir, name)
        with zf.open(member) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out)
    return target


def load_state_dict_from_url(
    url, model_dir=None, map_location=None, progress=True, check_hash=False, file_name=None, weights_only=True
):
    """Load the serialized object (usually a state dict) at ``url``, downloading it once.

    The file is cached as ``<model_dir>/<file name>``; ``model_dir`` defaults to
    ``<hub_dir>/checkpoints`` (see :func:`get_dir`). When ``model_dir`` is not given and the
    file is missing there but PyTorch already downloaded it to
    ``$TORCH_HOME/hub/checkpoints`` (default ``~/.cache/torch/hub/checkpoints``), that copy is
    used. A zip file holding a single file is extracted first (PyTorch's legacy format).

    Args:
        url (str): URL of the object to download.
        model_dir (str, optional): directory in which to save the object.
        map_location (optional): how to remap storage locations, passed to :func:`ember.load`.
        progress (bool, optional): whether to display a progress bar on stderr. Default: True.
        check_hash (bool, optional): if True, the file name must follow the convention
            ``name-<sha256 prefix>.ext`` (at least eight hex digits) and the downloaded file's
            SHA-256 must start with that prefix. Default: False.
        file_name (str, optional): name for the downloaded file; the URL's file name otherwise.
        weights_only (bool, optional): only load tensors, primitive types and dicts (safe for
            untrusted files); passed to :func:`ember.load`. Default: True.

    Returns:
        the object loaded by :func:`ember.load` (a state dict for model weights).

    Example::

        >>> import ember.hub
        >>> sd = ember.hub.load_state_dict_from_url(
        ...     "https://download.pytorch.org/models/resnet18-f37072fd.pth")  # doctest: +SKIP
    """
    if file_name is None:
        file_name = os.path.basename(urlparse(url).path)
    cached_file = None
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
        torch_copy = os.path.join(_get_torch_home(), "hub", "checkpoints", file_name)
        if not os.path.exists(os.path.join(model_dir, file_name)) and os.path.isfile(torch_copy):
            cached_file = torch_copy
    model_dir = os.path.expanduser(os.fspath(model_dir))
    if cached_file is None:
        os.makedirs(model_dir, exist_ok=True)
        cached_file = os.path.join(model_dir, file_name)
        if not os.path.exists(cached_file):
            sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
            hash_prefix = None
            if check_hash:
                r = HASH_REGEX.search(file_name)
                hash_prefix = r.group(1) if r else None
            _fetch(url, cached_file, hash_prefix=hash_prefix, progress=progress)

    import ember  # lazily: ember.hub must stay importable on its own

    if _is_legacy_zip_format(cached_file):
        extracted = _legacy_zip_extract(cached_file, model_dir)
        return ember.load(extracted, map_location=map_location, weights_only=weights_only)
    return ember.load(cached_file, map_location=map_location, weights_only=weights_only)
