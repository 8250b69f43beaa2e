"""``ember.autograd``'s lazily imported submodules behave like attributes: ``hasattr`` is
False (not an import error) for the ones ember does not have."""
import ember


def test_missing_autograd_submodule_is_an_attribute_error():
    assert hasattr(ember.autograd, "functional")
    assert not hasattr(ember.autograd, "forward_ad")
    try:
        ember.autograd.forward_ad
    except AttributeError as e:
        assert "does not implement torch.autograd.forward_ad" in str(e)
    else:
        raise AssertionError("expected AttributeError")


def test_sum_and_mean_node_names_follow_torch_overloads():
    torch = __import__("pytest").importorskip("torch")
    cases = [lambda m, x: x.sum(), lambda m, x: x.sum(0), lambda m, x: x.sum((0, 1)),
             lambda m, x: x.mean(), lambda m, x: x.mean(1), lambda m, x: x.sum(1, keepdim=True),
             lambda m, x: m.sum(x, dtype=m.float64)]
    for f in cases:
        names = [f(m, m.ones(2, 3, requires_grad=True)).grad_fn.name() for m in (ember, torch)]
        assert names[0] == names[1], names


def test_dtype_conversion_node_name_matches_torch():
    torch = __import__("pytest").importorskip("torch")
    names = [m.ones(2, requires_grad=True).half().grad_fn.name() for m in (ember, torch)]
    assert names[0] == names[1] == "ToCopyBackward0"
