"""SummaryWriter.add_graph for ember modules, compared with torch's traced graph at the level of
module scopes and the data flow between them."""
import numpy as np
import pytest

import ember
from ember.utils.tensorboard import SummaryWriter

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

torch = pytest.importorskip("torch")
torch_tb = pytest.importorskip("torch.utils.tensorboard")

_NON_OPS = {"Parameter", "prim::GetAttr", "prim::Constant", "prim::ListConstruct",
            "prim::TupleConstruct"}


def _make_net(lib):
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(8, 8)
            self.act = nn.ReLU()

        def forward(self, x):
            return self.act(self.lin(x)) + x

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 8)
            self.block = Block()
            self.fc2 = nn.Linear(8, 2)

        def forward(self, x):
            x = x * 2
            return self.fc2(self.block(lib.tanh(self.fc1(x))))

    return Net()


def _graph(path):
    acc = EventAccumulator(str(path))
    acc.Reload()
    return acc.Graph()


def _scope(name):
    return name.rsplit("/", 1)[0] if "/" in name else name


def _scope_edges(graph_def):
    """{(scope of producer, scope of consumer)} over edges between ops / IO nodes."""
    ops = {n.name: n for n in graph_def.node if n.op not in _NON_OPS}
    edges = set()
    for n in ops.values():
        for inp in n.input:
            src = inp.split(":")[0]
            if src in ops and _scope(src) != _scope(n.name):
                edges.add((_scope(src), _scope(n.name)))
    return edges


def test_add_graph_scopes_and_data_flow_match_torch(tmp_path):
    net = _make_net(ember)
    with SummaryWriter(str(tmp_path / "ember")) as w:
        w.add_graph(net, ember.randn(3, 4))
    with torch_tb.SummaryWriter(str(tmp_path / "torch")) as w:
        w.add_graph(_make_net(torch), torch.randn(3, 4))
    ours, ref = _graph(tmp_path / "ember"), _graph(tmp_path / "torch")

    op_scopes = {_scope(n.name) for n in ours.node if n.op not in _NON_OPS | {"IO Node"}}
    ref_scopes = {_scope(n.name) for n in ref.node if n.op not in _NON_OPS | {"IO Node"}}
    assert op_scopes == ref_scopes == {
        "Net", "Net/Linear[fc1]", "Net/Block[block]", "Net/Block[block]/Linear[lin]",
        "Net/Block[block]/ReLU[act]", "Net/Linear[fc2]"}
    assert _scope_edges(ours) == _scope_edges(ref)

    names = {n.name: n for n in ours.node}
    for p in ("Net/Linear[fc1]/weight", "Net/Linear[fc1]/bias",
              "Net/Block[block]/Linear[lin]/weight", "Net/Linear[fc2]/bias"):
        assert names[p].op == "Parameter"
    w_shape = [d.size for d in names["Net/Linear[fc1]/weight"].attr["_output_shapes"]
               .list.shape[0].dim]
    assert w_shape == [8, 4]
    (out,) = [n for n in ours.node if n.name.startswith("output/")]
    assert _scope(out.input[0]) == "Net/Linear[fc2]"
    assert [d.size for d in out.attr["_output_shapes"].list.shape[0].dim] == [3, 2]
    # every edge points at a node that exists, and the model is left as it was
    assert all(i.split(":")[0] in names for n in ours.node for i in n.input)
    assert net.training


def test_add_graph_tuple_inputs_and_errors(tmp_path):
    nn = ember.nn

    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 3)

        def forward(self, x, y):
            return self.a(x) * y, y.sum()

    with SummaryWriter(str(tmp_path)) as w:
        w.add_graph(Two(), (ember.randn(2, 3), ember.randn(2, 3)))
        with pytest.raises(TypeError, match="ember.nn.Module"):
            w.add_graph(lambda x: x, ember.randn(1))
    g = _graph(tmp_path)
    io = sorted(n.name for n in g.node if n.op == "IO Node")
    assert io == ["input/input.0", "input/input.1", "output/output.0", "output/output.1"]
    out1 = [n for n in g.node if n.name == "output/output.1"][0]
    src = [n for n in g.node if n.name == out1.input[0].split(":")[0]][0]
    assert src.input == ["input/input.1"] and src.name.startswith("Two/")
    np.testing.assert_equal(len([n for n in g.node if n.op == "Parameter"]), 2)
