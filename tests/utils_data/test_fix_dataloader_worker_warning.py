"""The "will create N worker processes" warning comes when the DataLoader is built AND each
time workers start (every epoch), as torch; the tutorials' ``num_workers=4`` meets it on
small machines."""
import os
import warnings

import pytest
import torch

import ember


def _warning_lines(lib, monkeypatch, num_workers, epochs):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loader = lib.utils.data.DataLoader(list(range(4)), batch_size=2, num_workers=num_workers)
        batches = [[b.tolist() for b in loader] for _ in range(epochs)]
    return batches, [str(w.message) for w in caught if "worker processes" in str(w.message)]


@pytest.mark.parametrize("num_workers,epochs", [(0, 1), (1, 1), (2, 1), (2, 2)])
def test_worker_number_warning_count_matches_torch(monkeypatch, num_workers, epochs):
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("the suggestion uses os.sched_getaffinity here")
    t_batches, t_msgs = _warning_lines(torch, monkeypatch, num_workers, epochs)
    e_batches, e_msgs = _warning_lines(ember, monkeypatch, num_workers, epochs)
    assert e_batches == t_batches
    assert e_msgs == t_msgs
    assert len(e_msgs) == (1 + epochs if num_workers > 1 else 0)
