"""The docstring examples of ember.cuda, ember.backends, ember.version and the fake backend run
as doctests (with and without the fake GPU), as tests/test_doctests.py does for the core."""
import doctest
import importlib

import numpy as np
import pytest

import ember

MODULES = ["ember.cuda", "ember.cuda._fake", "ember.backends", "ember.backends.cudnn",
           "ember.backends.cuda", "ember.backends.mps", "ember.version"]


def _run(name):
    mod = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod), ember=ember, np=np)
    for test in finder.find(mod, name, globs=globs):
        if test.examples:
            runner.run(test)
    return runner.summarize(verbose=False)


@pytest.mark.parametrize("name", MODULES)
def test_cuda_docstring_examples_run(name):
    res = _run(name)
    assert res.attempted > 0 and res.failed == 0, f"{res.failed} example(s) failed in {name}"


@pytest.mark.parametrize("name", ["ember.cuda", "ember.backends.cudnn"])
def test_cuda_docstring_examples_run_on_fake_gpu(fake_cuda, name):
    res = _run(name)
    assert res.attempted > 0 and res.failed == 0, f"{res.failed} example(s) failed in {name}"
