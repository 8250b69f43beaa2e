"""``ember._dynamo.config``: the settings tutorials write to ``torch._dynamo.config``.

ember has no graph compiler (``ember.compile`` runs the model eagerly), so these values only
exist so that scripts setting them keep working; assigning other names works as on any module.

Example::

    >>> import ember._dynamo
    >>> ember._dynamo.config.suppress_errors = True
    >>> ember._dynamo.config.cache_size_limit
    8
"""

suppress_errors = False
verbose = False
cache_size_limit = 8
recompile_limit = 8
accumulated_cache_size_limit = 256
accumulated_recompile_limit = 256
capture_scalar_outputs = False
capture_dynamic_output_shape_ops = False
automatic_dynamic_shapes = True
assume_static_by_default = True
optimize_ddp = True
inline_inbuilt_nn_modules = True
