"""ember's main demo: train a small CNN on the handwritten digits that ship with ember.

    python -m ember.demo [--epochs 12] [--batch-size 32] [--lr 0.002] [--out runs/ember-demo]

It is an ordinary PyTorch-style program (Conv2d, ReLU, MaxPool2d, Dropout, Linear,
CrossEntropyLoss, Adam, StepLR, DataLoader), with a progress bar per epoch, TensorBoard logs
when the ``tensorboard`` extra is installed, a checkpoint save + reload, and the final test
accuracy. No network access is needed: ``ember.vision.datasets.Digits`` is embedded.
"""
import argparse
import os
import sys
import time

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms


class DigitsCNN(nn.Module):
    """A seed-style CNN for 1x8x8 digit images."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),                                   # 32 x 4 x 4
            nn.Conv2d(32, 64, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),                                   # 64 x 2 x 2
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 2 * 2, 128), nn.ReLU(),
            nn.Linear(128, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def _progress(iterable, total, desc):
    try:
        from tqdm import tqdm
        return tqdm(iterable, total=total, desc=desc, leave=False, file=sys.stdout)
    except ImportError:
        return _PlainProgress(iterable, total, desc)


class _PlainProgress:
    """A text progress bar for when tqdm is not installed."""

    def __init__(self, iterable, total, desc):
        self.iterable, self.total, self.desc = iterable, total, desc

    def __iter__(self):
        width = 30
        for i, item in enumerate(self.iterable, 1):
            filled = width * i // self.total
            sys.stdout.write(f"\r{self.desc} [{'#' * filled}{'.' * (width - filled)}] "
                             f"{i}/{self.total}")
            sys.stdout.flush()
            yield item
        sys.stdout.write("\r" + " " * (len(self.desc) + width + 20) + "\r")

    def set_postfix(self, **kw):
        pass


def _summary_writer(log_dir):
    try:
        from ember.utils.tensorboard import SummaryWriter
        return SummaryWriter(log_dir)
    except ImportError:
        return None


def evaluate(model, loader):
    """Accuracy of ``model`` on ``loader``."""
    model.eval()
    correct = total = 0
    with ember.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            total += y.numel()
    return correct / total


def main(argv=None):
    ap = argparse.ArgumentParser(description="Train a CNN on ember's embedded digits dataset.")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--out", default=os.path.join("runs", "ember-demo"),
                    help="output directory for TensorBoard logs and the checkpoint")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    t0 = time.time()
    ember.manual_seed(args.seed)
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize([0.5], [0.5])])
    train_set = datasets.Digits(train=True, transform=tf)
    test_set = datasets.Digits(train=False, transform=tf)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=256)
    print(f"Digits: {len(train_set)} training and {len(test_set)} test images (8x8, 10 classes)")

    model = DigitsCNN()
    print(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = ember.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = ember.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)

    os.makedirs(args.out, exist_ok=True)
    writer = _summary_writer(args.out)
    if writer is not None:
        images, _ = next(iter(test_loader))
        from ember.vision.utils import make_grid
        writer.add_image("test_images", make_grid(images[:64] * 0.5 + 0.5, nrow=8), 0)

    step = 0
    for epoch in range(1, args.epochs + 1):
        model.train()
        running = 0.0
        bar = _progress(train_loader, len(train_loader), f"epoch {epoch}/{args.epochs}")
        for x, y in bar:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item()
            step += 1
            if writer is not None:
                writer.add_scalar("train/loss", loss.item(), step)
        scheduler.step()
        acc = evaluate(model, test_loader)
        if writer is not None:
            writer.add_scalar("test/accuracy", acc, epoch)
            writer.add_scalar("lr", scheduler.get_last_lr()[0], epoch)
        print(f"epoch {epoch:2d}  loss {running / len(train_loader):.4f}  "
              f"test accuracy {acc:.2%}  lr {scheduler.get_last_lr()[0]:.5f}")

    ckpt = os.path.join(args.out, "digits_cnn.pth")
    ember.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "epoch": args.epochs}, ckpt)
    restored = DigitsCNN()
    restored.load_state_dict(ember.load(ckpt)["model"])
    acc = evaluate(restored, test_loader)
    print(f"saved {ckpt} and reloaded it: test accuracy {acc:.2%}")
    if writer is not None:
        writer.close()
        print(f"TensorBoard logs in {args.out}: view them with  tensorboard --logdir {args.out}")
    else:
        print('(install "ember[tensorboard]" to log to TensorBoard)')
    print(f"done in {time.time() - t0:.1f} s")
    return acc


if __name__ == "__main__":
    main()
