"""Download, checksum and archive helpers for the datasets (torchvision.datasets.utils).

Every download goes through :func:`ember.hub._fetch`: urllib, a ``<file>.partial`` temp file that
is renamed into place only after the MD5 matched, resumption of interrupted downloads, a
progress bar (tqdm when installed, plain text otherwise) and one clear ``RuntimeError`` naming
the URL and the exact path where the file can be put by hand when there is no network.
"""

import bz2
import gzip
import hashlib
import lzma
import os
import pathlib
import shutil
import tarfile
import zipfile

from ember.hub import _fetch

__all__ = [
    "calculate_md5",
    "check_md5",
    "check_integrity",
    "download_url",
    "download_and_extract_archive",
    "extract_archive",
    "list_dir",
    "list_files",
    "verify_str_arg",
    "iterable_to_str",
]

USER_AGENT = "ember/vision"


def calculate_md5(fpath, chunk_size=1024 * 1024):
    """Return the hex MD5 digest of a file.

    Args:
        fpath (str or pathlib.Path): the file.
        chunk_size (int, optional): bytes read at a time. Default: 1 MiB.

    Example::

        >>> from ember.vision.datasets.utils import calculate_md5
        >>> calculate_md5("train-images-idx3-ubyte.gz")  # doctest: +SKIP
        'f68b3c2dcbeaaa9fbdd348bbdeb94873'
    """
    try:
        md5 = hashlib.md5(usedforsecurity=False)
    except TypeError:  # pragma: no cover - very old Python/OpenSSL builds
        md5 = hashlib.md5()
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    """Return True if the MD5 of ``fpath`` equals ``md5``.

    Args:
        fpath (str or pathlib.Path): the file.
        md5 (str): expected hex digest.

    Example::

        >>> from ember.vision.datasets.utils import check_md5
        >>> check_md5("data_batch_1", "c99cafc152244af753f735de768cd75f")  # doctest: +SKIP
        True
    """
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """Return True if ``fpath`` is an existing file and (when ``md5`` is given) its MD5 matches.

    Args:
        fpath (str or pathlib.Path): the file.
        md5 (str, optional): expected hex digest; only existence is checked when None.

    Example::

        >>> from ember.vision.datasets.utils import check_integrity
        >>> check_integrity("/no/such/file")
        False
    """
    if not os.path.isfile(fpath):
        return False
    if md5 is None:
        return True
    return check_md5(fpath, md5)


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3):
    """Download a file from ``url`` and place it in ``root``.

    Nothing is downloaded when ``root/filename`` already exists with the right MD5. The data is
    written to ``root/filename.partial`` and renamed once complete and verified (redirects are
    followed by urllib).

    Args:
        url (str): URL to download the file from.
        root (str or pathlib.Path): directory to place the downloaded file in (created if needed).
        filename (str, optional): name to save the file under; the URL's base name if None.
        md5 (str, optional): MD5 checksum of the download; not checked if None.
        max_redirect_hops (int, optional): accepted for torchvision compatibility.

    Raises:
        RuntimeError: the download failed (the message names the URL and the path where the
            file can be put by hand) or the MD5 does not match.

    Example::

        >>> from ember.vision.datasets.utils import download_url
        >>> download_url("https://ossci-datasets.s3.amazonaws.com/mnist/t10k-labels-idx1-ubyte.gz",
        ...              "data/MNIST/raw", md5="ec29112dd5afa0611ce80d1b7f02629c")  # doctest: +SKIP
    """
    root = os.path.expanduser(os.fspath(root))
    if not filename:
        filename = os.path.basename(url.split("?")[0])
    fpath = os.path.join(root, os.fspath(filename))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    if os.path.isfile(fpath):  # present but corrupted: fetch a fresh copy
        os.remove(fpath)
    _fetch(url, fpath, md5=md5, progress=True, user_agent=USER_AGENT)


def list_dir(root, prefix=False):
    """List all directories at ``root``.

    Args:
        root (str): path to directory whose folders need to be listed.
        prefix (bool, optional): if True, prepends the path to each result.

    Example::

        >>> from ember.vision.datasets.utils import list_dir
        >>> list_dir("data/flowers")  # doctest: +SKIP
        ['daisy', 'rose']
    """
    root = os.path.expanduser(root)
    directories = [p for p in os.listdir(root) if os.path.isdir(os.path.join(root, p))]
    if prefix:
        directories = [os.path.join(root, d) for d in directories]
    return directories


def list_files(root, suffix, prefix=False):
    """List all files ending with ``suffix`` at ``root``.

    Args:
        root (str): path to directory whose files need to be listed.
        suffix (str or tuple): suffix (or suffixes) of the files to match, e.g. ``'.png'``.
        prefix (bool, optional): if True, prepends the path to each result.

    Example::

        >>> from ember.vision.datasets.utils import list_files
        >>> list_files("data/flowers/rose", ".png")  # doctest: +SKIP
        ['1.png', '2.png']
    """
    root = os.path.expanduser(root)
    files = [p for p in os.listdir(root) if os.path.isfile(os.path.join(root, p)) and p.endswith(suffix)]
    if prefix:
        files = [os.path.join(root, d) for d in files]
    return files


# --------------------------------------------------------------------------- archives
def _safe_members(tar, to_path):
    base = os.path.realpath(to_path)
    for member in tar.getmembers():
        target = os.path.realpath(os.path.join(base, member.name))
        if os.path.commonpath([base, target]) != base:
            raise RuntimeError(f"Refusing to extract {member.name!r}: it would land outside {to_path}")
        if member.issym() or member.islnk():
            link = os.path.realpath(os.path.join(os.path.dirname(target), member.linkname))
            if os.path.commonpath([base, link]) != base:
                raise RuntimeError(f"Refusing to extract link {member.name!r} pointing outside {to_path}")
        yield member


def _extract_tar(from_path, to_path, compression):
    with tarfile.open(from_path, f"r:{compression[1:]}" if compression else "r") as tar:
        try:
            tar.extractall(to_path, filter="data")
        except TypeError:  # Python without extraction filters
            tar.extractall(to_path, members=list(_safe_members(tar, to_path)))


def _extract_zip(from_path, to_path, compression):
    base = os.path.realpath(to_path)
    with zipfile.ZipFile(from_path, "r") as zf:
        for name in zf.namelist():
            target = os.path.realpath(os.path.join(base, name))
            if os.path.commonpath([base, target]) != base:
                raise RuntimeError(f"Refusing to extract {name!r}: it would land outside {to_path}")
        zf.extractall(to_path)


_ARCHIVE_EXTRACTORS = {".tar": _extract_tar, ".zip": _extract_zip}
_COMPRESSED_FILE_OPENERS = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}
_FILE_TYPE_ALIASES = {".tbz": (".tar", ".bz2"), ".tbz2": (".tar", ".bz2"), ".tgz": (".tar", ".gz")}


def _detect_file_type(file):
    """Return ``(suffix, archive_type, compression)`` for a file name, e.g. ``.tar.gz``."""
    suffixes = pathlib.Path(file).suffixes
    if not suffixes:
        raise RuntimeError(
            f"File '{file}' has no suffixes that could be used to detect the archive type and compression."
        )
    suffix = suffixes[-1]
    if suffix in _FILE_TYPE_ALIASES:
        return (suffix, *_FILE_TYPE_ALIASES[suffix])
    if suffix in _ARCHIVE_EXTRACTORS:
        return suffix, suffix, None
    if suffix in _COMPRESSED_FILE_OPENERS:
        if len(suffixes) > 1 and suffixes[-2] in _ARCHIVE_EXTRACTORS:
            return suffixes[-2] + suffix, suffixes[-2], suffix
        return suffix, None, suffix
    valid = sorted(set(_FILE_TYPE_ALIASES) | set(_ARCHIVE_EXTRACTORS) | set(_COMPRESSED_FILE_OPENERS))
    raise RuntimeError(f"Unknown compression or archive type: '{suffix}'.\nKnown suffixes are: '{valid}'.")


def _decompress(from_path, to_path, remove_finished=False):
    suffix, archive_type, compression = _detect_file_type(from_path)
    if not compression:
        raise RuntimeError(f"Couldn't detect a compression from suffix {suffix}.")
    tmp = os.fspath(to_path) + ".partial"
    with _COMPRESSED_FILE_OPENERS[compression](from_path, "rb") as rfh, open(tmp, "wb") as wfh:
        shutil.copyfileobj(rfh, wfh, 1024 * 1024)
    os.replace(tmp, to_path)
    if remove_finished:
        os.remove(from_path)
    return pathlib.Path(to_path)


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract an archive (``.tar``, ``.zip``, ``.tar.gz``/``.tgz``, ``.tar.bz2``, ``.tar.xz``)
    or decompress a single compressed file (``.gz``, ``.bz2``, ``.xz``).

    The type is detected from the file name. Entries that would land outside ``to_path`` are
    refused.

    Args:
        from_path (str or pathlib.Path): the file to extract.
        to_path (str or pathlib.Path, optional): directory to extract into; the directory of
            ``from_path`` if None.
        remove_finished (bool, optional): if True, delete ``from_path`` afterwards.

    Returns:
        the directory the archive was extracted to, or the path of the decompressed file
        (a ``str`` if ``from_path`` was a ``str``).

    Example::

        >>> from ember.vision.datasets.utils import extract_archive
        >>> extract_archive("data/cifar-10-python.tar.gz")  # doctest: +SKIP
        'data'
    """
    as_str = isinstance(from_path, str)
    if to_path is None:
        to_path = os.path.dirname(from_path)
    suffix, archive_type, compression = _detect_file_type(from_path)
    if not archive_type:
        name = os.path.basename(from_path)
        out = _decompress(from_path, os.path.join(to_path, name[: -len(suffix)]), remove_finished=remove_finished)
        return os.fspath(out) if as_str else out
    _ARCHIVE_EXTRACTORS[archive_type](from_path, to_path, compression)
    if remove_finished:
        os.remove(from_path)
    return os.fspath(to_path) if as_str else pathlib.Path(to_path)


def download_and_extract_archive(
    url, download_root, extract_root=None, filename=None, md5=None, remove_finished=False
):
    """Download an archive with :func:`download_url` and extract it with :func:`extract_archive`.

    Args:
        url (str): URL to download the archive from.
        download_root (str or pathlib.Path): directory to place the downloaded file in.
        extract_root (str or pathlib.Path, optional): directory to extract into;
            ``download_root`` if None.
        filename (str, optional): name to save the archive under; the URL's base name if None.
        md5 (str, optional): MD5 checksum of the archive; not checked if None.
        remove_finished (bool, optional): if True, delete the archive after extraction.

    Example::

        >>> from ember.vision.datasets.utils import download_and_extract_archive
        >>> download_and_extract_archive("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
        ...     "data", md5="c58f30108f718f92721af3b95e74349a")  # doctest: +SKIP
    """
    download_root = os.path.expanduser(os.fspath(download_root))
    if extract_root is None:
        extract_root = download_root
    if not filename:
        filename = os.path.basename(url.split("?")[0])
    download_url(url, download_root, filename, md5)
    archive = os.path.join(download_root, filename)
    extract_archive(archive, extract_root, remove_finished)


# --------------------------------------------------------------------------- arguments
def iterable_to_str(iterable):
    """Format an iterable as ``'a', 'b', 'c'`` for error messages.

    Example::

        >>> from ember.vision.datasets.utils import iterable_to_str
        >>> iterable_to_str(["train", "test"])
        "'train', 'test'"
    """
    return "'" + "', '".join([str(item) for item in iterable]) + "'"


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """Check that ``value`` is a str and (optionally) one of ``valid_values``; return it.

    Args:
        value (str): the value to check.
        arg (str, optional): the argument's name, used in the error message.
        valid_values (iterable of str, optional): the allowed values.
        custom_msg (str, optional): error message to use instead of the default one.

    Raises:
        ValueError: with torchvision's message when the check fails.

    Example::

        >>> from ember.vision.datasets.utils import verify_str_arg
        >>> verify_str_arg("train", "split", ("train", "test"))
        'train'
    """
    if not isinstance(value, str):
        if arg is None:
            msg = f"Expected type str, but got type {type(value)}."
        else:
            msg = f"Expected type str for argument {arg}, but got type {type(value)}."
        raise ValueError(msg)
    if valid_values is None:
        return value
    if value not in valid_values:
        if custom_msg is not None:
            msg = custom_msg
        else:
            msg = (
                f"Unknown value '{value}' for argument {arg}. "
                f"Valid values are {{{iterable_to_str(valid_values)}}}."
            )
        raise ValueError(msg)
    return value
