"""ember.save / ember.load against torch.save / torch.load (torch 2.13.0 is the oracle).

* files written by ember are byte for byte the files torch writes for the same data;
* torch.load(weights_only=True) reads what ember writes (every dtype, views, shared storages,
  containers, Parameters, optimizer state), in both the zip and the legacy format;
* files written by torch load in a subprocess where ``import torch`` fails, so ember needs no
  torch: state dicts, optimizer state, checkpoints, every dtype, views, both formats, and a
  torch-trained model gives the same outputs in ember;
* hostile and broken files are refused with clear errors and nothing in them runs;
* save never leaves a half-written file.
"""
import io
import os
import pickle
import struct
import subprocess
import sys
import textwrap
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from ember import serialization

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def torch_bytes(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    return buf.getvalue()


def ember_bytes(obj, **kw):
    buf = io.BytesIO()
    ember.save(obj, buf, **kw)
    return buf.getvalue()


def torch_load(data, **kw):
    return torch.load(io.BytesIO(data), **kw)


def ember_load(data, **kw):
    return ember.load(io.BytesIO(data), **kw)


def raises(fn):
    """(type name, str(e)) of what fn raises."""
    try:
        fn()
    except Exception as e:           # noqa: BLE001 - the exception is what is compared
        return type(e).__name__, str(e)
    raise AssertionError("no exception raised")


def same_error(torch_fn, ember_fn):
    t, e = raises(torch_fn), raises(ember_fn)
    assert t == e, f"\ntorch: {t}\nember: {e}"
    return e


def rebuild_zip(data, edit):
    """A copy of a checkpoint's zip with its records passed through edit(name, bytes) -> bytes
    or None (to drop the record); the zip itself stays valid (new CRCs)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            new = edit(info.filename, src.read(info))
            if new is not None:
                dst.writestr(info.filename, new)
    return out.getvalue()


def assert_tensor_equal(t_out, e_out):
    assert isinstance(e_out, ember.Tensor), type(e_out)
    assert repr(e_out.dtype) == str(t_out.dtype)
    assert tuple(e_out.shape) == tuple(t_out.shape)
    assert e_out.requires_grad == t_out.requires_grad
    np.testing.assert_array_equal(e_out.detach().numpy(), t_out.detach().numpy())


def assert_same_structure(t_obj, e_obj, path="obj"):
    """torch object against ember object: tensors by value, containers by type and keys."""
    if isinstance(t_obj, torch.Tensor):
        assert isinstance(t_obj, torch.nn.Parameter) == isinstance(e_obj, ember.nn.Parameter), path
        assert_tensor_equal(t_obj, e_obj)
    elif isinstance(t_obj, dict):
        assert type(e_obj) is type(t_obj), path
        assert list(e_obj) == list(t_obj), path
        assert getattr(e_obj, "_metadata", None) == getattr(t_obj, "_metadata", None), path
        for k in t_obj:
            assert_same_structure(t_obj[k], e_obj[k], f"{path}[{k!r}]")
    elif isinstance(t_obj, torch.Size):
        assert isinstance(e_obj, ember.Size) and tuple(e_obj) == tuple(t_obj), path
    elif isinstance(t_obj, (list, tuple)):
        assert type(e_obj) is type(t_obj) and len(e_obj) == len(t_obj), path
        for i, (a, b) in enumerate(zip(t_obj, e_obj)):
            assert_same_structure(a, b, f"{path}[{i}]")
    elif isinstance(t_obj, torch.dtype):
        assert repr(e_obj) == str(t_obj), path
    elif isinstance(t_obj, torch.device):
        assert isinstance(e_obj, ember.device) and str(e_obj) == str(t_obj), path
    else:
        assert type(e_obj) is type(t_obj) and e_obj == t_obj, path


# The same lambda builds the same data with either library ("lib" is torch or ember).
def _all_dtypes(lib):
    vals = [0, 1, -2, 3, 127]
    out = {}
    for name in ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
                 "float64", "complex64", "complex128"):
        d = getattr(lib, name)
        v = [abs(x) for x in vals] if name == "uint8" else vals
        out[name] = lib.tensor(v, dtype=d).reshape(5, 1)
    out["special"] = lib.tensor([float("nan"), float("inf"), -float("inf"), -0.0, 1e-40])
    out["complex"] = lib.tensor([1 + 2j, -3.5j], dtype=lib.complex128)
    return out


def _views(lib):
    base = lib.arange(24.).reshape(4, 6)
    return OrderedDict([("base", base), ("row", base[2]), ("col", base[:, 3]),
                        ("t", base.t()), ("block", base[1:3, 2:5]), ("strided", base[::2, ::3]),
                        ("flat", base.view(-1)), ("exp", lib.ones(3, 1).expand(3, 4)),
                        ("other", lib.tensor([7, 8, 9]))])


def _nested(lib):
    return {"list": [lib.ones(2), [lib.zeros(1), (lib.tensor(3), "s")]],
            "tuple": (1, 2.5, None, True, "text", b"bytes"),
            "dict": {"a": {"b": {"c": lib.full((2, 2), 7.0)}}, 3: "int key"},
            "scalars": [0, -1, 2 ** 40, 1e300, -0.5, float("inf"), 1 + 2j],
            "set": {1, 2, 3}, "empty": [[], {}, ()], "unicode": "päx ∂",
            "dtype": lib.float16, "size": lib.Size([2, 3]), "device": lib.device("cpu"),
            "zero_d": lib.tensor(2.5), "zero_size": lib.zeros(0, 3),
            "param": lib.nn.Parameter(lib.tensor([1.0, -1.0])),
            "frozen": lib.nn.Parameter(lib.tensor([2.0]), requires_grad=False)}


def _linear_state(lib):
    lib.manual_seed(0)
    return lib.nn.Linear(3, 2).state_dict()


def _model_and_optimizer(lib):
    lib.manual_seed(1)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.ReLU(),
                              lib.nn.Linear(4, 2))
    opt = lib.optim.Adam(model.parameters(), lr=0.01)
    x = lib.randn(8, 3)
    for _ in range(2):
        opt.zero_grad()
        model(x).square().mean().backward()
        opt.step()
    return {"epoch": 2, "model": model.state_dict(), "optimizer": opt.state_dict(),
            "loss": 0.25, "name": "run-1"}


def _untrained_checkpoint(lib):
    lib.manual_seed(1)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    return {"epoch": 0, "model": model.state_dict(), "optimizer": opt.state_dict()}


def _many(n):
    return lambda lib: [lib.full((1,), float(i)) for i in range(n)]


CASES = {"linear_state_dict": _linear_state, "all_dtypes": _all_dtypes, "views": _views,
         "nested": _nested, "checkpoint": _model_and_optimizer, "tensor": lambda lib:
         lib.arange(5), "no_tensors": lambda lib: {"a": [1, 2], "b": "x"},
         "many_storages_0": _many(0), "many_storages_9": _many(9),
         "many_storages_40": _many(40)}


# ---------------------------------------------------------------------------------------------
# ember writes torch's bytes
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(set(CASES) - {"checkpoint"}) + ["untrained"])
def test_save_bytes_identical_to_torch(case):
    make = _untrained_checkpoint if case == "untrained" else CASES[case]
    t, e = torch_bytes(make(torch)), ember_bytes(make(ember))
    if t != e:                      # show which record differs
        zt, ze = zipfile.ZipFile(io.BytesIO(t)), zipfile.ZipFile(io.BytesIO(e))
        assert [i.filename for i in ze.infolist()] == [i.filename for i in zt.infolist()]
        for a, b in zip(zt.infolist(), ze.infolist()):
            assert (b.header_offset, ze.read(b)) == (a.header_offset, zt.read(a)), a.filename
    assert e == t


@pytest.mark.parametrize("case", sorted(CASES))
def test_resave_torch_file_gives_torch_bytes(case):
    t = torch_bytes(CASES[case](torch))
    assert ember_bytes(ember_load(t)) == t


def test_save_bytes_identical_to_torch_on_paths(tmp_path):
    obj = _linear_state(torch), _linear_state(ember)
    (tmp_path / "t").mkdir()
    (tmp_path / "e").mkdir()
    for name, folder in (("model.pt", "model/"), ("weights.v2.pth", "weights.v2/"),
                         ("noext", "noext/"), ("naïve.pt", "archive/")):
        torch.save(obj[0], tmp_path / "t" / name)
        ember.save(obj[1], tmp_path / "e" / name)
        e = (tmp_path / "e" / name).read_bytes()
        assert zipfile.ZipFile(io.BytesIO(e)).namelist()[0] == folder + "data.pkl"
        assert e == (tmp_path / "t" / name).read_bytes()


def test_save_records_layout():
    data = ember_bytes({"w": ember.ones(3), "b": ember.zeros(2, dtype=ember.int64)})
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = [i.filename for i in zf.infolist()]
    assert names == ["archive/data.pkl", "archive/.format_version",
                     "archive/.storage_alignment", "archive/byteorder", "archive/data/0",
                     "archive/data/1", "archive/version", "archive/.data/serialization_id"]
    for info in zf.infolist():
        assert info.compress_type == zipfile.ZIP_STORED
        name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:
                                                        info.header_offset + 30])
        assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0, info.filename
    assert zf.read("archive/version") == b"3\n"
    assert zf.read("archive/byteorder") == b"little"
    assert zf.read("archive/data.pkl")[:2] == b"\x80\x02"          # pickle protocol 2
    assert len(zf.read("archive/.data/serialization_id")) == 40
    np.testing.assert_array_equal(np.frombuffer(zf.read("archive/data/1"), np.int64), [0, 0])


# ---------------------------------------------------------------------------------------------
# torch reads what ember writes
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
@pytest.mark.parametrize("case", ["all_dtypes", "views", "nested", "checkpoint"])
def test_torch_loads_ember_file_weights_only(case, legacy):
    e_obj = CASES[case](ember)
    data = ember_bytes(e_obj, _use_new_zipfile_serialization=not legacy)
    t_obj = torch_load(data, weights_only=True)
    assert_same_structure(t_obj, e_obj)


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_torch_loads_ember_views_sharing_storage(legacy):
    data = ember_bytes(_views(ember), _use_new_zipfile_serialization=not legacy)
    t = torch_load(data, weights_only=True)
    ptr = t["base"].untyped_storage().data_ptr()
    for k in ("row", "col", "t", "block", "strided", "flat"):
        assert t[k].untyped_storage().data_ptr() == ptr, k
    assert t["t"].stride() == (1, 6) and t["row"].storage_offset() == 12
    assert t["exp"].stride() == (1, 0)
    t["base"][2, 3] = -1.0                        # one storage: the views see the write
    assert t["row"][3].item() == -1.0 and t["col"][2].item() == -1.0
    assert t["other"].untyped_storage().data_ptr() != ptr


def test_torch_loads_ember_empty_and_zero_dim():
    data = ember_bytes([ember.zeros(0), ember.zeros(2, 0, 3), ember.tensor(5), ember.ones(())])
    out = torch_load(data, weights_only=True)
    assert [tuple(t.shape) for t in out] == [(0,), (2, 0, 3), (), ()]
    assert out[2].item() == 5 and out[2].dtype == torch.int64


def test_save_fortran_order_and_negative_strides():
    from ember._tensor import _make
    fortran = ember.from_numpy(np.asfortranarray(np.arange(6.).reshape(2, 3)))
    reversed_ = _make(np.arange(4, dtype=np.float32)[::-1])   # a view torch cannot express
    t = torch_load(ember_bytes([fortran, fortran.t(), reversed_]), weights_only=True)
    assert t[0].stride() == (1, 2) and t[1].stride() == (2, 1)
    assert t[0].untyped_storage().data_ptr() == t[1].untyped_storage().data_ptr()
    np.testing.assert_array_equal(t[0].numpy(), np.arange(6.).reshape(2, 3))
    np.testing.assert_array_equal(t[2].numpy(), [3, 2, 1, 0])       # saved as a copy


def test_load_conj_and_neg_bits():
    z = torch.tensor([1 + 2j, 3 - 1j])
    data = torch_bytes({"c": z.conj(), "n": z.clone().conj().imag})
    t, e = torch_load(data), ember_load(data)
    np.testing.assert_array_equal(e["c"].numpy(), t["c"].resolve_conj().numpy())
    np.testing.assert_array_equal(e["n"].numpy(), t["n"].resolve_neg().numpy())


def test_save_refuses_views_of_one_buffer_as_two_dtypes():
    t, e = torch.arange(4.), ember.arange(4.)
    same_error(lambda: torch_bytes([t, t.view(torch.int32)]),
               lambda: ember_bytes([e, e.view(ember.int32)]))


# ---------------------------------------------------------------------------------------------
# ember reads what torch writes, in a process where torch cannot be imported
# ---------------------------------------------------------------------------------------------
NO_TORCH_LOADER = textwrap.dedent("""
    import pickle, sys
    sys.modules["torch"] = None            # `import torch` raises ImportError from here on
    import numpy as np
    import ember
    from collections import OrderedDict

    def plain(obj):
        if isinstance(obj, ember.Tensor):
            arr = obj.detach().numpy()
            return ("tensor", type(obj).__name__, repr(obj.dtype), arr.copy(),
                    obj.requires_grad)
        if isinstance(obj, (ember.dtype, ember.device, ember.Size)):
            return (type(obj).__name__, repr(obj))
        if isinstance(obj, dict):
            return (type(obj).__name__, [(k, plain(v)) for k, v in obj.items()],
                    getattr(obj, "_metadata", None))
        if isinstance(obj, (list, tuple)):
            return (type(obj).__name__, [plain(v) for v in obj])
        return ("value", obj)

    folder = sys.argv[1]
    results = {}
    for name in sorted(__import__("os").listdir(folder)):
        if not name.endswith(".pt"):
            continue
        obj = ember.load(f"{folder}/{name}")
        results[name] = plain(obj)
        if name.startswith("views"):
            base = obj["base"].numpy()
            results[name + ":shared"] = [np.shares_memory(base, obj[k].numpy())
                                         for k in ("row", "col", "t", "block", "flat", "other")]
            obj["base"][2, 3] = -1.0
            results[name + ":write"] = (obj["row"][3].item(), obj["col"][2].item())

    # a torch-trained model's state dict in the same architecture built with ember
    state = ember.load(f"{folder}/mlp_state.bin")
    model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.BatchNorm1d(8),
                                ember.nn.Tanh(), ember.nn.Linear(8, 3))
    model.load_state_dict(state)
    model.eval()
    with ember.no_grad():
        out = model(ember.from_numpy(np.load(f"{folder}/mlp_input.npy")))
    results["mlp_output"] = out.numpy().copy()
    results["torch_in_modules"] = sys.modules["torch"]
    with open(f"{folder}/results.pkl", "wb") as f:
        pickle.dump(results, f)
""")

TORCH_FIXTURES = ["all_dtypes", "views", "nested", "checkpoint", "linear_state_dict"]


def _plain_torch(obj):
    """What NO_TORCH_LOADER's plain() gives for the ember equivalent of a torch object."""
    if isinstance(obj, torch.Tensor):
        kind = "Parameter" if isinstance(obj, torch.nn.Parameter) else "Tensor"
        return ("tensor", kind, str(obj.dtype), obj.detach().numpy(), obj.requires_grad)
    if isinstance(obj, dict):
        return (type(obj).__name__, [(k, _plain_torch(v)) for k, v in obj.items()],
                getattr(obj, "_metadata", None))
    if isinstance(obj, (list, tuple)) and not isinstance(obj, torch.Size):
        return (type(obj).__name__, [_plain_torch(v) for v in obj])
    if isinstance(obj, torch.dtype):
        return ("dtype", str(obj))
    if isinstance(obj, torch.device):
        return ("device", repr(obj))
    if isinstance(obj, torch.Size):
        return ("Size", repr(obj))
    return ("value", obj)


def _compare_plain(expected, got, path="obj"):
    if expected[0] == "tensor":
        assert got[:3] == expected[:3] and got[4] == expected[4], path
        assert got[3].shape == expected[3].shape and got[3].dtype == expected[3].dtype, path
        np.testing.assert_array_equal(got[3], expected[3], err_msg=path)
    elif expected[0] in ("dict", "OrderedDict"):
        assert got[0] == expected[0] and got[2] == expected[2], path
        assert [k for k, _ in got[1]] == [k for k, _ in expected[1]], path
        for (k, a), (_, b) in zip(expected[1], got[1]):
            _compare_plain(a, b, f"{path}[{k!r}]")
    elif expected[0] in ("list", "tuple"):
        assert got[0] == expected[0] and len(got[1]) == len(expected[1]), path
        for i, (a, b) in enumerate(zip(expected[1], got[1])):
            _compare_plain(a, b, f"{path}[{i}]")
    else:
        assert got == expected, path


@pytest.fixture(scope="module")
def torch_fixtures(tmp_path_factory):
    """Files written by real torch, loaded once by ember in a process without torch."""
    folder = tmp_path_factory.mktemp("torch_fixtures")
    expected = {}
    for case in TORCH_FIXTURES:
        obj = CASES[case](torch)
        for fmt, legacy in (("zip", False), ("legacy", True)):
            name = f"{case}.{fmt}.pt"
            torch.save(obj, folder / name, _use_new_zipfile_serialization=not legacy)
            expected[name] = _plain_torch(obj)
    torch.manual_seed(3)
    mlp = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.Tanh(),
                              torch.nn.Linear(8, 3))
    opt = torch.optim.SGD(mlp.parameters(), lr=0.1, momentum=0.9)
    x = torch.randn(32, 4)
    for _ in range(5):
        opt.zero_grad()
        torch.nn.functional.mse_loss(mlp(x), x[:, :3]).backward()
        opt.step()
    mlp.eval()
    torch.save(mlp.state_dict(), folder / "mlp_state.bin")
    probe = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    np.save(folder / "mlp_input.npy", probe)
    with torch.no_grad():
        expected["mlp_output"] = mlp(torch.from_numpy(probe)).numpy()
    proc = subprocess.run([sys.executable, "-c", NO_TORCH_LOADER, str(folder)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with open(folder / "results.pkl", "rb") as f:
        results = pickle.load(f)
    return expected, results


@pytest.mark.parametrize("fmt", ["zip", "legacy"])
@pytest.mark.parametrize("case", TORCH_FIXTURES)
def test_load_torch_file_without_torch(torch_fixtures, case, fmt):
    expected, results = torch_fixtures
    name = f"{case}.{fmt}.pt"
    _compare_plain(expected[name], results[name])


@pytest.mark.parametrize("fmt", ["zip", "legacy"])
def test_load_torch_views_without_torch_share_memory(torch_fixtures, fmt):
    _, results = torch_fixtures
    assert results[f"views.{fmt}.pt:shared"] == [True] * 5 + [False]
    assert results[f"views.{fmt}.pt:write"] == (-1.0, -1.0)


def test_load_torch_trained_model_without_torch_same_outputs(torch_fixtures):
    expected, results = torch_fixtures
    assert results["torch_in_modules"] is None          # torch was never imported there
    np.testing.assert_allclose(results["mlp_output"], expected["mlp_output"], rtol=1e-5,
                               atol=1e-6)


# ---------------------------------------------------------------------------------------------
# round trips of a trained model and its optimizer, both ways
# ---------------------------------------------------------------------------------------------
def _train(lib, steps, model=None, opt=None):
    lib.manual_seed(7)
    if model is None:
        model = lib.nn.Sequential(lib.nn.Linear(5, 6), lib.nn.LayerNorm(6), lib.nn.ReLU(),
                                  lib.nn.Linear(6, 2))
        opt = lib.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.1, amsgrad=True)
    x = lib.linspace(-2, 2, 40).reshape(8, 5)
    y = lib.linspace(0, 1, 16).reshape(8, 2)
    for _ in range(steps):
        opt.zero_grad()
        lib.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    return model, opt


def _fresh(lib):
    model = lib.nn.Sequential(lib.nn.Linear(5, 6), lib.nn.LayerNorm(6), lib.nn.ReLU(),
                              lib.nn.Linear(6, 2))
    return model, lib.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.1, amsgrad=True)


def _compare_states(t_sd, e_sd):
    assert_same_structure(t_sd, e_sd)


def test_ember_checkpoint_round_trip_into_torch_and_training_continues():
    e_model, e_opt = _train(ember, 3)
    data = ember_bytes({"model": e_model.state_dict(), "optimizer": e_opt.state_dict()})
    ck = torch_load(data, weights_only=True)
    t_model, t_opt = _fresh(torch)
    t_model.load_state_dict(ck["model"])
    t_opt.load_state_dict(ck["optimizer"])
    _compare_states(t_model.state_dict(), e_model.state_dict())
    _compare_states(t_opt.state_dict(), e_opt.state_dict())
    _train(ember, 2, e_model, e_opt)
    _train(torch, 2, t_model, t_opt)
    for (k, t), e in zip(t_model.state_dict().items(), e_model.state_dict().values()):
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


def test_torch_checkpoint_round_trip_into_ember_and_training_continues(tmp_path):
    t_model, t_opt = _train(torch, 3)
    torch.save({"model": t_model.state_dict(), "optimizer": t_opt.state_dict()},
               tmp_path / "ck.pt")
    ck = ember.load(tmp_path / "ck.pt")
    e_model, e_opt = _fresh(ember)
    e_model.load_state_dict(ck["model"])
    e_opt.load_state_dict(ck["optimizer"])
    _compare_states(t_model.state_dict(), e_model.state_dict())
    _compare_states(t_opt.state_dict(), e_opt.state_dict())
    _train(ember, 2, e_model, e_opt)
    _train(torch, 2, t_model, t_opt)
    for (k, t), e in zip(t_model.state_dict().items(), e_model.state_dict().values()):
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


def test_ember_round_trip_value_by_value(tmp_path):
    model, opt = _train(ember, 3)
    sd, osd = model.state_dict(), opt.state_dict()
    ember.save({"model": sd, "optimizer": osd}, tmp_path / "ck.pt")
    back = ember.load(tmp_path / "ck.pt")
    assert type(back["model"]) is OrderedDict and back["model"]._metadata == sd._metadata
    for k, v in sd.items():
        assert back["model"][k].dtype is v.dtype
        np.testing.assert_array_equal(back["model"][k].numpy(), v.numpy())
    assert back["optimizer"]["param_groups"] == osd["param_groups"]
    for i, st in osd["state"].items():
        for k, v in st.items():
            np.testing.assert_array_equal(back["optimizer"]["state"][i][k].numpy(), v.numpy())
            assert back["optimizer"]["state"][i][k].dtype is v.dtype


def test_load_round_trip_keeps_sharing_and_parameters():
    x = ember.arange(6.).reshape(2, 3)
    p = ember.nn.Parameter(ember.ones(2))
    back = ember_load(ember_bytes({"x": x, "xt": x.t(), "p": p, "p2": p, "g": x[1]}))
    assert back["p"] is back["p2"] and type(back["p"]) is ember.nn.Parameter
    assert back["p"].requires_grad
    back["x"][1, 2] = 100.0
    assert back["xt"][2, 1].item() == 100.0 and back["g"][2].item() == 100.0
    assert back["x"].stride() == (3, 1) and back["xt"].stride() == (1, 3)


# ---------------------------------------------------------------------------------------------
# file objects, paths, map_location, mmap
# ---------------------------------------------------------------------------------------------
class _WriteOnly:
    def __init__(self):
        self.parts = []

    def write(self, b):
        self.parts.append(bytes(b))
        return len(b)


class _ReadOnlyStream:
    """A non-seekable reader (a pipe)."""

    def __init__(self, data):
        self._buf = io.BytesIO(data)

    def read(self, n=-1):
        return self._buf.read(n)

    def seekable(self):
        return False


def test_save_load_paths_and_file_objects(tmp_path):
    obj = {"w": ember.arange(4.)}
    ember.save(obj, str(tmp_path / "a.pt"))
    ember.save(obj, tmp_path / "b.pt")
    with open(tmp_path / "c.pt", "wb") as f:
        ember.save(obj, f)
    stream = _WriteOnly()
    ember.save(obj, stream)
    data = (tmp_path / "a.pt").read_bytes()
    assert (tmp_path / "b.pt").read_bytes().replace(b"b/", b"a/") == data
    assert b"".join(stream.parts) == ember_bytes(obj)
    for src in (str(tmp_path / "a.pt"), tmp_path / "b.pt", open(tmp_path / "c.pt", "rb"),
                io.BytesIO(data), _ReadOnlyStream(data)):
        np.testing.assert_array_equal(ember.load(src)["w"].numpy(), [0, 1, 2, 3])
        if hasattr(src, "close"):
            src.close()


@pytest.mark.parametrize("map_location", [None, "cpu", "cpu_device", "dict", "callable"])
def test_load_map_location(map_location):
    data = torch_bytes({"a": torch.ones(2)})
    ml = {"cpu_device": ember.device("cpu"), "dict": {"cpu": "cpu"},
          "callable": lambda storage, loc: storage}.get(map_location, map_location)
    np.testing.assert_array_equal(ember_load(data, map_location=ml)["a"].numpy(), [1, 1])


def _on_device(data, location):
    pkl = f"X{struct.pack('<I', len(location)).decode('latin1')}{location}".encode("latin1")
    return rebuild_zip(data, lambda n, b: b.replace(b"X\x03\x00\x00\x00cpu", pkl)
                       if n.endswith("data.pkl") else b)


def test_load_cuda_checkpoint_needs_map_location():
    data = _on_device(torch_bytes({"a": torch.arange(3.)}), "cuda:0")
    same_error(lambda: torch_load(data, weights_only=True), lambda: ember_load(data))
    for ml in ("cpu", torch.device("cpu")):
        t = torch_load(data, map_location=ml, weights_only=True)
        e = ember_load(data, map_location=ml if isinstance(ml, str) else ember.device("cpu"))
        assert_same_structure(t, e)
    e = ember_load(data, map_location={"cuda:0": "cpu"})
    np.testing.assert_array_equal(e["a"].numpy(), [0, 1, 2])


def test_load_unknown_location():
    data = _on_device(torch_bytes({"a": torch.arange(3.)}), "tpu")
    same_error(lambda: torch_load(data, weights_only=True), lambda: ember_load(data))


def test_load_mmap(tmp_path):
    torch.save({"a": torch.arange(6.).reshape(2, 3), "b": torch.ones(2)}, tmp_path / "m.pt")
    before = (tmp_path / "m.pt").read_bytes()
    out = ember.load(tmp_path / "m.pt", mmap=True)
    np.testing.assert_array_equal(out["a"].numpy(), np.arange(6.).reshape(2, 3))
    out["a"][0, 0] = 42.0                          # copy-on-write: the file is not changed
    assert (tmp_path / "m.pt").read_bytes() == before
    same_error(lambda: torch.load(io.BytesIO(before), mmap=True),
               lambda: ember.load(io.BytesIO(before), mmap=True))


# ---------------------------------------------------------------------------------------------
# hostile files: refused by name, nothing runs
# ---------------------------------------------------------------------------------------------
class _Evil:
    """Pickles as a call of os.system that would create a marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _EvilEval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('false')",))


class _EvilSubprocess:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (subprocess.call, (["touch", self.marker],))


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
@pytest.mark.parametrize("kind", ["os_system", "eval", "subprocess"])
def test_load_refuses_forbidden_global(tmp_path, kind, legacy):
    marker = tmp_path / "pwned"
    evil = {"os_system": lambda: _Evil(marker), "eval": _EvilEval,
            "subprocess": lambda: _EvilSubprocess(str(marker))}[kind]()
    data = torch_bytes({"weights": torch.ones(2), "payload": evil},
                       _use_new_zipfile_serialization=not legacy)
    typ, msg = same_error(lambda: torch_load(data), lambda: ember_load(data))
    assert typ == "UnpicklingError"
    assert {"os_system": "posix.system", "eval": "GLOBAL eval", "subprocess":
            "commands.call"}[kind] in msg
    typ2, msg2 = raises(lambda: ember_load(data, weights_only=True))
    assert (typ2, msg2) == (typ, msg)
    assert not marker.exists()


def test_load_weights_only_false_runs_the_file(tmp_path):
    """The same hostile file does run with weights_only=False: the refusal above is real."""
    marker = tmp_path / "ran"
    data = torch_bytes({"payload": _Evil(marker)})
    out = ember_load(data, weights_only=False)
    assert out["payload"] == 0 and marker.exists()


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_load_weights_only_false_reads_checkpoints(legacy):
    data = torch_bytes(_views(torch), _use_new_zipfile_serialization=not legacy)
    e = ember_load(data, weights_only=False)
    assert_same_structure(torch_load(data), e)
    assert np.shares_memory(e["base"].numpy(), e["t"].numpy())


def test_load_refuses_hand_made_hostile_pickle(tmp_path):
    marker = tmp_path / "pwned2"
    payloads = [
        b"cos\nsystem\n(X" + struct.pack("<I", 12 + len(str(marker))) +
        f"touch {marker}".encode() + b"tR.",
        b"\x80\x02cbuiltins\ngetattr\nq\x00.",
        b"\x80\x02ccollections\nOrderedDict\n)R}X\x08\x00\x00\x00__class__N" + b"sb.",
    ]
    for payload in payloads:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("archive/data.pkl", payload)
            z.writestr("archive/version", b"3\n")
        with pytest.raises(pickle.UnpicklingError):
            ember_load(buf.getvalue())
    assert not marker.exists()


class _Point:
    def __init__(self, x):
        self.x = x

    def __eq__(self, other):
        return isinstance(other, _Point) and other.x == self.x


def test_load_user_class_needs_weights_only_false_or_safe_globals():
    data = torch_bytes({"p": _Point(3), "t": torch.ones(1)})
    same_error(lambda: torch_load(data), lambda: ember_load(data))
    assert ember_load(data, weights_only=False)["p"] == _Point(3)
    with torch.serialization.safe_globals([_Point]):
        expected = torch_load(data)["p"]
    with ember.serialization.safe_globals([_Point]):
        assert ember_load(data)["p"] == expected
    assert _Point not in ember.serialization.get_safe_globals()
    ember.serialization.add_safe_globals([_Point])
    try:
        assert ember_load(data)["p"] == _Point(3)
        assert ember.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == []
    finally:
        ember.serialization.clear_safe_globals()
    assert ember.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data)) == \
        torch.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(data))


def test_load_pickle_module_with_weights_only():
    data = torch_bytes(torch.ones(1))
    same_error(lambda: torch_load(data, pickle_module=pickle, weights_only=True),
               lambda: ember_load(data, pickle_module=pickle, weights_only=True))
    assert ember_load(data, pickle_module=pickle).shape == (1,)


# ---------------------------------------------------------------------------------------------
# broken files: a clear error, never a hang or a partial object
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cut", [10, 200, "half", -1, -21, -60])
def test_load_truncated_zip(cut):
    data = torch_bytes(_linear_state(torch))
    n = len(data) // 2 if cut == "half" else cut
    bad = data[:n]
    typ, msg = same_error(lambda: torch_load(bad), lambda: ember_load(bad))
    assert typ == "RuntimeError" and "failed reading zip archive" in msg


def test_load_zip_without_data_pkl():
    data = rebuild_zip(torch_bytes({"a": torch.ones(1)}),
                       lambda n, b: None if n.endswith("data.pkl") else b)
    same_error(lambda: torch_load(data), lambda: ember_load(data))


def test_load_zip_missing_storage_record():
    data = rebuild_zip(torch_bytes({"a": torch.ones(1)}),
                       lambda n, b: None if n.endswith("data/0") else b)
    typ, msg = raises(lambda: ember_load(data))
    assert typ == "RuntimeError" and "failed locating file data/0: file not found" in msg


def test_load_zip_storage_record_of_wrong_size():
    data = rebuild_zip(torch_bytes({"a": torch.ones(4)}),
                       lambda n, b: b[:-4] if n.endswith("data/0") else b)
    typ, msg = raises(lambda: ember_load(data))
    assert typ == "RuntimeError" and "record size 12 mismatch with dst size 16" in msg


def test_load_zip_corrupted_storage_bytes():
    data = bytearray(torch_bytes({"a": torch.ones(4)}))
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("archive/data/0")
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:
                                                    info.header_offset + 30])
    data[info.header_offset + 30 + name_len + extra_len + 1] ^= 0xFF
    typ, msg = raises(lambda: ember_load(bytes(data)))
    assert typ == "RuntimeError" and "data/0: CRC-32 check failed" in msg


def test_load_zip_view_out_of_bounds():
    data = rebuild_zip(torch_bytes(torch.zeros(4)),
                       lambda n, b: b.replace(b"K\x04\x85", b"K\x09\x85", 1)
                       if n.endswith("data.pkl") else b)
    typ, msg = raises(lambda: ember_load(data))
    assert typ == "RuntimeError" and "out of bounds for storage of size 16" in msg


def test_load_zip_garbage_pickle():
    data = rebuild_zip(torch_bytes(torch.zeros(4)),
                       lambda n, b: b[:40] + b"\x00\xff" + b[42:] if n.endswith("data.pkl")
                       else b)
    # torch's weights_only reader fails on this one with a UnicodeDecodeError; ember as torch
    same_error(lambda: torch_load(data), lambda: ember_load(data))


def test_load_zip_not_in_subdirectory():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("data.pkl", b"x")
    typ, msg = raises(lambda: ember_load(buf.getvalue()))
    assert typ == "RuntimeError" and msg == "file in archive is not in a subdirectory: data.pkl"


@pytest.mark.parametrize("content", [b"hello, this is a text file\n", bytes(range(256)) * 4,
                                     b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
                                     pickle.dumps({"not": "a checkpoint"}, protocol=2)])
def test_load_not_a_checkpoint(content, tmp_path):
    (tmp_path / "f.pt").write_bytes(content)
    typ, msg = raises(lambda: ember.load(tmp_path / "f.pt"))
    assert typ == "RuntimeError" and "Invalid magic number; corrupt file?" in msg


def test_load_empty_file(tmp_path):
    (tmp_path / "empty.pt").write_bytes(b"")
    typ, msg = raises(lambda: ember.load(tmp_path / "empty.pt"))
    assert typ == "EOFError" and "empty" in msg


def test_load_truncated_legacy_file():
    data = torch_bytes({"a": torch.arange(100.)}, _use_new_zipfile_serialization=False)
    for n in (len(data) - 8, len(data) // 2, 40):
        with pytest.raises((RuntimeError, pickle.UnpicklingError, EOFError)):
            ember_load(data[:n])


def test_load_bfloat16_is_a_clear_error():
    typ, msg = raises(lambda: ember_load(torch_bytes(torch.ones(2, dtype=torch.bfloat16))))
    assert typ == "NotImplementedError"
    assert msg == "loading torch.bfloat16 tensors (torch.BFloat16Storage) is not supported by " \
                  "ember yet"


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")
def test_load_torchscript_archive_refused(tmp_path):
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), tmp_path / "s.pt")
    same_error(lambda: torch.load(tmp_path / "s.pt"), lambda: ember.load(tmp_path / "s.pt"))


# ---------------------------------------------------------------------------------------------
# save: atomic on paths, errors as torch raises them
# ---------------------------------------------------------------------------------------------
class _Unpicklable:
    def __reduce__(self):
        raise RuntimeError("cannot pickle this on purpose")


def test_save_interrupted_leaves_old_file_intact(tmp_path):
    path = tmp_path / "ck.pt"
    ember.save({"v": ember.ones(3)}, path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="on purpose"):
        ember.save({"v": ember.zeros(3), "bad": _Unpicklable()}, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["ck.pt"]          # no temporary file left


def test_save_interrupted_while_writing_leaves_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "ck.pt"
    ember.save({"v": ember.ones(3)}, path)
    before = path.read_bytes()
    calls = []

    def failing_write_record(self, name, data):
        calls.append(name)
        if name.startswith("data/"):
            raise OSError(28, "No space left on device")
        return original(self, name, data)

    original = serialization._ZipWriter.write_record
    monkeypatch.setattr(serialization._ZipWriter, "write_record", failing_write_record)
    with pytest.raises(OSError, match="No space left"):
        ember.save({"v": ember.zeros(1000)}, path)
    assert calls[:5] == ["data.pkl", ".format_version", ".storage_alignment", "byteorder",
                         "data/0"]
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["ck.pt"]


def test_save_new_file_permissions_follow_umask(tmp_path):
    ember.save(ember.ones(1), tmp_path / "p.pt")
    torch.save(torch.ones(1), tmp_path / "q.pt")
    assert os.stat(tmp_path / "p.pt").st_mode == os.stat(tmp_path / "q.pt").st_mode


def test_save_into_missing_folder(tmp_path):
    same_error(lambda: torch.save(torch.ones(1), str(tmp_path / "nope" / "x.pt")),
               lambda: ember.save(ember.ones(1), str(tmp_path / "nope" / "x.pt")))


def test_save_to_object_without_write():
    same_error(lambda: torch.save(torch.ones(1), 3), lambda: ember.save(ember.ones(1), 3))


def test_save_legacy_format_has_torch_layout():
    data = ember_bytes({"a": ember.arange(3.)}, _use_new_zipfile_serialization=False)
    f = io.BytesIO(data)
    assert pickle.load(f) == serialization.MAGIC_NUMBER
    assert pickle.load(f) == 1001
    assert pickle.load(f)["little_endian"] is True
    np.testing.assert_array_equal(torch_load(data, weights_only=True)["a"].numpy(), [0, 1, 2])


def test_record_names_hash_matches_torch_serialization_ids():
    # torch's serialization id: a hash of the record names, then a combined CRC of the data
    for n in (0, 3, 20, 60):
        data = torch_bytes([torch.zeros(1) for _ in range(n)])
        sid = zipfile.ZipFile(io.BytesIO(data)).read("archive/.data/serialization_id")
        names = ["data.pkl", ".format_version", ".storage_alignment", "byteorder"] + \
            [f"data/{i}" for i in range(n)] + ["version"]
        assert int(sid[:20]) == serialization._record_names_hash(names), n


# ---------------------------------------------------------------------------------------------
# whole modules (weights_only=False, trusted files only)
# ---------------------------------------------------------------------------------------------
def test_load_whole_pickled_modules_with_weights_only_false():
    torch.manual_seed(0)
    t_model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
    data = torch_bytes(t_model)
    same_error(lambda: torch_load(data), lambda: ember_load(data))
    e_model = ember_load(data, weights_only=False)           # torch's classes -> ember's
    assert type(e_model[0]) is ember.nn.Linear
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2)
    with torch.no_grad():
        expected = t_model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(e_model(ember.from_numpy(x)).detach().numpy(), expected,
                               rtol=1e-6)
    again = ember_load(ember_bytes(e_model), weights_only=False)
    np.testing.assert_array_equal(again[0].weight.detach().numpy(),
                                  e_model[0].weight.detach().numpy())


# ---------------------------------------------------------------------------------------------
# safetensors (the optional extra), against safetensors.torch
# ---------------------------------------------------------------------------------------------
def _safetensors():
    import safetensors.torch as st     # in the `test` extra
    import ember.safetensors as es
    return st, es


def test_safetensors_files_move_both_ways(tmp_path):
    st, es = _safetensors()
    torch.manual_seed(0)
    t = {"w": torch.randn(3, 4), "b": torch.arange(3), "h": torch.ones(2, dtype=torch.float16),
         "m": torch.tensor([True, False]), "s": torch.tensor(2.5), "z": torch.zeros(0, 2)}
    st.save_file(t, tmp_path / "t.safetensors", metadata={"format": "pt"})
    e = es.load_file(tmp_path / "t.safetensors")
    assert sorted(e) == sorted(t)
    for k in t:
        assert_tensor_equal(t[k], e[k])
    e["w"][0, 0] = 7.0                                       # loaded tensors are writable
    es.save_file(e, tmp_path / "e.safetensors", metadata={"k": "v"})
    back = st.load_file(tmp_path / "e.safetensors")
    assert back["w"][0, 0].item() == 7.0
    for k in t:
        assert_tensor_equal(back[k], e[k])
    assert sorted(es.load(st.save(t))) == sorted(t)
    assert sorted(st.load(es.save(e))) == sorted(t)
    assert sorted(ember.load(tmp_path / "t.safetensors")) == sorted(t)   # torch.load does this


def test_safetensors_load_state_dict(tmp_path):
    st, es = _safetensors()
    torch.manual_seed(0)
    t_model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3))
    st.save_file(t_model.state_dict(), tmp_path / "m.safetensors")
    e_model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.LayerNorm(3))
    e_model.load_state_dict(es.load_file(tmp_path / "m.safetensors"))
    x = np.ones((2, 4), np.float32)
    np.testing.assert_allclose(e_model(ember.from_numpy(x)).detach().numpy(),
                               t_model(torch.from_numpy(x)).detach().numpy(), rtol=1e-5)


def test_safetensors_errors_as_safetensors_torch():
    st, es = _safetensors()
    tx, ex = torch.arange(6.), ember.arange(6.)
    same_error(lambda: st.save({"a": tx, "b": tx[:3]}), lambda: es.save({"a": ex, "b": ex[:3]}))
    same_error(lambda: st.save({"a": tx.reshape(2, 3).t()}),
               lambda: es.save({"a": ex.reshape(2, 3).t()}))
    same_error(lambda: st.save([tx]), lambda: es.save([ex]))
    same_error(lambda: st.save({"a": 1}), lambda: es.save({"a": 1}))
    assert sorted(es.load(es.save({"a": ex[:3], "b": ex[3:]}))) == ["a", "b"]  # no overlap
    typ, msg = raises(lambda: es.load(st.save({"x": torch.ones(2, dtype=torch.bfloat16)})))
    assert (typ, msg) == ("NotImplementedError", "this safetensors file holds torch.bfloat16 "
                          "tensors, which ember does not support yet")
