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
