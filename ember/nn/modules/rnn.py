"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their single-step cells, as ``torch.nn``.

The multi-layer modules run each layer and direction as one fused op
(:mod:`ember.ops.rnn_ops`): every time step computes its gates, input projection and
biases included, with one batched matmul (the input part of the GRU's n gate is one matmul
over all steps), and the backward is a hand-written BPTT loop. Their gradients are
therefore *once differentiable* (no double backward through ``nn.LSTM``); the cells are
composed from ordinary ops and support it.

Parameter names, shapes, gate order (LSTM: i, f, g, o; GRU: r, z, n), initialisation and
``state_dict`` keys are torch's, so torch weights load unchanged.
"""
import math
import numbers
import warnings

import ember
from ...autograd.grad_mode import no_grad
from ...ops.rnn_ops import rnn_layer
from .. import functional as F
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


def _apply_permutation(tensor, permutation, dim=1):
    return tensor.index_select(dim, permutation)


def _factory(device, dtype):
    return {"device": device, "dtype": dtype}


def _stack(states):
    # one layer and direction (the common case): a view instead of a copy
    return states[0].unsqueeze(0) if len(states) == 1 else ember.stack(states, 0)


class RNNBase(Module):
    """Base class of :class:`RNN`, :class:`LSTM` and :class:`GRU` (torch's ``nn.RNNBase``).

    Args:
        mode (str): ``'LSTM'``, ``'GRU'``, ``'RNN_TANH'`` or ``'RNN_RELU'``.
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
        proj_size: as documented on :class:`LSTM`.

    Example::

        >>> rnn = nn.RNNBase("GRU", 4, 8)
        >>> [n for n, _ in rnn.named_parameters()]
        ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']
    """

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if not isinstance(bias, bool):
            raise TypeError(f"bias should be of type bool, got: {type(bias).__name__}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first should be of type bool, got: "
                            f"{type(batch_first).__name__}")
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        gates = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
        if mode not in gates:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gate_size = gates[mode] * hidden_size
        num_directions = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        fk = _factory(device, dtype)
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                suffix = "_reverse" if direction == 1 else ""
                params = [(f"weight_ih_l{layer}{suffix}", (gate_size, layer_input)),
                          (f"weight_hh_l{layer}{suffix}", (gate_size, real_hidden))]
                if bias:
                    params += [(f"bias_ih_l{layer}{suffix}", (gate_size,)),
                               (f"bias_hh_l{layer}{suffix}", (gate_size,))]
                if proj_size > 0:
                    params.append((f"weight_hr_l{layer}{suffix}", (proj_size, hidden_size)))
                for name, shape in params:
                    setattr(self, name, Parameter(ember.empty(shape, **fk)))
                names = [n for n, _ in params]
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    # ---------------------------------------------------------------- parameters
    @property
    def _flat_weights(self):
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters grouped per layer and direction, as in torch."""
        return [[getattr(self, w) for w in ws] for ws in self._all_weights]

    def flatten_parameters(self):
        """No-op (torch uses it to pack cuDNN weights); kept for compatibility."""
        return None

    def reset_parameters(self):
        """Re-draw every parameter from ``U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))``."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        with no_grad():
            for w in self.parameters():
                w.uniform_(-stdv, stdv)

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)

    # ---------------------------------------------------------------- checks
    def check_input(self, input, batch_sizes):
        w0 = self._flat_weights[0]
        if input.dtype != w0.dtype and ember.autograd.function.AUTOCAST[0] is None:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({w0.dtype}). Convert input: input.to({w0.dtype}), or convert "
                             f"model: model.to({input.dtype})")
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected:
            raise RuntimeError(f"input must have {expected} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")

    def get_expected_hidden_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        h = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, h)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return _apply_permutation(hx, permutation)

    # ---------------------------------------------------------------- the computation
    def _run(self, x, batch_sizes, hx, cx):
        """All layers over packed rows ``x (N, I)`` or a padded ``x (T, B, I)``; returns
        ``(out (N or T, B, D*P), h_n, c_n)``. ``hx``/``cx`` are None for zero initial states."""
        num_directions = 2 if self.bidirectional else 1
        weights = self._flat_weights
        per = len(self._all_weights[0])
        lstm = self.mode == "LSTM"
        if hx is None:
            B = batch_sizes[0]
            fk = dict(dtype=x.dtype, device=x.device)
            h0 = ember.zeros(B, self.proj_size or self.hidden_size, **fk)
            c0 = ember.zeros(B, self.hidden_size, **fk) if lstm else None
        h_n, c_n = [], []
        layer_input = x
        for layer in range(self.num_layers):
            outs = []
            for d in range(num_directions):
                idx = layer * num_directions + d
                ws = weights[idx * per:(idx + 1) * per]
                w_ih, w_hh = ws[0], ws[1]
                b_ih, b_hh = (ws[2], ws[3]) if self.bias else (None, None)
                w_hr = ws[-1] if self.proj_size > 0 else None
                if hx is not None:
                    h0, c0 = hx[idx], (cx[idx] if lstm else None)
                res = rnn_layer(layer_input, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, self.mode,
                                batch_sizes, reverse=d == 1)
                outs.append(res[0])
                h_n.append(res[1])
                if lstm:
                    c_n.append(res[2])
            layer_input = outs[0] if num_directions == 1 else ember.cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, _stack(h_n), (_stack(c_n) if lstm else None)

    def _forward(self, input, hx):
        """Shared forward of RNN / LSTM / GRU (``hx`` is a tuple for LSTM)."""
        lstm = self.mode == "LSTM"
        name = "LSTM" if lstm else ("GRU" if self.mode == "GRU" else "RNN")
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            bs = tuple(int(b) for b in batch_sizes.cpu().numpy().reshape(-1))
            is_batched = True
        else:
            if input.dim() not in (2, 3):
                if name == "LSTM":
                    raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.dim()}D "
                                     "instead")
                raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.dim()}D "
                                 "tensor instead")
            is_batched = input.dim() == 3
            batch_dim = 0 if self.batch_first else 1
            if not is_batched:
                input = input.unsqueeze(batch_dim)
            if hx is not None:
                if lstm:
                    want = 3 if is_batched else 2
                    if hx[0].dim() != want or hx[1].dim() != want:
                        kind = "batched 3-D" if is_batched else "unbatched 2-D"
                        raise RuntimeError(f"For {kind} input, hx and cx should also be "
                                           f"{want}-D but got ({hx[0].dim()}-D, "
                                           f"{hx[1].dim()}-D) tensors")
                    if not is_batched:
                        hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
                else:
                    if is_batched and hx.dim() != 3:
                        raise RuntimeError("For batched 3-D input, hx should also be 3-D but "
                                           f"got {hx.dim()}-D tensor")
                    if not is_batched:
                        if hx.dim() != 2:
                            raise RuntimeError("For unbatched 2-D input, hx should also be 2-D "
                                               f"but got {hx.dim()}-D tensor")
                        hx = hx.unsqueeze(1)
            data, batch_sizes, sorted_indices, unsorted_indices = input, None, None, None
        if hx is None:
            h0 = c0 = None     # zeros, made per layer by _run
            self.check_input(data, batch_sizes)
        else:
            if lstm:
                h0, c0 = hx
                self.check_input(data, batch_sizes)
                expected = self.get_expected_hidden_size(data, batch_sizes)
                self.check_hidden_size(h0, expected, "Expected hidden[0] size {}, got {}")
                expected_c = expected[:2] + (self.hidden_size,)
                self.check_hidden_size(c0, expected_c, "Expected hidden[1] size {}, got {}")
                h0 = self.permute_hidden(h0, sorted_indices)
                c0 = self.permute_hidden(c0, sorted_indices)
            else:
                h0, c0 = self.permute_hidden(hx, sorted_indices), None
                self.check_forward_args(data, h0, batch_sizes)
        if packed:
            out, h_n, c_n = self._run(data, bs, h0, c0)
            output = PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices)
            h_n = self.permute_hidden(h_n, unsorted_indices)
            if lstm:
                c_n = self.permute_hidden(c_n, unsorted_indices)
        else:
            x = data.transpose(0, 1) if self.batch_first else data
            T, B = x.shape[0], x.shape[1]
            if T == 0:
                raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
            output, h_n, c_n = self._run(x, (B,) * T, h0, c0)   # (T, B, I) in, (T, B, D*P) out
            if self.batch_first:
                output = output.transpose(0, 1)
            if not is_batched:
                output = output.squeeze(0 if self.batch_first else 1)
                h_n = h_n.squeeze(1)
                if lstm:
                    c_n = c_n.squeeze(1)
        return output, ((h_n, c_n) if lstm else h_n)


class RNN(RNNBase):
    r"""Multi-layer Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``.

    Args:
        input_size (int): features of the input ``x``.
        hidden_size (int): features of the hidden state ``h``.
        num_layers (int): stacked layers. Default: 1.
        nonlinearity (str): ``'tanh'`` or ``'relu'``. Default: ``'tanh'``.
        bias (bool): use ``b_ih`` and ``b_hh``. Default: True.
        batch_first (bool): input/output are ``(batch, seq, feature)``. Default: False.
        dropout (float): dropout on the outputs of each layer but the last. Default: 0.
        bidirectional (bool): add a reverse-direction layer. Default: False.

    Shape:
        - input: ``(L, N, H_in)``, ``(N, L, H_in)`` with batch_first, ``(L, H_in)`` unbatched,
          or a :class:`~ember.nn.utils.rnn.PackedSequence`.
        - h_0: ``(D * num_layers, N, H_out)`` (``(D * num_layers, H_out)`` unbatched).
        - output: ``(L, N, D * H_out)``; h_n: like h_0.

    Example::

        >>> rnn = nn.RNN(10, 20, 2)
        >>> output, hn = rnn(ember.randn(5, 3, 10), ember.randn(2, 3, 20))
        >>> output.shape, hn.shape
        (torch.Size([5, 3, 20]), torch.Size([2, 3, 20]))
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.__dict__["nonlinearity"] = args[3]
            args = args[:3] + args[4:]
        else:
            self.__dict__["nonlinearity"] = kwargs.pop("nonlinearity", "tanh")
        nl = self.__dict__["nonlinearity"]
        if nl == "tanh":
            mode = "RNN_TANH"
        elif nl == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nl}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, *args, **kwargs)
        self.nonlinearity = nl

    def forward(self, input, hx=None):
        """Run the RNN; returns ``(output, h_n)``."""
        return self._forward(input, hx)


class LSTM(RNNBase):
    r"""Multi-layer long short-term memory (LSTM) RNN.

    Per step (gates in torch's order i, f, g, o)::

        i = σ(W_ii x + b_ii + W_hi h + b_hi)    f = σ(W_if x + b_if + W_hf h + b_hf)
        g = tanh(W_ig x + b_ig + W_hg h + b_hg) o = σ(W_io x + b_io + W_ho h + b_ho)
        c' = f * c + i * g                       h' = o * tanh(c')   (then h' @ W_hr^T if proj)

    Args:
        input_size (int): features of the input.
        hidden_size (int): features of the hidden (cell) state.
        num_layers (int): stacked layers. Default: 1.
        bias (bool): use the bias vectors. Default: True.
        batch_first (bool): ``(batch, seq, feature)`` input and output. Default: False.
        dropout (float): dropout on the outputs of each layer but the last. Default: 0.
        bidirectional (bool): add a reverse-direction layer. Default: False.
        proj_size (int): if > 0, project ``h`` to this size (``weight_hr_l{k}``). Default: 0.

    Shape:
        - input: ``(L, N, H_in)`` / ``(N, L, H_in)`` / ``(L, H_in)`` or a PackedSequence.
        - (h_0, c_0): ``(D * num_layers, N, H_out)`` and ``(D * num_layers, N, H_cell)``.
        - output ``(L, N, D * H_out)``, (h_n, c_n) like (h_0, c_0).

    Example::

        >>> lstm = nn.LSTM(10, 20, num_layers=2, batch_first=True)
        >>> lstm
        LSTM(10, 20, num_layers=2, batch_first=True)
        >>> out, (h, c) = lstm(ember.randn(3, 5, 10))
        >>> out.shape, h.shape, c.shape
        (torch.Size([3, 5, 20]), torch.Size([2, 3, 20]), torch.Size([2, 3, 20]))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)

    def get_expected_cell_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        return (self.num_layers * num_directions, mini_batch, self.hidden_size)

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        if isinstance(hx, tuple):
            return (_apply_permutation(hx[0], permutation), _apply_permutation(hx[1], permutation))
        return _apply_permutation(hx, permutation)

    def forward(self, input, hx=None):
        """Run the LSTM; returns ``(output, (h_n, c_n))``."""
        return self._forward(input, hx)


class GRU(RNNBase):
    r"""Multi-layer gated recurrent unit (GRU) RNN.

    Per step (gates in torch's order r, z, n)::

        r = σ(W_ir x + b_ir + W_hr h + b_hr)   z = σ(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
        h' = (1 - z) * n + z * h

    Args:
        input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional:
            as for :class:`LSTM` (no ``proj_size``).

    Example::

        >>> gru = nn.GRU(10, 20, 2)
        >>> output, hn = gru(ember.randn(5, 3, 10))
        >>> output.shape, hn.shape
        (torch.Size([5, 3, 20]), torch.Size([2, 3, 20]))
    """

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        """Run the GRU; returns ``(output, h_n)``."""
        return self._forward(input, hx)


# ==================================================================== cells


class RNNCellBase(Module):
    """Base class of the single-step cells (parameters ``weight_ih``, ``weight_hh``,
    ``bias_ih``, ``bias_hh`` with ``num_chunks * hidden_size`` rows).

    Example::

        >>> cell = nn.GRUCell(3, 4)
        >>> cell.weight_ih.shape
        torch.Size([12, 3])
    """

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        fk = _factory(device, dtype)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(ember.empty((num_chunks * hidden_size, input_size), **fk))
        self.weight_hh = Parameter(ember.empty((num_chunks * hidden_size, hidden_size), **fk))
        if bias:
            self.bias_ih = Parameter(ember.empty(num_chunks * hidden_size, **fk))
            self.bias_hh = Parameter(ember.empty(num_chunks * hidden_size, **fk))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        """Re-draw every parameter from ``U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))``."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        with no_grad():
            for w in self.parameters():
                w.uniform_(-stdv, stdv)

    def _prep(self, name, input, hx, n_states):
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None:
            states = hx if n_states == 2 else (hx,)
            for i, v in enumerate(states):
                if v.dim() not in (1, 2):
                    label = f"hx[{i}]" if n_states == 2 else "hidden"
                    raise ValueError(f"{name}: Expected {label} to be 1D or 2D, got {v.dim()}D "
                                     "instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} "
                               f"expected {self.input_size}")
        if hx is None:
            z = ember.zeros(input.size(0), self.hidden_size, dtype=input.dtype,
                            device=input.device)
            hx = (z, z) if n_states == 2 else z
        elif not batched:
            hx = tuple(v.unsqueeze(0) for v in hx) if n_states == 2 else hx.unsqueeze(0)
        states = hx if n_states == 2 else (hx,)
        for i, v in enumerate(states):
            if v.size(0) != input.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{i} "
                                   f"batch size {v.size(0)}")
            if v.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden{i} has inconsistent hidden_size: got {v.size(1)}, "
                                   f"expected {self.hidden_size}")
        return input, hx, batched

    def _gates(self, input, h):
        gi = F.linear(input, self.weight_ih, self.bias_ih)
        gh = F.linear(h, self.weight_hh, self.bias_hh)
        return gi, gh


class RNNCell(RNNCellBase):
    r"""One step of an Elman RNN: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or relu).

    Args:
        input_size (int): features of the input.
        hidden_size (int): features of the hidden state.
        bias (bool): use ``bias_ih`` and ``bias_hh``. Default: True.
        nonlinearity (str): ``'tanh'`` or ``'relu'``. Default: ``'tanh'``.

    Example::

        >>> cell = nn.RNNCell(10, 20)
        >>> hx = ember.randn(3, 20)
        >>> for x in ember.randn(6, 3, 10):
        ...     hx = cell(x, hx)
        >>> hx.shape
        torch.Size([3, 20])
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        """One step; returns ``h'``."""
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"RNNCell: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        input, hx, batched = self._prep("RNNCell", input, hx, 1)
        gi, gh = self._gates(input, hx)
        if self.nonlinearity == "tanh":
            ret = (gi + gh).tanh()
        elif self.nonlinearity == "relu":
            ret = (gi + gh).relu()
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return ret if batched else ret.squeeze(0)


class LSTMCell(RNNCellBase):
    r"""One LSTM step (gates i, f, g, o): returns ``(h', c')``.

    Args:
        input_size (int): features of the input.
        hidden_size (int): features of the hidden and cell state.
        bias (bool): use ``bias_ih`` and ``bias_hh``. Default: True.

    Example::

        >>> cell = nn.LSTMCell(10, 20)
        >>> h, c = cell(ember.randn(3, 10))
        >>> h.shape, c.shape
        (torch.Size([3, 20]), torch.Size([3, 20]))
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        """One step; ``hx`` is ``(h, c)`` or None (zeros). Returns ``(h', c')``."""
        input, (h, c), batched = self._prep("LSTMCell", input, hx, 2)
        gi, gh = self._gates(input, h)
        i, f, g, o = (gi + gh).chunk(4, 1)
        c2 = f.sigmoid() * c + i.sigmoid() * g.tanh()
        h2 = o.sigmoid() * c2.tanh()
        if not batched:
            return h2.squeeze(0), c2.squeeze(0)
        return h2, c2


class GRUCell(RNNCellBase):
    r"""One GRU step (gates r, z, n; ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``).

    Args:
        input_size (int): features of the input.
        hidden_size (int): features of the hidden state.
        bias (bool): use ``bias_ih`` and ``bias_hh``. Default: True.

    Example::

        >>> cell = nn.GRUCell(10, 20)
        >>> cell(ember.randn(3, 10)).shape
        torch.Size([3, 20])
    """

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        """One step; returns ``h'``."""
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"GRUCell: Expected hidden to be 1D or 2D, got {hx.dim()}D instead")
        input, h, batched = self._prep("GRUCell", input, hx, 1)
        gi, gh = self._gates(input, h)
        ir, iz, in_ = gi.chunk(3, 1)
        hr, hz, hn = gh.chunk(3, 1)
        r = (ir + hr).sigmoid()
        z = (iz + hz).sigmoid()
        n = (in_ + r * hn).tanh()
        h2 = (1 - z) * n + z * h
        return h2 if batched else h2.squeeze(0)
