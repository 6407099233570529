"""The examples people run (examples/*.py), each in a subprocess as a user would run it.

Each runs on ember with a short setting and must learn (accuracy well above chance, loss
down); the digit classifiers also run in full and must reach 97% test accuracy.  Each is
also run as PyTorch code — its ``ember`` imports swapped for ``torch`` — which proves the
example is plain PyTorch, and, since ember's RNG and initialisation are torch's, the two
runs print the same losses and accuracies.

The subprocesses get one BLAS/OpenMP thread: the suite runs on two workers, and tiny
matrix products with a second BLAS thread on a busy core cost many times more, not less.
"""
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TEXT = EXAMPLES / "data" / "declaration_of_independence.txt"

TORCH_IMPORTS = {
    "import ember as torch\n": "import torch\n",
    "import ember.nn as nn\n": "import torch.nn as nn\n",
    "import ember.nn.functional as F\n": "import torch.nn.functional as F\n",
    "import ember.optim as optim\n": "import torch.optim as optim\n",
    "from ember.utils.data import": "from torch.utils.data import",
}
# Only the data may still come from ember in the PyTorch version (as NumPy arrays).
DATA_IMPORT = "from ember.datasets import load_digits"

# makes `import tqdm` / `import matplotlib` fail, as when the extra is not installed
BLOCK_EXTRAS = "import sys; sys.modules['tqdm'] = None; sys.modules['matplotlib'] = None"

NUMBER = re.compile(r"-?\d+\.\d+")
EPOCH = re.compile(r"epoch +\d+/\d+  loss (?P<loss>[\d.]+)  train acc +(?P<acc>[\d.]+)%  "
                   r"test loss (?P<test_loss>[\d.]+)  test acc +(?P<test_acc>[\d.]+)%$")


def _env():
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    return env


def torch_version(name, tmp_path):
    """examples/<name> with its ember imports swapped for torch's, written to tmp_path."""
    source = (EXAMPLES / name).read_text()
    assert "import ember as torch\n" in source
    for ours, theirs in TORCH_IMPORTS.items():
        source = source.replace(ours, theirs)
    leftover = [line for line in source.splitlines()
                if "ember" in line and line.startswith(("import", "from"))]
    assert all(line.startswith(DATA_IMPORT) for line in leftover), leftover
    path = tmp_path / name
    path.write_text(source)
    return path


def run(script, *args, block_extras=True, timeout=120):
    """Run an example script; returns (stdout, stderr).  Fails on a non-zero exit."""
    if block_extras:
        # run the script as __main__ after making the optional extras unimportable
        code = (f"{BLOCK_EXTRAS}; import runpy; sys.argv = {[str(script), *args]!r}; "
                f"runpy.run_path({str(script)!r}, run_name='__main__')")
        cmd = [sys.executable, "-c", code]
    else:
        cmd = [sys.executable, str(script), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(),
                          cwd=str(ROOT))
    assert proc.returncode == 0, f"{script} {args} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout, proc.stderr


def _final_accuracy(out):
    match = re.search(r"^test accuracy: ([\d.]+)%", out, re.MULTILINE)
    assert match, out
    return float(match.group(1))


def _numbers(lines):
    return [float(x) for line in lines for x in NUMBER.findall(line)]


def _lines(out, prefix):
    return [line for line in out.splitlines() if line.startswith(prefix)]


def _compare_runs(ember_lines, torch_lines, rtol, atol):
    """The same printed lines, their numbers equal to a tolerance (a time in seconds may
    differ: drop '(... s)' and '..., N s' first)."""
    strip = re.compile(r"\(?[\d.]+ s\)?")
    ember_lines = [strip.sub("", line) for line in ember_lines]
    torch_lines = [strip.sub("", line) for line in torch_lines]
    assert len(ember_lines) == len(torch_lines) > 0
    for el, tl in zip(ember_lines, torch_lines):
        assert NUMBER.sub("#", el) == NUMBER.sub("#", tl), f"\nember: {el}\ntorch: {tl}"
    assert _numbers(ember_lines) == pytest.approx(_numbers(torch_lines), rel=rtol, abs=atol)


# -- the digit classifiers --------------------------------------------------------------


@pytest.mark.slow
def test_digits_mlp_full():
    """The full run (30 epochs) reaches >= 97% on the held-out digits; without the extra
    it says which to install and trains all the same."""
    out, _ = run(EXAMPLES / "digits_mlp.py", "--no-plot")
    assert "pip install 'ember[examples]'" in out
    assert len(_lines(out, "epoch ")) == 30
    assert _final_accuracy(out) >= 97.0


@pytest.mark.slow
def test_digits_cnn_full():
    out, _ = run(EXAMPLES / "digits_cnn.py", "--no-plot")
    assert len(_lines(out, "epoch ")) == 20
    assert _final_accuracy(out) >= 97.0


@pytest.mark.parametrize("name", ["digits_mlp.py", "digits_cnn.py"])
def test_digits_short_run_is_torchs(name, tmp_path):
    """Three epochs: learns (well above the 10% of chance), and the same script on torch
    prints the same per-epoch losses and accuracies."""
    out, _ = run(EXAMPLES / name, "--epochs", "3", "--no-plot")
    epochs = _lines(out, "epoch ")
    assert len(epochs) == 3
    assert _final_accuracy(out) > 80.0
    losses = [float(re.search(r"loss ([\d.]+)", line).group(1)) for line in epochs]
    assert losses[-1] < losses[0] / 2
    torch_out, _ = run(torch_version(name, tmp_path), "--epochs", "3", "--no-plot")
    # the model's repr is torch's too
    assert out.split("epoch ")[0].splitlines()[1:] == \
        torch_out.split("epoch ")[0].splitlines()[1:]
    # Convolutions may sum in another order than torch's, so the runs may part by an image
    # now and then: accuracies agree to two test images (0.28% each), training losses to 1%.
    # The eval-mode test loss goes through BatchNorm's running statistics, where an ulp in a
    # conv bias's (ideally zero) gradient is amplified by Adam: torch itself moves it by 0.7%
    # between its own 1-thread, 2-thread and no-MKLDNN runs, so it is held to 3%.
    for el, tl in zip(epochs, _lines(torch_out, "epoch ")):
        e, t = EPOCH.match(el).groupdict(), EPOCH.match(tl).groupdict()
        assert float(e["loss"]) == pytest.approx(float(t["loss"]), rel=1e-2), (el, tl)
        assert float(e["test_loss"]) == pytest.approx(float(t["test_loss"]), rel=3e-2), (el, tl)
        for key in ("acc", "test_acc"):
            assert float(e[key]) == pytest.approx(float(t[key]), abs=0.6), (el, tl)


def test_digits_mlp_progress_bar_and_plot(tmp_path):
    png = tmp_path / "curves.png"
    out, err = run(EXAMPLES / "digits_mlp.py", "--epochs", "2", "--plot", str(png),
                   block_extras=False)
    assert "pip install" not in out
    assert "batch" in err and "loss=" in err and "acc=" in err      # tqdm's bar
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"saved the loss/accuracy curves to {png}" in out


# -- the character-level LSTM -----------------------------------------------------------


def test_char_rnn(tmp_path):
    """60 steps: the loss starts at about ln(61) (61 distinct characters, uniform guess)
    and falls well below it; the samples are printed.  On torch: the same losses."""
    args = ("--steps", "60", "--sample-len", "40", "--text", str(TEXT))
    out, _ = run(EXAMPLES / "char_rnn.py", *args)
    assert out.startswith("8,150 characters, 61 distinct")
    match = re.search(r"loss: first step ([\d.]+), mean of the last 20 steps ([\d.]+)", out)
    first, last = float(match.group(1)), float(match.group(2))
    assert abs(first - 4.11) < 0.15
    assert last < 2.8
    sample = out.split("sample after 60 steps (temperature 0.6):\n")[1].splitlines()[0]
    assert sample.startswith("We hold ") and len(sample) >= 40
    torch_out, _ = run(torch_version("char_rnn.py", tmp_path), *args)
    _compare_runs(_lines(out, "step "), _lines(torch_out, "step "), rtol=1e-2, atol=1e-2)


def test_char_rnn_gru():
    out, _ = run(EXAMPLES / "char_rnn.py", "--cell", "gru", "--steps", "40",
                 "--sample-len", "20")
    assert "(rnn): GRU(32, 128, batch_first=True)" in out
    match = re.search(r"loss: first step ([\d.]+), mean of the last 20 steps ([\d.]+)", out)
    assert float(match.group(2)) < float(match.group(1)) - 0.8


# -- the Transformer ----------------------------------------------------------------------


def test_transformer_toy_sort(tmp_path):
    """150 steps of sorting: most tokens right (chance: 10%).  On torch: the same run."""
    out, _ = run(EXAMPLES / "transformer_toy.py", "--steps", "150")
    match = re.search(r"test token accuracy: ([\d.]+)%", out)
    assert float(match.group(1)) > 60.0
    torch_out, _ = run(torch_version("transformer_toy.py", tmp_path), "--steps", "150")
    _compare_runs(_lines(out, "step "), _lines(torch_out, "step "), rtol=2e-2, atol=2e-2)


def test_transformer_toy_reverse():
    out, _ = run(EXAMPLES / "transformer_toy.py", "--task", "reverse", "--steps", "100")
    match = re.search(r"test token accuracy: ([\d.]+)%", out)
    assert float(match.group(1)) > 60.0
