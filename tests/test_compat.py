"""``python -m ember run script.py``: unmodified PyTorch scripts (tests/scripts/) on ember.

The scripts also run under the real torch (in this process, through runpy, or as
``python script.py``), and what they print, the files they write, their exit codes and their
tracebacks are compared.
"""
import os
import runpy
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from ember import compat

SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scripts")


def script(name):
    return os.path.join(SCRIPTS, name)


def run_ember(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ember", "run", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def run_with_torch_here(path, args, capsys, monkeypatch):
    """Run a script under the real torch in this process; return what it printed."""
    monkeypatch.setattr(sys, "argv", [path, *args])
    capsys.readouterr()
    runpy.run_path(path, run_name="__main__")
    return capsys.readouterr().out


def test_run_training_script_same_output_and_checkpoint(tmp_path, capsys, monkeypatch):
    args = ["--epochs", "3", "--lr", "0.05"]
    proc = run_ember(script("train_mlp.py"), *args, "--save", str(tmp_path / "e.pt"))
    assert proc.returncode == 0, proc.stderr
    expected = run_with_torch_here(script("train_mlp.py"), args + ["--save",
                                   str(tmp_path / "t.pt")], capsys, monkeypatch)
    got_lines = proc.stdout.splitlines()
    want_lines = expected.splitlines()
    assert got_lines[:-1] == want_lines[:-1]              # the losses, accuracies, probe
    assert got_lines[-1] == f"saved {tmp_path / 'e.pt'}"
    e = torch.load(tmp_path / "e.pt", weights_only=True)   # ember's checkpoint, read by torch
    t = torch.load(tmp_path / "t.pt", weights_only=True)
    assert e["epoch"] == t["epoch"] == 3
    assert e["optimizer"]["param_groups"] == t["optimizer"]["param_groups"]
    for k in t["model"]:
        np.testing.assert_allclose(e["model"][k].numpy(), t["model"][k].numpy(), rtol=1e-5,
                                   atol=1e-6, err_msg=k)
    for i, st in t["optimizer"]["state"].items():
        np.testing.assert_allclose(e["optimizer"]["state"][i]["momentum_buffer"].numpy(),
                                   st["momentum_buffer"].numpy(), rtol=1e-4, atol=1e-6)


def test_run_script_argv_name_and_path():
    proc = run_ember(script("script_env.py"), "a", "--b", "3")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "name __main__", "argv ['a', '--b', '3']", "file script_env.py", "path0 scripts",
        "tensor Tensor 2.0"]


def test_run_script_traceback_and_exit_codes_as_python():
    ember_proc = run_ember(script("script_env.py"), "--fail")
    python_proc = subprocess.run([sys.executable, script("script_env.py"), "--fail"],
                                 capture_output=True, text=True, timeout=120)
    assert ember_proc.returncode == python_proc.returncode == 1
    assert ember_proc.stdout.splitlines()[:4] == python_proc.stdout.splitlines()[:4]
    assert ember_proc.stderr == python_proc.stderr            # the whole traceback
    assert f'File "{script("script_env.py")}", line 16, in fail' in ember_proc.stderr
    assert run_ember(script("script_env.py"), "--exit").returncode == 3


def test_run_unsupported_api_names_it():
    proc = run_ember(script("uses_fft.py"))
    assert proc.returncode == 1
    assert proc.stdout == "linear ok (1, 8)\n"
    lines = proc.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[1] == f'  File "{script("uses_fft.py")}", line 12, in <module>'
    assert f'  File "{script("uses_fft.py")}", line 7, in spectrum' in lines
    assert lines[-1] == ("ember.compat.UnsupportedError: torch.fft.rfft is not supported by "
                         "ember yet")


def test_run_script_loading_a_torch_checkpoint(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2))
    inputs = torch.randn(4, 3)
    torch.save({"model": model.state_dict(), "inputs": inputs, "note": "from torch"},
               tmp_path / "in.pt")
    proc = run_ember(script("load_checkpoint.py"), str(tmp_path / "in.pt"),
                     str(tmp_path / "out.pt"))
    assert proc.returncode == 0, proc.stderr
    with torch.no_grad():
        expected = model(inputs)
    printed = eval(proc.stdout.split("out ", 1)[1])          # noqa: S307 - our own output
    np.testing.assert_allclose(printed, expected.flatten().numpy(), rtol=1e-5, atol=1e-6)
    out = torch.load(tmp_path / "out.pt", weights_only=True)
    assert out["note"] == "from torch"
    np.testing.assert_allclose(out["outputs"].numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)


HOOK_CHECKS = textwrap.dedent('''
    import sys
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim.lr_scheduler as sched
    from torch import optim
    from torch.utils.data import DataLoader, TensorDataset
    import torch.fft
    import ember

    assert torch.Tensor is ember.Tensor and torch.float32 is ember.float32
    assert nn.Linear is ember.nn.Linear and F.relu is ember.nn.functional.relu
    assert sched.StepLR is ember.optim.lr_scheduler.StepLR and optim.SGD is ember.optim.SGD
    assert DataLoader is ember.utils.data.DataLoader
    assert torch.nn is sys.modules["torch.nn"] and torch.nn.functional is F
    assert torch.linalg.vector_norm is ember.linalg.vector_norm
    assert torch.autograd.grad is ember.autograd.grad
    assert isinstance(torch.zeros(2), torch.Tensor)
    assert torch.cuda.is_available() is False and torch.cuda.device_count() == 0
    torch.cuda.manual_seed_all(0)
    assert torch.backends.mps.is_available() is False
    torch.backends.cudnn.benchmark = True
    assert torch.device("cuda" if torch.cuda.is_available() else "cpu").type == "cpu"
    assert not hasattr(torch, "stft") and getattr(torch.nn, "NoSuchLayer", None) is None

    def message(fn):
        try:
            fn()
        except Exception as e:
            return type(e).__name__, isinstance(e, NotImplementedError), str(e)
    print(message(lambda: torch.fft.rfft))
    print(message(lambda: torch.stft))
    print(message(lambda: torch.nn.NoSuchLayer))
    print(message(lambda: torch.fft.rfft))
    print(message(lambda: torch.cuda.synchronize()))
    print(message(lambda: __import__("torch.no_such_module")))
    print(message(lambda: __import__("torch.ao.quantization")))
    import torch.ao.quantization as normal
    print(message(lambda: normal.QuantStub))
''')


def test_import_hook_resolves_and_names_missing_apis(tmp_path):
    (tmp_path / "checks.py").write_text(HOOK_CHECKS)
    proc = run_ember(str(tmp_path / "checks.py"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "('UnsupportedError', True, 'torch.fft.rfft is not supported by ember yet')",
        "('_UnsupportedAttributeError', True, 'torch.stft is not supported by ember yet')",
        "('_UnsupportedAttributeError', True, 'torch.nn.NoSuchLayer is not supported by ember "
        "yet')",
        "('UnsupportedError', True, 'torch.fft.rfft is not supported by ember yet')",
        "('AssertionError', False, 'Torch not compiled with CUDA enabled')",
        "('ModuleNotFoundError', False, \"No module named 'torch.no_such_module': "
        "torch.no_such_module is not supported by ember yet\")",
        "None",                                  # importing torch.ao.quantization works
        "('UnsupportedError', True, 'torch.ao.quantization.QuantStub is not supported by "
        "ember yet')",
    ]


def test_run_module_flag(tmp_path):
    pkg = tmp_path / "mypkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "train.py").write_text("import sys, torch\nprint(__name__, sys.argv[1:], "
                                  "type(torch.ones(1)).__module__)\n")
    proc = run_ember("-m", "mypkg.train", "x", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "__main__ ['x'] ember._tensor\n"


def test_run_missing_script_as_python(capsys):
    assert compat.run_script("no/such/script.py") == 2
    err = capsys.readouterr().err
    assert err == (f"{sys.executable}: can't open file "
                   f"{os.path.abspath('no/such/script.py')!r}: [Errno 2] No such file or "
                   "directory\n")


def test_main_usage(capsys):
    from ember.__main__ import main
    assert main(["--help"]) == 0
    assert "python -m ember run script.py" in capsys.readouterr().out
    assert main([]) == 2 and main(["walk", "x.py"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_install_refuses_when_real_torch_is_loaded():
    assert "torch" in sys.modules and not isinstance(sys.modules["torch"], types_module())
    with pytest.raises(RuntimeError, match="already imported"):
        compat.install()
    assert not compat.installed()


def types_module():
    return compat._TorchModule


def test_supported_modules_lists_ember_modules():
    mods = compat.supported_modules()
    for name in ("torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.optim",
                 "torch.optim.lr_scheduler", "torch.utils.data", "torch.autograd",
                 "torch.linalg", "torch.serialization"):
        assert name in mods, name
    assert mods["torch.nn.functional"] == "ember.nn.functional"
    assert all(not k.rpartition(".")[2].startswith("_") for k in mods)
