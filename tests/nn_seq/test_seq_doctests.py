"""The docstring examples of the sequence modules run as doctests (no torch needed)."""
import doctest
import importlib
import warnings

import numpy as np
import pytest

import ember
import ember.nn
import ember.nn.functional

MODULES = ["ember.nn.modules.rnn", "ember.nn.modules.attention", "ember.nn.modules.transformer",
           "ember.nn.modules.embedding_bag", "ember.nn.functional_seq", "ember.nn.utils.rnn", "ember.ops.rnn_ops"]


@pytest.mark.parametrize("name", MODULES)
def test_seq_docstring_examples(name):
    mod = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod))
    globs.update(ember=ember, np=np, nn=ember.nn, F=ember.nn.functional)
    tests = [t for t in finder.find(mod, name, globs=globs) if t.examples]
    assert tests, f"{name} has no examples"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for test in tests:
            ember.manual_seed(0)
            runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} doctest example(s) failed in {name}"
