import numpy as np

from _oracle import check_op, check_error, gradcheck, check_double_backward


def test_mul_broadcast():
    check_op(lambda lib, x, y: x * y, [(3, 4), (4,)])


def test_addmm_relu():
    check_op(lambda lib, b, x, w: lib.addmm(b, x, w.t()).relu(), [(3,), (5, 2), (3, 2)])


def test_mm_error():
    check_error(lambda lib, a, b: a @ b, np.ones((3, 2), np.float32), np.ones((3, 3), np.float32))


def test_mul_gradcheck():
    gradcheck(lambda lib, x, y: x * y.exp(), [(2, 3), (3,)])


def test_mul_double_backward():
    check_double_backward(lambda lib, x, y: x * x * y, [(2, 3), (3,)])
