"""``SummaryWriter.add_graph`` for ember modules: a GraphDef recorded from one forward pass.

ember has no JIT tracer, so the graph is read from the two structures a forward pass really
builds:

* the **autograd graph**: every differentiable op leaves a node (``tensor.grad_fn``) whose
  ``next_functions`` point at the nodes that produced its inputs. Running the model once on
  inputs that require grad therefore records every op and every data-flow edge, and parameters
  appear as the leaves (``AccumulateGrad`` nodes) they are.
* **forward hooks** on every submodule give each op its module scope: when a module call
  returns, the ops created since that call began and not yet claimed by a submodule belong to
  it. TensorBoard groups nodes by these ``/``-separated scopes (``Net/Linear[fc1]/Addmm``),
  just as it groups torch's traced graph.

What is not seen: ops that autograd does not record (integer-only ops, ops under ``no_grad``,
non-differentiable results such as ``argmax``), edges from tensors that cannot require grad
(e.g. the integer indices fed to an ``Embedding``: the op is shown, its index input is not
connected), and Python control flow, which shows as the one path the example input took (as
with torch's tracer).
"""

from ._deps import require_tensorboard

_ACCUMULATE = "torch::autograd::AccumulateGrad"


def _flatten_tensors(obj, tensor_type, out):
    """Collect the tensors in a (nested) tuple/list/dict output, in order."""
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, tensor_type):
            out.append(o)
        elif isinstance(o, (list, tuple)):
            stack.extend(reversed(o))
        elif isinstance(o, dict):
            stack.extend(reversed(list(o.values())))
    return out


def _seq_now():
    """The creation counter of autograd nodes (None when the core does not keep one)."""
    try:
        from ember.autograd.function import Node

        return Node._seq_counter[0]
    except (ImportError, AttributeError):
        return None


def _op_type(node):
    name = node.name()
    for suffix in ("Backward0", "Backward"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _module_scopes(model):
    """``{id(module): scope}`` with torch's scope names: ``Net``, ``Net/Linear[fc]``, ..."""
    root = type(model).__name__
    by_name = {"": root}
    scopes = {}
    for name, mod in model.named_modules():
        if name:
            parent, _, last = name.rpartition(".")
            by_name[name] = f"{by_name[parent]}/{type(mod).__name__}[{last}]"
        scopes.setdefault(id(mod), by_name[name])
    return scopes


def _record(model, inputs, tensor_type):
    """Run ``model(*inputs)`` with hooks; return (outputs, scope_of_node)."""
    scopes = _module_scopes(model)
    scope_of = {}     # id(autograd node) -> scope
    keep = []         # keep the nodes alive so their ids stay unique
    starts = []       # stack of node-counter values at each module call's start
    handles = []

    def pre_hook(module, args):
        starts.append(_seq_now())

    def post_hook(module, args, output):
        start = starts.pop() if starts else None
        scope = scopes.get(id(module), type(module).__name__)
        seen = set()
        stack = [t.grad_fn for t in _flatten_tensors(output, tensor_type, [])]
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen or node.name() == _ACCUMULATE:
                continue
            seen.add(id(node))
            seq = getattr(node, "_seq", None)
            if start is not None and seq is not None and seq <= start:
                continue  # made before this module was called
            if id(node) in scope_of:
                if start is None:
                    continue  # without creation order, stop at a submodule's nodes
            else:
                scope_of[id(node)] = scope
                keep.append(node)
            stack.extend(fn for fn, _ in node.next_functions)

    try:
        for _, mod in model.named_modules():
            handles.append(mod.register_forward_pre_hook(pre_hook))
            handles.append(mod.register_forward_hook(post_hook))
        outputs = model(*inputs)
    finally:
        for h in handles:
            h.remove()
    return outputs, scope_of


def graph(model, args, verbose=False):
    """Record ``model(*args)`` as a TensorBoard ``(GraphDef, RunMetadata)`` pair.

    Args:
        model (ember.nn.Module): the model (temporarily put in eval mode, as torch does).
        args (ember.Tensor or tuple/list of Tensors): example inputs.
        verbose (bool): print one line per recorded node.

    Returns:
        tuple ``(GraphDef, RunMetadata)`` for ``FileWriter.add_graph``.

    Example:
        >>> graph_def, meta = graph(ember.nn.Linear(3, 2), ember.randn(1, 3))   # doctest: +SKIP
        >>> [n.op for n in graph_def.node]                                       # doctest: +SKIP
        ['IO Node', 'Parameter', 'Parameter', 'Addmm', 'IO Node']
    """
    require_tensorboard()
    import ember
    from tensorboard.compat.proto.attr_value_pb2 import AttrValue
    from tensorboard.compat.proto.config_pb2 import RunMetadata
    from tensorboard.compat.proto.graph_pb2 import GraphDef
    from tensorboard.compat.proto.node_def_pb2 import NodeDef
    from tensorboard.compat.proto.step_stats_pb2 import DeviceStepStats, StepStats
    from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboard.compat.proto.versions_pb2 import VersionDef

    tensor_type = ember.Tensor
    if not hasattr(model, "named_modules") or not callable(model):
        raise TypeError(
            f"add_graph expects an ember.nn.Module, got {type(model).__name__}")
    if args is None:
        args = ()
    elif isinstance(args, tensor_type):
        args = (args,)
    elif isinstance(args, list):
        args = tuple(args)
    elif not isinstance(args, tuple):
        raise TypeError(
            "input_to_model should be an ember.Tensor or a tuple/list of Tensors, "
            f"got {type(args).__name__}")

    # Fresh leaves that require grad, so autograd records every op from the inputs on.
    inputs = []
    for a in args:
        if isinstance(a, tensor_type):
            a = a.detach()
            if a.dtype.is_floating_point or a.dtype.is_complex:
                a.requires_grad_(True)
        inputs.append(a)

    was_training = getattr(model, "training", False)
    model.train(False)
    try:
        with ember.enable_grad():
            outputs, scope_of = _record(model, inputs, tensor_type)
    finally:
        model.train(was_training)
    outputs = _flatten_tensors(outputs, tensor_type, [])
    root = type(model).__name__

    def shape_attr(shapes):
        protos = [TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(d)) for d in s])
                  for s in shapes]
        return {"_output_shapes": AttrValue(list=AttrValue.ListValue(shape=protos))}

    nodes = []
    leaf_names = {}   # id(leaf tensor) -> node name
    for i, t in enumerate(inputs):
        if isinstance(t, tensor_type):
            name = f"input/input.{i}"
            leaf_names[id(t)] = name
            nodes.append(NodeDef(name=name, op="IO Node", attr=shape_attr([tuple(t.shape)])))
    scopes = _module_scopes(model)
    param_names = {}
    for _, mod in model.named_modules():
        for pname, p in mod.named_parameters(recurse=False):
            param_names.setdefault(id(p), f"{scopes[id(mod)]}/{pname}")

    # Post-order walk of the autograd graph from the outputs: producers come before consumers.
    order, seen = [], set()
    stack = [(t.grad_fn, False) for t in reversed(outputs) if t.grad_fn is not None]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for fn, _ in reversed(node.next_functions):
            if fn is not None and id(fn) not in seen:
                stack.append((fn, False))

    node_names = {}
    used = {}
    for node in order:
        if node.name() == _ACCUMULATE:
            var = getattr(node, "variable", None)
            if id(var) in leaf_names:
                node_names[id(node)] = leaf_names[id(var)]
                continue
            name = param_names.get(id(var))
            if name is None:
                name = f"{root}/tensor.{len(used)}"
            used[name] = 1
            node_names[id(node)] = name
            shape = [tuple(var.shape)] if var is not None else []
            nodes.append(NodeDef(name=name, op="Parameter", attr=shape_attr(shape)))
            continue
        op = _op_type(node)
        base = f"{scope_of.get(id(node), root)}/{op}"
        n = used.get(base, 0)
        used[base] = n + 1
        name = base if n == 0 else f"{base}_{n}"
        node_names[id(node)] = name
        edge_names = []
        for fn, nr in node.next_functions:
            if fn is None or id(fn) not in node_names:
                continue
            edge_names.append(node_names[id(fn)] + (f":{nr}" if nr else ""))
        out_meta = getattr(node, "_out_meta", None) or []
        shapes = [tuple(m[0]) for m in out_meta if m is not None]
        nodes.append(NodeDef(name=name, op=op, input=edge_names, attr=shape_attr(shapes)))

    for i, t in enumerate(outputs):
        fn = t.grad_fn
        if fn is not None:
            src = [node_names[id(fn)] + (f":{t._output_nr}" if getattr(t, "_output_nr", 0) else "")]
        elif id(t) in leaf_names:
            src = [leaf_names[id(t)]]
        else:
            src = []
        nodes.append(NodeDef(name=f"output/output.{i}", op="IO Node", input=src,
                             attr=shape_attr([tuple(t.shape)])))

    if verbose:
        for nd in nodes:
            shapes = [list(d.size for d in s.dim) for s in nd.attr["_output_shapes"].list.shape]
            print(f"{nd.name} = {nd.op}({', '.join(nd.input)})  # {shapes}")

    stepstats = RunMetadata(step_stats=StepStats(dev_stats=[DeviceStepStats(
        device="/device:CPU:0")]))
    return GraphDef(node=nodes, versions=VersionDef(producer=22)), stepstats


__all__ = ["graph"]
