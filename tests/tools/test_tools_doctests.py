"""The docstring examples of the tools modules run as doctests (ember only, no torch)."""
import doctest
import importlib

import numpy as np
import pytest

import ember

MODULES = ["ember._compile", "ember._dynamo", "ember._dynamo.exc", "ember._dynamo.eval_frame",
           "ember._dynamo.config", "ember.compiler", "ember.autograd.profiler",
           "ember.profiler", "ember.profiler.profiler", "ember.utils.benchmark",
           "ember.utils.benchmark.utils.common", "ember.utils.benchmark.utils.timer",
           "ember.utils.benchmark.utils.compare", "ember.utils.model_zoo", "ember.utils.hooks"]


@pytest.mark.parametrize("name", MODULES)
def test_tools_docstring_examples_run(name):
    mod = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod))
    globs.update(ember=ember, np=np)
    n = 0
    for test in finder.find(mod, name, globs=globs):
        if test.examples:
            ember.manual_seed(0)
            runner.run(test)
            n += len(test.examples)
    results = runner.summarize(verbose=False)
    assert n > 0, f"{name} has no examples"
    assert results.failed == 0, f"{results.failed} doctest example(s) failed in {name}"
