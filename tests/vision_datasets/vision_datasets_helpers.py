"""Helpers for the vision dataset tests: a local HTTP server and builders of tiny dataset files
in the real on-disk formats (gzip IDX, pickled CIFAR batches, SVHN .mat, PNG trees)."""

import functools
import gzip
import hashlib
import http.server
import os
import pickle
import socket
import tarfile
import threading

import numpy as np
import pytest


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; honours 'Range: bytes=N-' so resumed downloads can be tested."""

    range_requests = []

    def log_message(self, *args):
        pass

    def send_head(self):
        rng = self.headers.get("Range")
        path = self.translate_path(self.path)
        if rng and rng.startswith("bytes=") and os.path.isfile(path) and getattr(self.server, "allow_range", False):
            start = int(rng[len("bytes="):].split("-")[0])
            size = os.path.getsize(path)
            type(self).range_requests.append(start)
            f = open(path, "rb")
            f.seek(start)
            self.send_response(206)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
            self.send_header("Content-Length", str(size - start))
            self.end_headers()
            return f
        return super().send_head()


@pytest.fixture
def http_server(tmp_path):
    """Serve tmp_path/'srv' on 127.0.0.1; yields (base_url ending in '/', serve_dir, server)."""
    serve_dir = tmp_path / "srv"
    serve_dir.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(serve_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", serve_dir, server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def dead_url():
    """A URL on 127.0.0.1 where nothing listens (connection refused: 'offline')."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/"


def md5_of(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


# ----------------------------------------------------------------------------- IDX
def idx_bytes(arr, type_code=0x08):
    arr = np.asarray(arr)
    header = bytes([0, 0, type_code, arr.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    dt = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[type_code]
    return header + arr.astype(dt).tobytes()


def write_mnist_gz(directory, n_train=7, n_test=5, size=28, seed=0, prefix=None):
    """Write the four MNIST .gz files into `directory`; return {name: md5} and the arrays."""
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, size, size), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, (n_train,), dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, size, size), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, (n_test,), dtype=np.uint8),
    }
    os.makedirs(directory, exist_ok=True)
    md5s = {}
    for name, arr in arrays.items():
        fname = (prefix or "") + name + ".gz"
        path = os.path.join(directory, fname)
        with gzip.open(path, "wb") as f:
            f.write(idx_bytes(arr))
        md5s[fname] = md5_of(path)
    return md5s, arrays


# ----------------------------------------------------------------------------- CIFAR
def _dump(obj, path):
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=2)


def write_cifar10_tree(root, per_batch=3, seed=0):
    """root/cifar-10-batches-py with 5 train batches, test_batch, batches.meta (protocol 2)."""
    rng = np.random.default_rng(seed)
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    content = {}
    for name in names:
        data = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, per_batch)]
        _dump({"batch_label": f"{name} of 6", "labels": labels, "data": data,
               "filenames": [f"img_{i}.png" for i in range(per_batch)]}, os.path.join(folder, name))
        content[name] = (data, labels)
    classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    _dump({"num_cases_per_batch": per_batch, "label_names": classes, "num_vis": 3072},
          os.path.join(folder, "batches.meta"))
    md5s = {n: md5_of(os.path.join(folder, n)) for n in names + ["batches.meta"]}
    return folder, md5s, content, classes


def write_cifar100_tree(root, n=4, seed=1):
    rng = np.random.default_rng(seed)
    folder = os.path.join(root, "cifar-100-python")
    os.makedirs(folder, exist_ok=True)
    content = {}
    for name in ("train", "test"):
        data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        fine = [int(v) for v in rng.integers(0, 100, n)]
        coarse = [int(v) for v in rng.integers(0, 20, n)]
        _dump({"filenames": [f"f{i}.png" for i in range(n)], "batch_label": name, "fine_labels": fine,
               "coarse_labels": coarse, "data": data}, os.path.join(folder, name))
        content[name] = (data, fine)
    fine_names = [f"class_{i:03d}" for i in range(100)]
    _dump({"fine_label_names": fine_names, "coarse_label_names": [f"super_{i}" for i in range(20)]},
          os.path.join(folder, "meta"))
    md5s = {n: md5_of(os.path.join(folder, n)) for n in ("train", "test", "meta")}
    return folder, md5s, content, fine_names


def patch_cifar_md5s(monkeypatch, cls, md5s):
    monkeypatch.setattr(cls, "train_list", [[n, md5s[n]] for n, _ in cls.train_list])
    monkeypatch.setattr(cls, "test_list", [[n, md5s[n]] for n, _ in cls.test_list])
    meta = dict(cls.meta)
    meta["md5"] = md5s[meta["filename"]]
    monkeypatch.setattr(cls, "meta", meta)


def make_tar_gz(src_dir, arcname, out_path):
    with tarfile.open(out_path, "w:gz") as tar:
        tar.add(src_dir, arcname=arcname)
    return md5_of(out_path)


# ----------------------------------------------------------------------------- images
def write_png_tree(root, classes=("cat", "dog"), per_class=3, size=(5, 4), seed=0, modes=("RGB", "L", "RGBA")):
    """root/<class>/<i>.png small PNGs in several modes (+ a .txt that must be ignored)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    for c in classes:
        d = os.path.join(root, c)
        os.makedirs(d, exist_ok=True)
        for i in range(per_class):
            mode = modes[i % len(modes)]
            shape = (size[1], size[0]) + ({"RGB": (3,), "L": (), "RGBA": (4,)}[mode])
            Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8)).save(os.path.join(d, f"{i}.png"))
        with open(os.path.join(d, "notes.txt"), "w") as f:
            f.write("not an image")
    return root
