"""Fixtures for the CUDA tests: ``fake_cuda`` switches on the NumPy-backed stand-in for CuPy
(two fake GPUs) for one test and always switches it off again."""
import pytest

import ember
from ember.cuda import _fake


@pytest.fixture
def fake_cuda():
    _fake.install(device_count=2)
    try:
        yield _fake
    finally:
        _fake.uninstall()
        ember._device.MULTI_GPU[0] = False  # as in a fresh process


@pytest.fixture
def no_cuda():
    """A machine without CUDA (skipped where a real GPU is present)."""
    if ember.cuda.is_available():
        pytest.skip("CUDA is available here")
    yield
