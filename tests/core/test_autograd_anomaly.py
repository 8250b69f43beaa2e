"""Anomaly detection (``detect_anomaly``): NaN-producing backward functions are named, the
forward trace of a failing node is shown, and the switches behave as torch's."""
import warnings

import pytest

import ember

torch = pytest.importorskip("torch")


def _nan_backward(m):
    x = m.tensor([0.0, 1.0], requires_grad=True)
    y = (x / x).sum()   # 0/0 -> NaN in DivBackward0's gradient
    y.backward()


@pytest.mark.parametrize("lib", ["ember", "torch"])
def test_nan_in_backward_is_named(lib):
    m = ember if lib == "ember" else torch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with m.autograd.detect_anomaly():
            with pytest.raises(RuntimeError, match=r"Function 'DivBackward0' returned nan "
                                                   r"values in its 1th output."):
                _nan_backward(m)
    assert not m.is_anomaly_enabled()


def test_without_anomaly_mode_nan_passes_silently():
    _nan_backward(ember)   # no error, as torch


def test_check_nan_false_and_switches_match_torch():
    for m in (ember, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with m.autograd.detect_anomaly(check_nan=False):
                assert m.is_anomaly_enabled() and not m.is_anomaly_check_nan_enabled()
                _nan_backward(m)
        with m.autograd.set_detect_anomaly(True):
            assert m.is_anomaly_enabled() and m.is_anomaly_check_nan_enabled()
        assert not m.is_anomaly_enabled()
        m.set_anomaly_enabled(True, check_nan=False)
        assert m.is_anomaly_enabled() and not m.is_anomaly_check_nan_enabled()
        m.set_anomaly_enabled(False)
        assert not m.is_anomaly_enabled()


def test_enabling_warns_like_torch():
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        ember.autograd.detect_anomaly()


def test_failing_backward_shows_the_forward_trace():
    class Boom(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom")

    def make_graph():   # this name must appear in the recorded forward trace
        return Boom.apply(ember.ones(1, requires_grad=True)).sum()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with ember.autograd.detect_anomaly():
            y = make_graph()
            with pytest.raises(ValueError, match="boom"):
                y.backward()
    texts = [str(w.message) for w in caught]
    assert any("Error detected in BoomBackward" in t and "make_graph" in t for t in texts), texts


def test_decorator_form():
    @ember.autograd.detect_anomaly()
    def run():
        return ember.is_anomaly_enabled()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert run() is True
    assert not ember.is_anomaly_enabled()
