"""Docstring examples are the manual: run them as doctests (ember's modules, no torch)."""
import doctest
import importlib

import numpy as np
import pytest

import ember

MODULES = ["ember.functions", "ember._dtype", "ember._device", "ember._tensor", "ember.random",
           "ember.linalg", "ember.autograd", "ember.autograd.function",
           "ember.autograd.grad_mode", "ember.autograd.functional", "ember.autograd._gradcheck",
           "ember.ops.elementwise", "ember.ops.indexing", "ember._methods",
           "ember.nn.modules.module", "ember.nn.modules.container", "ember.nn.modules.linear",
           "ember.nn.modules.activation", "ember.nn.modules.loss", "ember.nn.functional",
           "ember.nn.init", "ember.nn.modules.conv", "ember.nn.modules.pooling",
           "ember.nn.modules.batchnorm", "ember.nn.modules.rnn", "ember.optim.optimizer",
           "ember.optim.sgd", "ember.optim.adam", "ember.optim.lr_scheduler",
           "ember.utils.data.dataset", "ember.utils.data.dataloader",
           "ember.vision.transforms.transforms", "ember.vision.transforms.functional",
           "ember.vision.transforms.autoaugment", "ember.serialization", "ember.accelerator",
           "ember.vision.io", "ember._threads", "ember._meta", "ember._blas", "ember._parallel",
           "ember.compat", "ember.runner", "ember.autograd.engine", "ember.autograd.anomaly_mode"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    try:
        mod = importlib.import_module(name)
    except ImportError as e:
        pytest.skip(f"{name} not importable: {e}")
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = dict(vars(mod))
    # the names PyTorch's own docs assume: ember, np, nn, F
    globs.update(ember=ember, np=np)
    try:
        globs.setdefault("nn", importlib.import_module("ember.nn"))
        globs.setdefault("F", importlib.import_module("ember.nn.functional"))
    except ImportError:
        pass
    for test in finder.find(mod, name, globs=globs):
        if test.examples:
            ember.manual_seed(0)
            runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} doctest example(s) failed in {name}"
