"""A character-level language model (LSTM or GRU) trained on ember, then sampled.

The text: the Declaration of Independence (1776, public domain; examples/data/README.md).
The model reads 64 characters at a time and learns to predict each next character:
an embedding of the characters, one recurrent layer of 128 units, a linear read-out.  After
a few hundred Adam steps on random windows of the text it writes recognisable phrases;
the samples are printed before and after training.

This is PyTorch code: change the three ``ember`` imports below to ``torch`` and it runs
unchanged on PyTorch.

    python examples/char_rnn.py                    # LSTM, 300 steps
    python examples/char_rnn.py --cell gru --steps 500 --temperature 0.5
"""
import argparse
import os
import time

import ember as torch
import ember.nn as nn
import ember.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = os.path.join(HERE, "data", "declaration_of_independence.txt")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--text", default=TEXT, help="a UTF-8 text file to learn from")
    parser.add_argument("--cell", choices=("lstm", "gru"), default="lstm")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--lr", type=float, default=5e-3)
    parser.add_argument("--temperature", type=float, default=0.6)
    parser.add_argument("--sample-len", type=int, default=300)
    parser.add_argument("--prompt", default="We hold ")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size, cell="lstm", embedding_dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embedding_dim)
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, state=None):
        """x: (batch, time) character ids -> (batch, time, vocab) logits, new state."""
        out, state = self.rnn(self.embed(x), state)
        return self.head(out), state


def random_batch(data, batch_size, seq_len):
    """batch_size windows of seq_len + 1 characters at random offsets: inputs, targets."""
    starts = torch.randint(0, len(data) - seq_len - 1, (batch_size, 1))
    windows = data[starts + torch.arange(seq_len + 1)]
    return windows[:, :-1], windows[:, 1:]


def sample(model, prompt, length, temperature, stoi, itos):
    """Feed the prompt, then draw one character at a time from softmax(logits / T)."""
    model.eval()
    with torch.no_grad():
        x = torch.tensor([[stoi[c] for c in prompt]])
        logits, state = model(x)
        chars = []
        for _ in range(length):
            probs = F.softmax(logits[0, -1] / temperature, dim=-1)
            nxt = torch.multinomial(probs, 1)
            chars.append(itos[nxt.item()])
            logits, state = model(nxt.view(1, 1), state)
    model.train()
    return prompt + "".join(chars)


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    with open(args.text, encoding="utf-8") as f:
        text = f.read()
    itos = sorted(set(text))
    stoi = {c: i for i, c in enumerate(itos)}
    data = torch.tensor([stoi[c] for c in text])
    print(f"{len(text):,} characters, {len(itos)} distinct, from {os.path.basename(args.text)}")

    model = CharRNN(len(itos), args.hidden, args.cell)
    print(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    criterion = nn.CrossEntropyLoss()
    print(f"\nsample before training:\n{sample(model, args.prompt, 80, 1.0, stoi, itos)}\n")

    losses = []
    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        x, y = random_batch(data, args.batch_size, args.seq_len)
        logits, _ = model(x)
        loss = criterion(logits.reshape(-1, len(itos)), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        losses.append(loss.item())
        if step == 1 or step % 50 == 0 or step == args.steps:
            print(f"step {step:4d}/{args.steps}  loss {loss.item():.4f}  "
                  f"({time.perf_counter() - start:.1f} s)", flush=True)
    seconds = time.perf_counter() - start

    print(f"\nsample after {args.steps} steps (temperature {args.temperature}):\n"
          f"{sample(model, args.prompt, args.sample_len, args.temperature, stoi, itos)}\n")
    last = losses[-min(20, len(losses)):]
    print(f"loss: first step {losses[0]:.4f}, mean of the last {len(last)} steps "
          f"{sum(last) / len(last):.4f}; {args.steps} steps in {seconds:.1f} s")


if __name__ == "__main__":
    main()
