"""A small Transformer encoder that learns to sort, trained on ember.

The task (synthetic, drawn fresh every step): a sequence of 10 digits 0-9 in, the same
digits in ascending order out, one prediction per position.  No position can be answered
from its own token: the model has to count, through attention, how many tokens of the
sequence are smaller.  The model: token and learned position embeddings, a 2-layer
``nn.TransformerEncoder`` (d_model 64, 4 heads), a linear read-out; trained with Adam, it
prints the accuracy per token and per whole sequence on 1,000 held-out sequences.

This is PyTorch code: change the two ``ember`` imports below to ``torch`` and it runs
unchanged on PyTorch.

    python examples/transformer_toy.py             # 600 steps
    python examples/transformer_toy.py --task reverse --steps 300
"""
import argparse
import time

import ember as torch
import ember.nn as nn


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--task", choices=("sort", "reverse"), default="sort")
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seq-len", type=int, default=10)
    parser.add_argument("--vocab", type=int, default=10, help="tokens are 0 .. vocab-1")
    parser.add_argument("--d-model", type=int, default=64)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def make_batch(task, batch_size, seq_len, vocab, generator=None):
    """Random token sequences and their targets (sorted or reversed)."""
    x = torch.randint(0, vocab, (batch_size, seq_len), generator=generator)
    if task == "sort":
        y = x.sort(dim=1).values
    else:
        y = x.flip(1)
    return x, y


class SeqToSeq(nn.Module):
    def __init__(self, vocab, seq_len, d_model, nhead, num_layers):
        super().__init__()
        self.tokens = nn.Embedding(vocab, d_model)
        self.positions = nn.Embedding(seq_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=2 * d_model,
                                           dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers)
        self.head = nn.Linear(d_model, vocab)

    def forward(self, x):
        positions = torch.arange(x.shape[1])
        h = self.tokens(x) + self.positions(positions)
        return self.head(self.encoder(h))


def evaluate(model, x, y):
    """(token accuracy, sequence accuracy) of the model on the batch x -> y."""
    model.eval()
    with torch.no_grad():
        correct = model(x).argmax(dim=-1) == y
    model.train()
    return correct.float().mean().item(), correct.all(dim=1).float().mean().item()


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    model = SeqToSeq(args.vocab, args.seq_len, args.d_model, args.heads, args.layers)
    print(model)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{n_params:,} parameters; task: {args.task} {args.seq_len} tokens of "
          f"0..{args.vocab - 1}")
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr,
                                                    total_steps=args.steps)
    criterion = nn.CrossEntropyLoss()
    # held-out sequences from their own generator: the training draws never see them
    test_x, test_y = make_batch(args.task, 1000, args.seq_len, args.vocab,
                                generator=torch.Generator().manual_seed(args.seed + 1))
    token_acc, seq_acc = evaluate(model, test_x, test_y)
    print(f"before training: token accuracy {token_acc:.1%}, sequence accuracy {seq_acc:.1%}")

    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        x, y = make_batch(args.task, args.batch_size, args.seq_len, args.vocab)
        logits = model(x)
        loss = criterion(logits.reshape(-1, args.vocab), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        if step == 1 or step % 100 == 0 or step == args.steps:
            token_acc, seq_acc = evaluate(model, test_x, test_y)
            print(f"step {step:4d}/{args.steps}  loss {loss.item():.4f}  "
                  f"token accuracy {token_acc:6.1%}  sequence accuracy {seq_acc:6.1%}  "
                  f"({time.perf_counter() - start:.1f} s)", flush=True)
    seconds = time.perf_counter() - start

    model.eval()
    with torch.no_grad():
        prediction = model(test_x[:3]).argmax(dim=-1)
    for inp, out in zip(test_x[:3].tolist(), prediction.tolist()):
        print(f"  {inp} -> {out}")
    token_acc, seq_acc = evaluate(model, test_x, test_y)
    chance = 1 / args.vocab
    print(f"test token accuracy: {token_acc:.2%} (chance {chance:.0%}), "
          f"sequence accuracy: {seq_acc:.2%}; {args.steps} steps in {seconds:.1f} s")


if __name__ == "__main__":
    main()
