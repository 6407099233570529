"""Pointwise ops: arithmetic, unary maths, activations, comparisons, logical ops, where, clamp.

Each differentiable op is a Node class (PyTorch's node name, derivatives.yaml's formula in
the docstring) beside the function that computes its forward.  Broadcasting is undone by
BinaryNode, never here.
"""
import numpy as np

from .._tensor import Tensor, _make
from ._base import (Node, BinaryNode, OUTPUT, unary, binary, promote, inplace, where as
                    _where)

__all__ = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "neg",
           "negative", "exp", "relu", "sigmoid", "tanh"]


# -- arithmetic -----------------------------------------------------------------------------

class AddBackward0(BinaryNode):
    """self: grad   other: maybe_multiply(grad, alpha)"""
    __slots__ = ()

    def backward(self, grad):
        (alpha,) = self.args
        return grad, (grad if alpha == 1 else grad * alpha)


def add(input, other, *, alpha=1, out=None):
    a, b, _ = promote(input, other)
    return binary(AddBackward0, input, other, a + b if alpha == 1 else a + b * alpha,
                  args=(alpha,))


class SubBackward0(BinaryNode):
    """self: grad   other: -grad * alpha"""
    __slots__ = ()

    def backward(self, grad):
        (alpha,) = self.args
        return grad, (-grad if alpha == 1 else grad * -alpha)


def sub(input, other, *, alpha=1, out=None):
    a, b, dt = promote(input, other)
    if dt.name == "bool":
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    return binary(SubBackward0, input, other, a - b if alpha == 1 else a - b * alpha,
                  args=(alpha,))


subtract = sub


class MulBackward0(BinaryNode):
    """self: grad * other   other: grad * self"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        return grad * b, grad * a


def mul(input, other, *, out=None):
    a, b, _ = promote(input, other)
    return binary(MulBackward0, input, other, a * b, saved=(input, other))


multiply = mul


class DivBackward0(BinaryNode):
    """self: grad / other   other: -grad * self / (other * other)"""
    __slots__ = ()

    def backward(self, grad):
        a, b = self.unpack()
        ga = grad / b
        return ga, -ga * a / b


def div(input, other, *, rounding_mode=None, out=None):
    a, b, dt = promote(input, other)
    if rounding_mode is None:
        if dt.category < 2:     # integer true division gives the default float dtype
            from .._dtype import get_default_dtype
            f = get_default_dtype().np
            a = a.astype(f) if isinstance(a, np.ndarray) else a
            b = b.astype(f) if isinstance(b, np.ndarray) else b
        return binary(DivBackward0, input, other, a / b, saved=(input, other))
    raise NotImplementedError("div with rounding_mode lands with the rest of pointwise ops")


divide = div
true_divide = div


class NegBackward0(Node):
    """self: grad.neg()"""
    __slots__ = ()

    def backward(self, grad):
        return (-grad,)


def neg(input):
    return unary(NegBackward0, input, -input._data)


negative = neg


# -- unary maths -----------------------------------------------------------------------

class ExpBackward0(Node):
    """self: grad * result"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return (grad * result,)


def exp(input):
    return unary(ExpBackward0, input, np.exp(input._data), saved=(OUTPUT,))


class ReluBackward0(Node):
    """self: threshold_backward(grad, result, 0)"""
    __slots__ = ()

    def backward(self, grad):
        (result,) = self.unpack()
        return (_where(result.__array__() > 0 if isinstance(result, Tensor) else result > 0,
                       grad, 0),)


def relu(input):
    x = input._data
    return unary(ReluBackward0, input, np.maximum(x, 0, dtype=x.dtype), saved=(OUTPUT,))


class SigmoidBackward0(Node):
    """self: sigmoid_backward(grad, result) = grad * result * (1 - result)"""
    __slots__ = ()

    def backward(self, grad):
        (y,) = self.unpack()
        return (grad * y * (1 - y),)


def sigmoid(input):
    x = input._data
    return unary(SigmoidBackward0, input, 1 / (1 + np.exp(-x)), saved=(OUTPUT,))


class TanhBackward0(Node):
    """self: tanh_backward(grad, result) = grad * (1 - result * result)"""
    __slots__ = ()

    def backward(self, grad):
        (y,) = self.unpack()
        return (grad * (1 - y * y),)


def tanh(input):
    return unary(TanhBackward0, input, np.tanh(input._data), saved=(OUTPUT,))


# -- Tensor methods and operators --------------------------------------------------------

def _radd(self, other):
    return add(other, self)


def _rsub(self, other):
    return sub(other, self)


def _rmul(self, other):
    return mul(other, self)


def _rdiv(self, other):
    return div(other, self)


Tensor.add = add
Tensor.add_ = lambda self, other, *, alpha=1: inplace(self, add, other, alpha=alpha)
Tensor.sub = sub
Tensor.sub_ = lambda self, other, *, alpha=1: inplace(self, sub, other, alpha=alpha)
Tensor.mul = mul
Tensor.mul_ = lambda self, other: inplace(self, mul, other)
Tensor.div = div
Tensor.div_ = lambda self, other, *, rounding_mode=None: inplace(
    self, div, other, rounding_mode=rounding_mode)
Tensor.neg = neg
Tensor.exp = exp
Tensor.relu = relu
Tensor.sigmoid = sigmoid
Tensor.tanh = tanh
Tensor.__add__ = add
Tensor.__radd__ = _radd
Tensor.__iadd__ = Tensor.add_
Tensor.__sub__ = sub
Tensor.__rsub__ = _rsub
Tensor.__isub__ = Tensor.sub_
Tensor.__mul__ = mul
Tensor.__rmul__ = _rmul
Tensor.__imul__ = Tensor.mul_
Tensor.__truediv__ = div
Tensor.__rtruediv__ = _rdiv
Tensor.__itruediv__ = Tensor.div_
Tensor.__neg__ = neg
