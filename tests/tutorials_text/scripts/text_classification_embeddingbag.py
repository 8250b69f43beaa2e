# Official tutorial "Text classification with the torchtext library"
# (beginner_source/text_sentiment_ngrams_tutorial.py): nn.EmbeddingBag with offsets.
# The code is the tutorial's. Test substitutions (marked "[test]"):
#   * torchtext (AG_NEWS, basic_english tokenizer, build_vocab_from_iterator,
#     to_map_style_dataset) is replaced by a generated 4-class corpus (each class has its own
#     topic words), str.split, and a small dict vocabulary with the same call shape;
#   * EPOCHS / BATCH_SIZE / log_interval are smaller;
#   * the first run (real torch) saves the initial weights, a second run (ember) loads them;
#     the eval-mode accuracy and outputs before training are deterministic and both runs must
#     agree on them.
import os  # [test]
import random  # [test]
import torch

random.seed(0)  # [test]
torch.manual_seed(0)  # [test]

# [test] from torchtext.datasets import AG_NEWS: (label, text) pairs, labels 1..4
_topics = {1: ["war", "election", "minister", "treaty", "border"],
           2: ["goal", "match", "league", "coach", "season"],
           3: ["shares", "profit", "market", "bank", "merger"],
           4: ["software", "chip", "internet", "space", "robot"]}
_filler = ["the", "a", "of", "in", "on", "after", "new", "says", "report", "today"]
def AG_NEWS(split='train'):  # [test]
    rng = random.Random({"train": 10, "test": 11}[split])
    n = {"train": 400, "test": 80}[split]
    out = []
    for _ in range(n):
        label = rng.randint(1, 4)
        words = rng.sample(_topics[label], 2) + [rng.choice(_filler) for _ in range(rng.randint(2, 8))]
        rng.shuffle(words)
        out.append((label, " ".join(words)))
    return iter(out)

train_iter = iter(AG_NEWS(split="train"))
print(next(train_iter))  # [test] the tutorial shows next(train_iter)

tokenizer = str.split  # [test] get_tokenizer("basic_english")
train_iter = AG_NEWS(split="train")

class _Vocab(dict):  # [test] torchtext.vocab.Vocab: vocab(tokens) -> ids
    def __call__(self, tokens):
        return [self.get(t, self["<unk>"]) for t in tokens]
    def __len__(self):
        return dict.__len__(self)
def build_vocab_from_iterator(it, specials):  # [test]
    v = _Vocab((s, i) for i, s in enumerate(specials))
    for toks in it:
        for t in toks:
            v.setdefault(t, len(v))
    return v

def yield_tokens(data_iter):
    for _, text in data_iter:
        yield tokenizer(text)


vocab = build_vocab_from_iterator(yield_tokens(train_iter), specials=["<unk>"])
# [test] vocab.set_default_index(vocab["<unk>"]): _Vocab maps unknown tokens to <unk> itself

print(vocab(['the', 'goal', 'unknownword']))  # [test] the text: vocab(['here', 'is', 'an', 'example'])

text_pipeline = lambda x: vocab(tokenizer(x))
label_pipeline = lambda x: int(x) - 1


from torch.utils.data import DataLoader

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def collate_batch(batch):
    label_list, text_list, offsets = [], [], [0]
    for _label, _text in batch:
        label_list.append(label_pipeline(_label))
        processed_text = torch.tensor(text_pipeline(_text), dtype=torch.int64)
        text_list.append(processed_text)
        offsets.append(processed_text.size(0))
    label_list = torch.tensor(label_list, dtype=torch.int64)
    offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
    text_list = torch.cat(text_list)
    return label_list.to(device), text_list.to(device), offsets.to(device)


train_iter = AG_NEWS(split="train")
dataloader = DataLoader(
    list(train_iter), batch_size=8, shuffle=False, collate_fn=collate_batch  # [test] list(): map-style
)


from torch import nn


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super(TextClassificationModel, self).__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        embedded = self.embedding(text, offsets)
        return self.fc(embedded)


train_iter = AG_NEWS(split="train")
num_class = len(set([label for (label, text) in train_iter]))
vocab_size = len(vocab)
emsize = 64
model = TextClassificationModel(vocab_size, emsize, num_class).to(device)
print(model)  # [test]

INIT = "text_cls_init.pt"  # [test] start both runs from the same weights
if os.path.exists(INIT):
    model.load_state_dict(torch.load(INIT))
else:
    torch.save(model.state_dict(), INIT)

# [test] one collated batch and the model's outputs on it
label, text, offsets = next(iter(dataloader))
print('batch:', label.tolist(), tuple(text.shape), text.dtype, offsets.tolist())
print('logits:', [[round(v, 5) for v in row] for row in model(text, offsets).tolist()])


import time


def train(dataloader):
    model.train()
    total_acc, total_count = 0, 0
    log_interval = 10  # [test] 500
    start_time = time.time()

    for idx, (label, text, offsets) in enumerate(dataloader):
        optimizer.zero_grad()
        predicted_label = model(text, offsets)
        loss = criterion(predicted_label, label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        total_acc += (predicted_label.argmax(1) == label).sum().item()
        total_count += label.size(0)
        if idx % log_interval == 0 and idx > 0:
            elapsed = time.time() - start_time
            print(
                "| epoch {:3d} | {:5d}/{:5d} batches "
                "| accuracy {:8.3f}".format(
                    epoch, idx, len(dataloader), total_acc / total_count
                )
            )
            total_acc, total_count = 0, 0
            start_time = time.time()


def evaluate(dataloader):
    model.eval()
    total_acc, total_count = 0, 0

    with torch.no_grad():
        for idx, (label, text, offsets) in enumerate(dataloader):
            predicted_label = model(text, offsets)
            loss = criterion(predicted_label, label)
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
    return total_acc / total_count


from torch.utils.data.dataset import random_split
# [test] from torchtext.data.functional import to_map_style_dataset
to_map_style_dataset = list  # [test]

# Hyperparameters
EPOCHS = 4  # [test] 10 epoch
LR = 5  # learning rate
BATCH_SIZE = 16  # [test] 64 batch size for training

criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LR)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
total_accu = None
train_iter, test_iter = AG_NEWS(split="train"), AG_NEWS(split="test")  # [test] AG_NEWS()
train_dataset = to_map_style_dataset(train_iter)
test_dataset = to_map_style_dataset(test_iter)
num_train = int(len(train_dataset) * 0.95)
split_train_, split_valid_ = random_split(
    train_dataset, [num_train, len(train_dataset) - num_train]
)
print('split:', len(split_train_), len(split_valid_), type(split_train_).__name__)  # [test]

train_dataloader = DataLoader(
    split_train_, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_batch
)
valid_dataloader = DataLoader(
    split_valid_, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_batch
)
test_dataloader = DataLoader(
    test_dataset, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_batch
)

print("initial test accuracy {:8.4f}".format(evaluate(test_dataloader)))  # [test]

for epoch in range(1, EPOCHS + 1):
    epoch_start_time = time.time()
    train(train_dataloader)
    accu_val = evaluate(valid_dataloader)
    if total_accu is not None and total_accu > accu_val:
        scheduler.step()
    else:
        total_accu = accu_val
    print("-" * 59)
    print(
        "| end of epoch {:3d} | time: {:5.2f}s | "
        "valid accuracy {:8.3f} ".format(
            epoch, time.time() - epoch_start_time, accu_val
        )
    )
    print("-" * 59)


print("Checking the results of test dataset.")
accu_test = evaluate(test_dataloader)
print("test accuracy {:8.3f}".format(accu_test))


ag_news_label = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tec"}


def predict(text, text_pipeline):
    with torch.no_grad():
        text = torch.tensor(text_pipeline(text))
        output = model(text, torch.tensor([0]))
        return output.argmax(1).item() + 1


ex_text_str = "the coach says the match of the season was a goal fest"  # [test] a Sports text

model = model.to("cpu")

print("This is a %s news" % ag_news_label[predict(ex_text_str, text_pipeline)])
