"""``python -m ember run script.py [args...]``: run an unmodified PyTorch script on ember.

``import torch`` and ``import torch.<sub>`` in the script (and in what it imports) resolve
to ember's modules for that run only; see ember.compat.  ``python -m ember run -m pkg.mod``
runs a module the same way.
"""
import sys

USAGE = """usage: python -m ember run script.py [args ...]
       python -m ember run -m module [args ...]

Runs a PyTorch script unchanged on ember: `import torch` (and torch.nn, torch.optim,
torch.utils.data, ...) resolve to ember's modules for this run only."""


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    if not argv or argv[0] != "run" or len(argv) < 2 or argv[1:] == ["-m"]:
        print(USAGE, file=sys.stderr)
        return 2
    from .compat import run_module, run_script
    if argv[1] == "-m":
        return run_module(argv[2], argv[3:])
    return run_script(argv[1], argv[2:])


if __name__ == "__main__":
    sys.exit(main())
