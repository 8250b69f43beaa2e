"""The docstring examples of ember.fft / special / testing / amp / cpu run as doctests."""
import doctest
import importlib
import warnings

import numpy as np
import pytest

import ember

MODULES = ["ember.fft", "ember.special", "ember.testing", "ember.amp.autocast_mode",
           "ember.amp.grad_scaler", "ember.cpu", "ember.cpu.amp"]


@pytest.mark.parametrize("name", MODULES)
def test_nsp_docstring_examples_run(name):
    mod = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod))
    globs.update(ember=ember, np=np)
    tests = [t for t in finder.find(mod, name, globs=globs) if t.examples]
    assert tests, f"{name} has no examples"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for test in tests:
            ember.manual_seed(0)
            runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} doctest example(s) failed in {name}"


def test_nsp_public_names_have_docstrings_with_args_and_example():
    import ember.amp
    import ember.cpu
    missing = []
    for mod in (ember.fft, ember.special, ember.testing, ember.amp, ember.cpu, ember.cpu.amp,
                ember.cuda.amp):
        for name in mod.__all__:
            obj = getattr(mod, name)
            if isinstance(obj, type(ember)):
                continue
            doc = obj.__doc__ or ""
            if "Args" not in doc or "Example" not in doc:
                missing.append(f"{mod.__name__}.{name}")
    for name in ("autocast", "is_autocast_enabled", "get_autocast_dtype", "set_autocast_enabled",
                 "set_autocast_dtype", "clear_autocast_cache"):
        doc = getattr(ember, name).__doc__ or ""
        if "Args" not in doc or "Example" not in doc:
            missing.append(f"ember.{name}")
    assert not missing, missing
