"""End to end: recurrent models written as ordinary PyTorch code train with ember."""
import numpy as np

import ember
import ember.nn as nn


class LSTMNet(nn.Module):
    """The time-series model of the seed-003 tutorial (explicit detached h0 / c0)."""

    def __init__(self, input_size, hidden_size, num_layers, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = ember.zeros(self.num_layers, x.size(0), self.hidden_size).requires_grad_()
        c0 = ember.zeros(self.num_layers, x.size(0), self.hidden_size).requires_grad_()
        out, (hn, cn) = self.lstm(x, (h0.detach(), c0.detach()))
        return self.fc(out[:, -1, :])


def test_seq_lstm_learns_sine_wave():
    ember.manual_seed(0)
    rng = np.random.default_rng(0)
    seq_len = 20
    net = LSTMNet(1, 16, 1, 1)
    criterion = nn.MSELoss()
    optimizer = ember.optim.Adam(net.parameters(), lr=0.02)
    losses = []
    for step in range(150):
        phase = rng.uniform(0, 2 * np.pi, (16, 1))
        t = np.arange(seq_len + 1)[None, :] * 0.3 + phase
        wave = np.sin(t).astype(np.float32)
        x = ember.from_numpy(wave[:, :seq_len, None].copy())
        y = ember.from_numpy(wave[:, seq_len:].copy())
        optimizer.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert np.mean(losses[:10]) > 0.2
    assert np.mean(losses[-20:]) < 0.01, np.mean(losses[-20:])
    # and it predicts an unseen phase
    net.eval()
    with ember.no_grad():
        t = np.arange(seq_len + 1) * 0.3 + 1.234
        wave = np.sin(t).astype(np.float32)
        pred = net(ember.from_numpy(wave[None, :seq_len, None].copy())).item()
    assert abs(pred - wave[-1]) < 0.15


class CharLM(nn.Module):
    def __init__(self, vocab, emb=16, hidden=48):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.GRU(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, idx, h=None):
        out, h = self.rnn(self.embed(idx), h)
        return self.head(out), h


def test_seq_char_language_model_loss_falls():
    ember.manual_seed(0)
    rng = np.random.default_rng(1)
    text = ("the quick brown fox jumps over the lazy dog. " * 8 +
            "a small model learns to spell the words it sees. " * 8)
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = np.array([stoi[c] for c in text], dtype=np.int64)
    model = CharLM(len(chars))
    optimizer = ember.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    seq, batch = 24, 16
    losses = []
    for step in range(80):
        starts = rng.integers(0, len(data) - seq - 1, batch)
        x = np.stack([data[s:s + seq] for s in starts])
        y = np.stack([data[s + 1:s + seq + 1] for s in starts])
        logits, _ = model(ember.from_numpy(x))
        loss = loss_fn(logits.reshape(-1, len(chars)), ember.from_numpy(y).reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
    first, last = np.mean(losses[:5]), np.mean(losses[-10:])
    assert first > 2.5
    assert last < 0.5 * first, (first, last)
    # greedy generation continues a seen word
    model.eval()
    with ember.no_grad():
        idx = ember.from_numpy(np.array([[stoi[c] for c in "the quick brown f"]]))
        logits, h = model(idx)
        nxt = chars[int(logits[0, -1].argmax())]
    assert nxt == "o"


def test_seq_lstm_with_packed_sequences_trains():
    ember.manual_seed(0)
    rng = np.random.default_rng(2)
    from ember.nn.utils.rnn import pack_padded_sequence
    lstm = nn.LSTM(2, 8, batch_first=True, bidirectional=True)
    head = nn.Linear(16, 1)
    opt = ember.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=0.03)
    losses = []
    for _ in range(60):
        lengths = rng.integers(1, 9, 8)
        x = rng.standard_normal((8, 8, 2)).astype(np.float32)
        mask = np.arange(8)[None, :] < lengths[:, None]
        target = (x[..., 0] * mask).sum(1, keepdims=True).astype(np.float32)   # sum of the seq
        packed = pack_padded_sequence(ember.from_numpy(x), lengths.tolist(), batch_first=True,
                                      enforce_sorted=False)
        _, (h, _) = lstm(packed)
        pred = head(ember.cat([h[0], h[1]], 1))
        loss = ((pred - ember.from_numpy(target)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert np.mean(losses[-10:]) < 0.3 * np.mean(losses[:10])
