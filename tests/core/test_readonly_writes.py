"""Writes into an expanded tensor (several elements share one memory location) behave as
torch's: fills (``fill_``, ``zero_``, ``x[i] = scalar``, ``init.constant_``) write the shared
memory, everything else raises torch's RuntimeError -- never NumPy's "assignment destination
is read-only" ValueError."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

WRITES = {
    "add_": lambda m, a: a.add_(1),
    "mul_": lambda m, a: a.mul_(2),
    "fill_": lambda m, a: a.fill_(1),
    "zero_": lambda m, a: a.zero_(),
    "copy_": lambda m, a: a.copy_(m.ones(2, 3)),
    "setitem_scalar": lambda m, a: a.__setitem__((0, 0), 3.0),
    "setitem_row": lambda m, a: a.__setitem__(0, m.tensor([1.0, 2.0, 3.0])),
    "clamp_": lambda m, a: a.clamp_(0, 1),
    "normal_": lambda m, a: a.normal_(),
    "init.constant_": lambda m, a: m.nn.init.constant_(a, 2.0),
    "init.ones_": lambda m, a: m.nn.init.ones_(a),
}


def _outcome(m, name):
    base = m.zeros(2, 1)
    a = base.expand(2, 3)
    try:
        WRITES[name](m, a)
    except RuntimeError as e:
        return "raised", str(e)
    return "wrote", a.tolist(), base.tolist()


@pytest.mark.parametrize("name", sorted(WRITES))
def test_writing_into_an_expanded_tensor_behaves_like_torch(name):
    got, want = _outcome(ember, name), _outcome(torch, name)
    assert got == want


def test_read_only_buffer_gives_a_clear_error():
    arr = np.zeros(3)
    arr.flags.writeable = False
    t = ember.from_numpy(arr)
    with pytest.raises(RuntimeError, match="read-only"):
        t.add_(1)
    assert t.clone().add_(1).tolist() == [1.0, 1.0, 1.0]
