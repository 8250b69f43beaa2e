"""Atomic saves (pickling errors, SIGKILL mid-save) and corrupt input (truncations, byte
flips, foreign files): one clear CheckpointError, never a crash, a hang or wrong data."""
import io
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest
import torch

import ember
from serialization_helpers import ember_load_bytes, ember_np, ember_save_bytes, torch_save_bytes

S = ember.serialization
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# ------------------------------------------------------------------ atomic save
def test_pickling_error_leaves_no_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        ember.save({"w": ember.ones(2), "f": lambda: 0}, path)
    assert list(tmp_path.iterdir()) == []


def test_pickling_error_keeps_previous_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    ember.save({"w": ember.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        ember.save({"w": ember.zeros(2), "f": lambda: 0}, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt"]
    # buffers get nothing written either
    buf = io.BytesIO()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        ember.save([ember.ones(1), lambda: 0], buf)
    assert buf.getvalue() == b""


def test_save_replaces_existing_file_and_keeps_mode(tmp_path):
    path = tmp_path / "ckpt.pt"
    ember.save(ember.ones(2), path)
    os.chmod(path, 0o640)
    ember.save(ember.zeros(3), path)
    assert (os.stat(path).st_mode & 0o777) == 0o640
    np.testing.assert_array_equal(ember_np(ember.load(path)), np.zeros(3, np.float32))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt"]


_CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    import numpy as np
    import ember
    import ember.serialization as S
    path, mode = sys.argv[1], sys.argv[2]
    big = {{"w": ember.from_numpy(np.full((4_000_000,), 7.0, np.float32)), "tag": "new"}}
    if mode == "stall":
        orig = S._ZipWriter.write_record
        def slow(self, name, data):
            orig(self, name, data)
            if name.startswith("data/"):
                self._f.flush()
                print("mid-save", flush=True)
                time.sleep(60)
        S._ZipWriter.write_record = slow
    print("saving", flush=True)
    ember.save(big, path)
    print("done", flush=True)
""")


def _run_child(tmp_path, mode):
    script = tmp_path / "child.py"
    script.write_text(_CHILD.format(root=ROOT))
    return subprocess.Popen([sys.executable, str(script), str(tmp_path / "ckpt.pt"), mode],
                            stdout=subprocess.PIPE, text=True)


def test_sigkill_mid_save_leaves_previous_file_loadable(tmp_path):
    path = tmp_path / "ckpt.pt"
    ember.save({"w": ember.ones(3), "tag": "old"}, path)
    before = path.read_bytes()
    child = _run_child(tmp_path, "stall")
    try:
        lines = []
        for line in child.stdout:
            lines.append(line.strip())
            if line.strip() == "mid-save":
                break
        assert lines[-1] == "mid-save", lines
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(30)
        child.stdout.close()
    assert path.read_bytes() == before
    got = ember.load(path)
    assert got["tag"] == "old"
    np.testing.assert_array_equal(ember_np(got["w"]), np.ones(3, np.float32))
    assert torch.load(path, weights_only=True)["tag"] == "old"


def test_sigkill_at_any_moment_leaves_old_or_new_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    ember.save({"w": ember.ones(3), "tag": "old"}, path)
    child = _run_child(tmp_path, "plain")
    try:
        assert child.stdout.readline().strip() == "saving"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(30)
        child.stdout.close()
    got = ember.load(path)
    assert got["tag"] in ("old", "new")
    if got["tag"] == "new":
        assert ember_np(got["w"]).shape == (4_000_000,)


# ------------------------------------------------------------------ corrupt input
def _small_checkpoint():
    base = ember.from_numpy(np.arange(12, dtype=np.float32).reshape(3, 4))
    return {"w": base, "v": ember.from_numpy(base.numpy()[1:, ::2]),
            "i": ember.tensor([1, 2, 3]), "meta": {"epoch": 4, "name": "run"}}


def _same_as_original(got, orig):
    if set(got) != set(orig) or got["meta"] != orig["meta"]:
        return False
    return all(np.array_equal(ember_np(got[k]), ember_np(orig[k])) and
               got[k].dtype == orig[k].dtype for k in ("w", "v", "i"))


class _Alarm:
    """Fail (instead of hanging forever) if a block runs longer than ``seconds``."""

    def __init__(self, seconds):
        self.seconds = seconds

    def __enter__(self):
        def boom(*_):
            raise TimeoutError("ember.load hung on corrupt input")
        self.old = signal.signal(signal.SIGALRM, boom)
        signal.alarm(self.seconds)

    def __exit__(self, *exc):
        signal.alarm(0)
        signal.signal(signal.SIGALRM, self.old)


def test_fuzz_truncations_and_byte_flips_zip():
    orig = _small_checkpoint()
    data = ember_save_bytes(orig)
    rng = np.random.default_rng(1234)
    outcomes = {"error": 0, "ok": 0}
    with _Alarm(60):
        for trial in range(220):
            if trial % 3 == 0:
                cut = int(rng.integers(0, len(data)))
                bad = data[:cut]
            else:
                bad = bytearray(data)
                for _ in range(int(rng.integers(1, 4))):
                    pos = int(rng.integers(0, len(bad)))
                    bad[pos] ^= int(rng.integers(1, 256))
                bad = bytes(bad)
            try:
                got = ember_load_bytes(bad)
            except S.CheckpointError as e:
                assert "<BytesIO>" in str(e)
                outcomes["error"] += 1
            else:
                # only a flip in padding or an unused header field may load, and then the
                # data must be exactly the original
                assert _same_as_original(got, orig), trial
                outcomes["ok"] += 1
    assert outcomes["error"] > 100


def test_fuzz_legacy_format_never_crashes_or_hangs():
    orig = _small_checkpoint()
    data = ember_save_bytes(orig, _use_new_zipfile_serialization=False)
    rng = np.random.default_rng(99)
    with _Alarm(60):
        for trial in range(60):
            bad = bytearray(data[:int(rng.integers(1, len(data) + 1))])
            pos = int(rng.integers(0, len(bad)))
            bad[pos] ^= int(rng.integers(1, 256))
            try:
                ember_load_bytes(bytes(bad))
            except (S.CheckpointError, S.UnpicklingError):
                pass


def test_truncated_file_error_names_file_and_problem(tmp_path):
    path = tmp_path / "broken.pt"
    path.write_bytes(ember_save_bytes(_small_checkpoint())[:300])
    with pytest.raises(S.CheckpointError) as info:
        ember.load(path)
    assert isinstance(info.value, RuntimeError)
    assert str(path) in str(info.value)
    assert "truncated" in str(info.value) or "damaged" in str(info.value)


@pytest.mark.parametrize("content", [b"", b"hello world, definitely not a checkpoint\n",
                                     b"\x89PNG\r\n\x1a\n" + bytes(200), b"PK\x03\x04" + bytes(50),
                                     b"c" + b"os\nsystem\n" * 3])
def test_non_checkpoint_files_raise_checkpoint_error(tmp_path, content):
    path = tmp_path / "foreign.bin"
    path.write_bytes(content)
    with pytest.raises(S.CheckpointError, match="foreign.bin"):
        ember.load(path)


def test_zip_without_torch_records_is_rejected():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "hi")
    with pytest.raises(S.CheckpointError, match="subdirectory"):
        ember_load_bytes(buf.getvalue())


def _rewrite_pickle(data, new_pkl):
    """A copy of a torch zip checkpoint with data.pkl replaced (via Python's zipfile)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in src.namelist():
            z.writestr(n, new_pkl if n.endswith("data.pkl") else src.read(n))
    return out.getvalue()


def test_inconsistent_sizes_and_strides_are_caught_before_viewing():
    data = torch_save_bytes({"w": torch.arange(6.0)})
    pkl = zipfile.ZipFile(io.BytesIO(data)).read("archive/data.pkl")
    # storage numel 6 -> 200: the record holds 24 bytes, not 800
    bad_numel = pkl.replace(b"cpuq\x06K\x06", b"cpuq\x06K\xc8", 1)
    assert bad_numel != pkl
    with pytest.raises(S.CheckpointError, match="bytes"):
        ember_load_bytes(_rewrite_pickle(data, bad_numel))
    # size (6,) -> (200,): reaches beyond the storage
    i = pkl.index(b"K\x06\x85")
    bad_size = pkl[:i] + b"K\xc8\x85" + pkl[i + 3:]
    with pytest.raises(S.CheckpointError, match="beyond its storage"):
        ember_load_bytes(_rewrite_pickle(data, bad_size))
    # and real torch rejects these files too (so they are not valid checkpoints)
    with pytest.raises(Exception):
        torch.load(io.BytesIO(_rewrite_pickle(data, bad_size)), weights_only=True)


def test_unsupported_dtype_gets_clear_error():
    data = torch_save_bytes({"u": torch.tensor([1, 2, 3], dtype=torch.uint16)})
    with pytest.raises(RuntimeError, match="torch.uint16"):
        ember_load_bytes(data)
