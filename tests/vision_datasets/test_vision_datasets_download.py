import gzip
import hashlib
import os
import tarfile
import zipfile

import numpy as np
import pytest

import ember
import ember.hub
from ember.vision.datasets import utils as U

from vision_datasets_helpers import _QuietHandler, md5_of


def _payload(n=70_000, seed=0):
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()


def test_download_url_correct_md5(http_server, tmp_path):
    url, srv, _ = http_server
    (srv / "blob.bin").write_bytes(_payload())
    md5 = md5_of(srv / "blob.bin")
    dst = tmp_path / "dl"
    U.download_url(url + "blob.bin", str(dst), md5=md5)
    assert (dst / "blob.bin").read_bytes() == _payload()
    assert not (dst / "blob.bin.partial").exists()
    assert U.check_integrity(str(dst / "blob.bin"), md5) and U.calculate_md5(str(dst / "blob.bin")) == md5
    # already there with the right md5: no new request (server content changed, file kept)
    (srv / "blob.bin").write_bytes(b"changed")
    U.download_url(url + "blob.bin", str(dst), md5=md5)
    assert (dst / "blob.bin").read_bytes() == _payload()


def test_download_url_custom_filename_without_md5(http_server, tmp_path):
    url, srv, _ = http_server
    (srv / "a.txt").write_bytes(b"hello")
    U.download_url(url + "a.txt", tmp_path / "x", filename="renamed.txt")
    assert (tmp_path / "x" / "renamed.txt").read_bytes() == b"hello"


def test_download_url_wrong_md5_raises_and_leaves_nothing(http_server, tmp_path):
    url, srv, _ = http_server
    (srv / "blob.bin").write_bytes(_payload())
    dst = tmp_path / "dl"
    with pytest.raises(RuntimeError, match="MD5") as ei:
        U.download_url(url + "blob.bin", str(dst), md5="0" * 32)
    msg = str(ei.value)
    assert url + "blob.bin" in msg and os.path.abspath(dst / "blob.bin") in msg
    assert not (dst / "blob.bin").exists() and not (dst / "blob.bin.partial").exists()


def test_download_url_offline_names_url_and_path(dead_url, tmp_path):
    dst = tmp_path / "dl"
    with pytest.raises(RuntimeError) as ei:
        U.download_url(dead_url + "train.gz", str(dst), md5="1" * 32)
    msg = str(ei.value)
    assert dead_url + "train.gz" in msg
    assert os.path.abspath(dst / "train.gz") in msg
    assert "1" * 32 in msg
    assert not (dst / "train.gz").exists()


def test_download_url_http_404(http_server, tmp_path):
    url, _, _ = http_server
    with pytest.raises(RuntimeError, match="HTTP Error 404"):
        U.download_url(url + "missing.bin", str(tmp_path))


def test_download_resumes_partial_file(http_server, tmp_path):
    url, srv, server = http_server
    server.allow_range = True
    data = _payload(50_000, seed=3)
    (srv / "big.bin").write_bytes(data)
    dst = tmp_path / "dl"
    dst.mkdir()
    (dst / "big.bin.partial").write_bytes(data[:12_345])
    _QuietHandler.range_requests.clear()
    U.download_url(url + "big.bin", str(dst), md5=hashlib.md5(data).hexdigest())
    assert _QuietHandler.range_requests == [12_345]
    assert (dst / "big.bin").read_bytes() == data and not (dst / "big.bin.partial").exists()


def test_download_restarts_when_server_ignores_range(http_server, tmp_path):
    url, srv, _ = http_server  # this server answers 200 (whole file) to Range requests
    data = _payload(20_000, seed=4)
    (srv / "f.bin").write_bytes(data)
    dst = tmp_path / "dl"
    dst.mkdir()
    (dst / "f.bin.partial").write_bytes(b"garbage that is not a prefix")
    U.download_url(url + "f.bin", str(dst), md5=hashlib.md5(data).hexdigest())
    assert (dst / "f.bin").read_bytes() == data


def test_download_corrupted_existing_file_is_replaced(http_server, tmp_path):
    url, srv, _ = http_server
    (srv / "f.bin").write_bytes(b"good data")
    (tmp_path / "f.bin").write_bytes(b"bad")
    U.download_url(url + "f.bin", str(tmp_path), md5=hashlib.md5(b"good data").hexdigest())
    assert (tmp_path / "f.bin").read_bytes() == b"good data"


# ----------------------------------------------------------------------------- extraction
def _tree(tmp_path):
    src = tmp_path / "src" / "pkg"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("A")
    (src / "sub" / "b.bin").write_bytes(b"\x00\x01\x02")
    return src


@pytest.mark.parametrize("suffix,mode", [(".tar", "w"), (".tar.gz", "w:gz"), (".tgz", "w:gz"), (".tar.bz2", "w:bz2"),
                                         (".tar.xz", "w:xz")])
def test_extract_tar_variants(tmp_path, suffix, mode):
    src = _tree(tmp_path)
    arch = tmp_path / f"arch{suffix}"
    with tarfile.open(arch, mode) as tar:
        tar.add(src, arcname="pkg")
    out = tmp_path / "out"
    ret = U.extract_archive(str(arch), str(out))
    assert ret == str(out)
    assert (out / "pkg" / "a.txt").read_text() == "A"
    assert (out / "pkg" / "sub" / "b.bin").read_bytes() == b"\x00\x01\x02"


def test_extract_zip_and_remove_finished(tmp_path):
    src = _tree(tmp_path)
    arch = tmp_path / "arch.zip"
    with zipfile.ZipFile(arch, "w") as zf:
        zf.write(src / "a.txt", "pkg/a.txt")
        zf.write(src / "sub" / "b.bin", "pkg/sub/b.bin")
    U.extract_archive(str(arch), str(tmp_path / "out"), remove_finished=True)
    assert (tmp_path / "out" / "pkg" / "sub" / "b.bin").read_bytes() == b"\x00\x01\x02"
    assert not arch.exists()


def test_extract_single_gz_defaults_to_same_dir(tmp_path):
    p = tmp_path / "data.idx.gz"
    with gzip.open(p, "wb") as f:
        f.write(b"payload" * 100)
    ret = U.extract_archive(str(p))
    assert ret == str(tmp_path / "data.idx")
    assert (tmp_path / "data.idx").read_bytes() == b"payload" * 100


def test_extract_rejects_path_traversal(tmp_path):
    arch = tmp_path / "evil.zip"
    with zipfile.ZipFile(arch, "w") as zf:
        zf.writestr("../escaped.txt", "x")
    with pytest.raises(RuntimeError, match="outside"):
        U.extract_archive(str(arch), str(tmp_path / "out"))
    assert not (tmp_path / "escaped.txt").exists()


def test_extract_unknown_suffix(tmp_path):
    p = tmp_path / "file.rar"
    p.write_bytes(b"x")
    with pytest.raises(RuntimeError, match="Unknown compression or archive type: '.rar'"):
        U.extract_archive(str(p))


def test_download_and_extract_archive(http_server, tmp_path):
    url, srv, _ = http_server
    src = _tree(tmp_path)
    with tarfile.open(srv / "pkg.tar.gz", "w:gz") as tar:
        tar.add(src, arcname="pkg")
    md5 = md5_of(srv / "pkg.tar.gz")
    U.download_and_extract_archive(url + "pkg.tar.gz", str(tmp_path / "root"), md5=md5)
    assert (tmp_path / "root" / "pkg.tar.gz").exists()
    assert (tmp_path / "root" / "pkg" / "a.txt").read_text() == "A"


def test_verify_str_arg_messages():
    assert U.verify_str_arg("test", "split", ("train", "test")) == "test"
    with pytest.raises(ValueError, match=r"Unknown value 'val' for argument split. Valid values are \{'train', 'test'\}."):
        U.verify_str_arg("val", "split", ("train", "test"))
    with pytest.raises(ValueError, match="Expected type str for argument split"):
        U.verify_str_arg(3, "split", ("train",))


def test_verify_str_arg_same_message_as_torchvision():
    tvu = pytest.importorskip("torchvision.datasets.utils")
    for args in [("val", "split", ("train", "test")), (1, "split", None), (1, None, None)]:
        with pytest.raises(ValueError) as ours:
            U.verify_str_arg(*args)
        with pytest.raises(ValueError) as theirs:
            tvu.verify_str_arg(*args)
        assert str(ours.value) == str(theirs.value)


# ----------------------------------------------------------------------------- hub
def test_hub_download_url_to_file_hash_prefix(http_server, tmp_path):
    url, srv, _ = http_server
    data = _payload(30_000, seed=5)
    (srv / "w.pth").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    dst = tmp_path / "w.pth"
    ember.hub.download_url_to_file(url + "w.pth", str(dst), hash_prefix=digest[:10], progress=False)
    assert dst.read_bytes() == data
    bad = tmp_path / "bad.pth"
    with pytest.raises(RuntimeError, match="invalid hash value"):
        ember.hub.download_url_to_file(url + "w.pth", str(bad), hash_prefix="deadbeef", progress=False)
    assert not bad.exists() and not (tmp_path / "bad.pth.partial").exists()


def test_hub_download_url_to_file_offline(dead_url, tmp_path):
    with pytest.raises(RuntimeError) as ei:
        ember.hub.download_url_to_file(dead_url + "resnet18-f37072fd.pth", str(tmp_path / "r.pth"), progress=False)
    assert dead_url + "resnet18-f37072fd.pth" in str(ei.value) and str(tmp_path / "r.pth") in str(ei.value)


def test_hub_text_progress_fallback(http_server, tmp_path, monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_tqdm(name, *a, **k):
        if name == "tqdm" or name.startswith("tqdm."):
            raise ImportError("no tqdm")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    url, srv, _ = http_server
    (srv / "p.bin").write_bytes(_payload(10_000))
    ember.hub.download_url_to_file(url + "p.bin", str(tmp_path / "p.bin"), progress=True)
    err = capsys.readouterr().err
    assert "100.0%" in err and "p.bin" in err


def test_hub_get_dir_env(monkeypatch, tmp_path):
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "eh"))
    assert ember.hub.get_dir() == str(tmp_path / "eh" / "hub")
    monkeypatch.delenv("EMBER_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ember.hub.get_dir() == str(tmp_path / "xdg" / "ember" / "hub")
    ember.hub.set_dir(tmp_path / "custom")
    assert ember.hub.get_dir() == str(tmp_path / "custom")


def _require_ember_save_load():
    if not (hasattr(ember, "save") and hasattr(ember, "load") and hasattr(ember, "tensor")):
        pytest.skip("ember.save/ember.load not available yet")


def test_hub_load_state_dict_from_url_downloads_once(http_server, tmp_path, monkeypatch):
    _require_ember_save_load()
    url, srv, _ = http_server
    sd = {"w": ember.tensor([[1.0, 2.0], [3.0, 4.0]]), "b": ember.tensor([0.5, -0.5])}
    tmp_file = tmp_path / "tmp.pth"
    ember.save(sd, str(tmp_file))
    digest = hashlib.sha256(tmp_file.read_bytes()).hexdigest()
    name = f"tiny-{digest[:8]}.pth"
    (srv / name).write_bytes(tmp_file.read_bytes())
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "eh"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    loaded = ember.hub.load_state_dict_from_url(url + name, progress=False, check_hash=True)
    assert set(loaded) == {"w", "b"}
    np.testing.assert_array_equal(loaded["w"].numpy(), [[1.0, 2.0], [3.0, 4.0]])
    cached = tmp_path / "eh" / "hub" / "checkpoints" / name
    assert cached.exists()
    (srv / name).unlink()  # second call must use the cache
    again = ember.hub.load_state_dict_from_url(url + name, progress=False)
    np.testing.assert_array_equal(again["b"].numpy(), [0.5, -0.5])


def test_hub_load_state_dict_check_hash_mismatch(http_server, tmp_path):
    url, srv, _ = http_server
    (srv / "tiny-00000000.pth").write_bytes(b"not what the name promises")
    with pytest.raises(RuntimeError, match="invalid hash value"):
        ember.hub.load_state_dict_from_url(url + "tiny-00000000.pth", model_dir=str(tmp_path / "m"),
                                           progress=False, check_hash=True)
    assert not (tmp_path / "m" / "tiny-00000000.pth").exists()


def test_hub_uses_torch_cache(tmp_path, monkeypatch, dead_url):
    _require_ember_save_load()
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "eh"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    ck = tmp_path / "th" / "hub" / "checkpoints"
    ck.mkdir(parents=True)
    ember.save({"x": ember.tensor([7.0])}, str(ck / "model-abcdef12.pth"))
    out = ember.hub.load_state_dict_from_url(dead_url + "model-abcdef12.pth", progress=False)
    np.testing.assert_array_equal(out["x"].numpy(), [7.0])


def test_hub_loads_torch_saved_checkpoint(tmp_path, monkeypatch, http_server):
    _require_ember_save_load()
    torch = pytest.importorskip("torch")
    url, srv, _ = http_server
    torch.save({"weight": torch.arange(6, dtype=torch.float32).reshape(2, 3)}, str(srv / "lin-12345678.pth"))
    out = ember.hub.load_state_dict_from_url(url + "lin-12345678.pth", model_dir=str(tmp_path / "m"), progress=False)
    np.testing.assert_array_equal(out["weight"].numpy(), np.arange(6, dtype=np.float32).reshape(2, 3))


def test_resume_of_foreign_partial_restarts(http_server, tmp_path):
    # the server honours Range, but the partial file belongs to another file: md5 fails -> one fresh retry
    url, srv, server = http_server
    server.allow_range = True
    data = _payload(30_000, seed=8)
    (srv / "g.bin").write_bytes(data)
    dst = tmp_path / "dl"
    dst.mkdir()
    (dst / "g.bin.partial").write_bytes(b"x" * 1000)
    U.download_url(url + "g.bin", str(dst), md5=hashlib.md5(data).hexdigest())
    assert (dst / "g.bin").read_bytes() == data and not (dst / "g.bin.partial").exists()


def test_concurrent_downloads_same_file(http_server, tmp_path):
    import threading

    url, srv, _ = http_server
    data = _payload(400_000, seed=9)
    (srv / "c.bin").write_bytes(data)
    md5 = hashlib.md5(data).hexdigest()
    errors = []

    def worker():
        try:
            U.download_url(url + "c.bin", str(tmp_path / "dl"), md5=md5)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert (tmp_path / "dl" / "c.bin").read_bytes() == data
    assert not (tmp_path / "dl" / "c.bin.partial").exists()
