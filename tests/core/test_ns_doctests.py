"""The docstring examples of the namespace-parity modules run as doctests (no torch)."""
import doctest
import importlib
import math

import numpy as np
import pytest

import ember

MODULES = ["ember._fn_extra", "ember._fn_linalg", "ember._fn_nn", "ember._switches",
           "ember._finfo", "ember._inplace_fns"]


@pytest.mark.parametrize("name", MODULES)
def test_ns_docstring_examples_run(name):
    mod = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod))
    globs.update(ember=ember, np=np, math=math)
    n = 0
    for test in finder.find(mod, name, globs=globs):
        if test.examples:
            ember.manual_seed(0)
            runner.run(test)
            n += 1
    results = runner.summarize(verbose=False)
    assert n > 0
    assert results.failed == 0, f"{results.failed} doctest example(s) failed in {name}"


def test_ns_method_docstring_examples_run():
    # the Tensor methods added in _methods.py (where, unfold, fill_diagonal_, ...)
    from ember import _methods
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for fn in (_methods._where_method, _methods._unfold, _methods._float_power_,
               _methods._fill_diagonal_, _methods._lu_method, _methods._lu_solve_method):
        for test in finder.find(fn, fn.__name__, globs=dict(ember=ember, np=np)):
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
