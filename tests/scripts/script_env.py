"""Prints what a script sees of its own run, then fails at a known line when asked to."""
import os
import sys

import torch

print("name", __name__)
print("argv", sys.argv[1:])
print("file", os.path.basename(__file__))
print("path0", os.path.basename(sys.path[0]))
print("tensor", type(torch.ones(2)).__name__, torch.ones(2).sum().item())


def fail():
    values = torch.tensor([1.0, 2.0])
    raise ValueError(f"failing on purpose with {values.sum().item()}")


if "--fail" in sys.argv:
    fail()
if "--exit" in sys.argv:
    sys.exit(3)
