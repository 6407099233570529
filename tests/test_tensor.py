"""Tensor attributes and conversions, compared with torch."""
import numpy as np
import pytest
import torch

import ember
from _oracle import check_error

A = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5


def pair(arr=A, **kw):
    return torch.tensor(arr, **kw), ember.tensor(arr, **kw)


def test_shape_size_dim_numel():
    t, e = pair()
    assert e.shape == t.shape == (2, 3)
    assert repr(e.shape) == repr(t.shape) == "torch.Size([2, 3])"
    assert e.size() == t.size() and e.size(1) == t.size(1) == 3 and e.size(-2) == 2
    assert e.dim() == e.ndim == t.dim() == 2
    assert e.numel() == t.numel() == 6
    assert repr(e.dtype) == repr(t.dtype) == "torch.float32"
    assert str(e.device) == str(t.device) == "cpu"
    assert repr(e.device) == repr(t.device)
    assert isinstance(e.shape[0], int) and repr(e.shape[1:]) == repr(t.shape[1:])


def test_size_dim_out_of_range():
    for lib in (torch, ember):
        with pytest.raises(IndexError) as info:
            lib.ones(2, 3).size(2)
        msgs = getattr(test_size_dim_out_of_range, "msgs", [])
        msgs.append(str(info.value))
        test_size_dim_out_of_range.msgs = msgs
    assert msgs[0] == msgs[1]


def test_item_tolist_and_python_conversions():
    t, e = pair(np.array([[1.5, -2.0]], np.float32))
    assert e.tolist() == t.tolist()
    assert e[0, 0].item() == t[0, 0].item() == 1.5
    for conv in (float, int, bool):
        assert conv(e[0, 1]) == conv(t[0, 1])
    with pytest.raises(RuntimeError) as ei:
        e.item()
    with pytest.raises(RuntimeError) as ti:
        t.item()
    assert str(ei.value) == str(ti.value)


def test_bool_of_many_elements_is_ambiguous():
    msgs = []
    for lib in (torch, ember):
        with pytest.raises(RuntimeError) as info:
            bool(lib.ones(2))
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_len_iter_and_0d():
    t, e = pair()
    assert len(e) == len(t) == 2
    rows = list(e)
    assert len(rows) == 2 and rows[1].tolist() == list(t)[1].tolist()
    for lib in (torch, ember):
        with pytest.raises(TypeError):
            len(lib.tensor(3.0))


def test_format_of_0d_and_array_protocol():
    t, e = pair(np.array(3.14159, np.float32))
    assert f"{e:.2f}" == f"{t:.2f}" == "3.14"
    arr = np.asarray(ember.tensor([1.0, 2.0]))
    assert arr.dtype == np.float32 and arr.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("method", ["float", "double", "long", "int", "bool", "half"])
def test_dtype_conversion_methods(method):
    t, e = pair()
    a, b = getattr(t, method)(), getattr(e, method)()
    assert repr(b.dtype) == repr(a.dtype)
    np.testing.assert_array_equal(b.numpy(), a.numpy())


def test_to_and_type_as():
    t, e = pair()
    assert repr(e.to(ember.float64).dtype) == "torch.float64"
    assert e.to("cpu") is e and t.to("cpu") is t
    assert e.to(ember.float32) is e
    assert repr(e.type_as(ember.ones(1, dtype=ember.int32)).dtype) == "torch.int32"
    assert repr(e.to(ember.ones(1, dtype=ember.float64)).dtype) == "torch.float64"


def test_to_double_records_tocopy():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.double()
    assert type(y.grad_fn).__name__ == "ToCopyBackward0"
    (y * y).sum().backward()
    assert x.grad.dtype == ember.float32
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_clone_contiguous_detach():
    t, e = pair(requires_grad=True)
    c = e.clone()
    assert type(c.grad_fn).__name__ == type(t.clone().grad_fn).__name__ == "CloneBackward0"
    assert not np.shares_memory(c.detach().numpy(), e.detach().numpy())
    assert e.contiguous() is e
    d = e.detach()
    assert not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.numpy(), e.detach().numpy())
    assert e.T.contiguous().is_contiguous()


def test_detach_shares_version_counter():
    x = ember.ones(3) * 1
    d = x.detach()
    d.add_(1)
    assert x._version == 1 and x.tolist() == [2.0, 2.0, 2.0]


def test_detach_inplace():
    x = ember.ones(2, requires_grad=True) * 2
    x.detach_()
    assert x.grad_fn is None and not x.requires_grad


def test_T_and_mT():
    t, e = pair()
    assert e.T.shape == t.T.shape == (3, 2)
    assert type(e.T.grad_fn) is type(None)
    t3 = torch.ones(2, 3, 4)
    e3 = ember.ones(2, 3, 4)
    assert e3.mT.shape == t3.mT.shape


def test_data_attribute_is_detached_and_shared():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    assert not d.requires_grad
    d.mul_(2)
    assert x.tolist() == [2.0, 4.0]
    x.data = ember.tensor([5.0, 6.0])
    assert x.tolist() == [5.0, 6.0] and x.requires_grad


def test_grad_setter_validation():
    msgs = []
    for lib in (torch, ember):
        x = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            x.grad = lib.ones(3)
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_element_size_and_is_floating_point():
    t, e = pair()
    assert e.element_size() == t.element_size() == 4
    assert e.is_floating_point() and not ember.ones(1, dtype=ember.int64).is_floating_point()


def test_requires_grad_():
    x = ember.ones(2)
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad


def test_from_numpy_and_detach_numpy_share_memory():
    a = np.zeros(3, np.float32)
    e = ember.from_numpy(a)
    a[1] = 5
    assert e.tolist() == [0.0, 5.0, 0.0]
    e.detach().numpy()[2] = 7
    assert a[2] == 7


def test_hash_and_identity_equality():
    x = ember.ones(1)
    assert hash(x) == hash(x) and {x: 1}[x] == 1


def test_namespace_linalg_vector_norm_and_printoptions():
    a = np.array([[3.0, -4.0], [1.0, 2.0]], np.float32)
    t = torch.linalg.vector_norm(torch.tensor(a), ord=1, dim=1)
    e = ember.linalg.vector_norm(ember.tensor(a), ord=1, dim=1)
    np.testing.assert_allclose(e.numpy(), t.numpy())
    try:
        torch.set_printoptions(precision=2)
        ember.set_printoptions(precision=2)
        assert repr(ember.tensor([1.23456])) == repr(torch.tensor([1.23456]))
    finally:
        torch.set_printoptions(profile="default")
        ember.set_printoptions(profile="default")


def test_malloc_thresholds_set_at_import_and_can_be_switched_off():
    """ember raises glibc's mmap/trim thresholds at import (large temporaries reuse heap
    pages instead of faulting in fresh ones); EMBER_MALLOPT=0 leaves glibc's defaults."""
    import os
    import subprocess
    import sys
    code = "import ember; print(ember._malloc.configured)"
    on = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                        env=dict(os.environ, EMBER_MALLOPT="1"), check=True).stdout.strip()
    off = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, EMBER_MALLOPT="0"), check=True).stdout.strip()
    import platform
    expected_on = "True" if sys.platform.startswith("linux") and \
        platform.libc_ver()[0] == "glibc" else "False"
    assert (on, off) == (expected_on, "False")


@pytest.mark.parametrize("conv", [float, int, complex])
def test_python_scalar_conversion_of_several_elements(conv):
    check_error(lambda lib: conv(lib.ones(2)))


def test_no_numpy_floating_point_warnings_from_ember_ops():
    """inf and nan results come silently, as torch's; the user's own NumPy code still warns."""
    import subprocess
    import sys
    code = ("import warnings, numpy as np, ember as t\n"
            "t.ones(2, dtype=t.float16) * 70000\n"
            "t.tensor([float('inf')]) - t.tensor([float('inf')])\n"
            "t.log(t.zeros(1)); t.tensor([1.0]) / 0\n"
            "np.ones(1) / np.zeros(1)\n")
    err = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True,
                         text=True, check=True).stderr
    assert err.count("RuntimeWarning") == 1 and "divide by zero" in err
