# Ported in part from torch/_functorch (BSD licence): the same signatures, pytree handling,
# checks and error texts, on ember's reverse-mode autograd.
"""torch.func: composable function transforms (grad, vjp, jvp, jacrev, jacfwd, hessian,
linearize, vmap) plus functional_call and stack_module_state.

ember has no functorch levels, no forward-mode AD and no batching rules, so:

- every differentiating transform (grad, vjp, jacrev, ...) runs ``func`` under
  ``enable_grad`` on fresh differentiable aliases of its inputs and differentiates with
  ``ember.autograd.grad``; the graph is kept (``create_graph``) only while an enclosing
  transform or ordinary autograd needs it, so transforms nest (``grad(grad(f))``,
  ``jacrev(jacrev(f))``, ``vmap(grad(f))``, ``grad(vmap(f))``) like in torch;
- forward mode (jvp, jacfwd, linearize) is computed with the double-vjp trick on reverse
  mode: ``g(u) = J^T u`` is built with a dummy cotangent ``u``, and ``J t`` is the vjp of
  ``g`` with respect to ``u`` for cotangent ``t``. The values are torch's forward-mode values;
- vmap runs ``func`` once per slice of the mapped dimensions and stacks the outputs (a loop,
  not batching), which gives torch's results for functions that are pure per sample.
"""
import functools

import numpy as np

import ember
from .random import Generator, default_generator

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian",
           "linearize", "vmap", "functional_call", "stack_module_state"]


# -- a small pytree (tuple, list, dict, namedtuple nodes; everything else is a leaf) ---------

class TreeSpec:
    __slots__ = ("type", "context", "children", "num_leaves")

    def __init__(self, type_, context, children):
        self.type = type_
        self.context = context
        self.children = children
        self.num_leaves = 1 if type_ is None else sum(c.num_leaves for c in children)

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and self.type is other.type
                and self.context == other.context and self.children == other.children)

    def __repr__(self, indent=0):
        if self.type is None:
            return "*"
        name = "namedtuple" if _is_namedtuple(self.type) else self.type.__name__
        ctx = self.context
        s = f"TreeSpec({name}, {ctx}, ["
        if self.children:
            indent += 2
            s += self.children[0].__repr__(indent)
            s += "," if len(self.children) > 1 else ""
            s += ",".join("\n" + " " * indent + c.__repr__(indent) for c in self.children[1:])
        return s + "])"


_LEAF = TreeSpec(None, None, [])


def _is_namedtuple(t):
    return isinstance(t, type) and issubclass(t, tuple) and hasattr(t, "_fields")


def _children(x):
    """(node type, context, children) or None for a leaf."""
    t = type(x)
    if t is tuple or t is list:
        return t, None, list(x)
    if isinstance(x, dict):
        return t, list(x.keys()), list(x.values())
    if _is_namedtuple(t):
        return t, t, list(x)
    return None


def tree_flatten(x):
    node = _children(x)
    if node is None:
        return [x], _LEAF
    t, ctx, kids = node
    leaves, specs = [], []
    for k in kids:
        lv, sp = tree_flatten(k)
        leaves += lv
        specs.append(sp)
    return leaves, TreeSpec(t, ctx, specs)


def tree_unflatten(leaves, spec):
    it = iter(leaves)

    def build(sp):
        if sp.type is None:
            return next(it)
        kids = [build(c) for c in sp.children]
        if sp.type is tuple or sp.type is list:
            return sp.type(kids)
        if _is_namedtuple(sp.type):
            return sp.type(*kids)
        return sp.type(zip(sp.context, kids))
    return build(spec)


def tree_map(fn, x):
    leaves, spec = tree_flatten(x)
    return tree_unflatten([fn(v) for v in leaves], spec)


def _broadcast_to_and_flatten(prefix, spec):
    """Leaves of ``prefix`` repeated over the matching subtrees of ``spec``; None on mismatch."""
    out = []

    def walk(p, sp):
        node = _children(p)
        if node is None:
            out.extend([p] * sp.num_leaves)
            return True
        t, ctx, kids = node
        if t is not sp.type or ctx != sp.context or len(kids) != len(sp.children):
            return False
        return all(walk(k, c) for k, c in zip(kids, sp.children))
    return out if walk(prefix, spec) else None


def _pprint(spec):
    class _Star:
        def __repr__(self):
            return "*"
    return repr(tree_unflatten([_Star()] * spec.num_leaves, spec))


# -- argnums -----------------------------------------------------------------------------------

def _validate_and_wrap_argnum(argnum, num_args):
    if not isinstance(argnum, int):
        raise RuntimeError(f"argnum must be int, got: {type(argnum)}")
    if argnum >= 0 and argnum < num_args:
        return argnum
    if argnum < 0 and argnum >= -num_args:
        return argnum + num_args
    raise RuntimeError(f"Got argnum={argnum}, but only {num_args} positional inputs")


def _check_unique_non_empty(argnums):
    if isinstance(argnums, tuple):
        if len(argnums) == 0:
            raise RuntimeError("argnums must be non-empty")
        if len(set(argnums)) != len(argnums):
            raise RuntimeError(f"argnums elements must be unique, got {argnums}")


def _validate_and_wrap_argnums(argnums, num_args):
    if isinstance(argnums, int):
        return _validate_and_wrap_argnum(argnums, num_args)
    return tuple(_validate_and_wrap_argnum(a, num_args) for a in argnums)


def _slice_argnums(args, argnums, as_tuple=True):
    if not isinstance(argnums, int) and not isinstance(argnums, tuple):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    argnums = _validate_and_wrap_argnums(argnums, len(args))
    _check_unique_non_empty(argnums)
    if isinstance(argnums, int):
        return (args[argnums],) if as_tuple else args[argnums]
    return tuple(args[i] for i in argnums)


def _replace_args(args, argnums, new):
    """args with the positions in argnums replaced by new (one value, or a tuple)."""
    args = list(args)
    if isinstance(argnums, int):
        args[_validate_and_wrap_argnum(argnums, len(args))] = new
    else:
        for a, v in zip(_validate_and_wrap_argnums(argnums, len(args)), new):
            args[a] = v
    return tuple(args)


# -- levels ------------------------------------------------------------------------------------

_DIFF_DEPTH = [0]        # differentiating transforms currently running


def _keep_graph(flat_inputs):
    """Whether this transform's results must stay differentiable: inside another
    differentiating transform, or under ordinary autograd with an input that requires grad."""
    if _DIFF_DEPTH[0] > 0:
        return True
    return ember.is_grad_enabled() and any(isinstance(t, ember.Tensor) and t.requires_grad
                                           for t in flat_inputs)


class _Level:
    def __enter__(self):
        _DIFF_DEPTH[0] += 1
        self._grad = ember.enable_grad()
        self._grad.__enter__()
        return self

    def __exit__(self, *exc):
        self._grad.__exit__(*exc)
        _DIFF_DEPTH[0] -= 1
        return False


def _create_differentiable(x):
    if not isinstance(x, ember.Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    if x.requires_grad:
        return x.view_as(x)      # an alias this level differentiates, tied to outer levels
    return x.detach().requires_grad_()


def _undo(x, keep):
    """Leave this level: a plain (detached) tensor unless the graph must be kept."""
    if not isinstance(x, ember.Tensor):
        raise RuntimeError(f"Expected tensors, got unsupported type {type(x)}")
    return x if keep else x.detach()


def _autograd_grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=True):
    if grad_outputs is None:
        pairs = [(o, None) for o in outputs if o.requires_grad]
    else:
        pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        return tuple(ember.zeros_like(i) for i in inputs)
    outs = [p[0] for p in pairs]
    gos = None if grad_outputs is None else [p[1] for p in pairs]
    res = ember.autograd.grad(outs, inputs, gos, retain_graph=retain_graph,
                              create_graph=create_graph, allow_unused=True)
    return tuple(ember.zeros_like(i) if g is None else g for g, i in zip(res, inputs))


# -- grad / grad_and_value -----------------------------------------------------------------

def _grad_and_value_impl(func, argnums, has_aux, args, kwargs):
    keep = _keep_graph(tree_flatten((args, kwargs))[0])
    with _Level():
        diff_args = _slice_argnums(args, argnums, as_tuple=False)
        diff_args = tree_map(_create_differentiable, diff_args)
        args = _replace_args(args, argnums, diff_args)
        output = func(*args, **kwargs)
        aux = None
        if has_aux:
            if not (isinstance(output, tuple) and len(output) == 2):
                raise RuntimeError(
                    "grad_and_value(f)(*args): output of function f should be a tuple: "
                    "(output, aux) if has_aux is True")
            output, aux = output
        if not isinstance(output, ember.Tensor):
            raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) "
                               f"to return a Tensor, got {type(output)}")
        if output.dim() != 0:
            raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) "
                               "to return a scalar Tensor, got tensor with "
                               f"{output.dim()} dims. Maybe you wanted to "
                               "use the vjp or jacrev APIs instead?")
        flat_diff, spec = tree_flatten(diff_args)
        flat_grad = _autograd_grad((output,), flat_diff, create_graph=keep)
        grad_input = tree_unflatten(list(flat_grad), spec)
        output = _undo(output, keep)
        if has_aux:
            aux = tree_map(lambda t: _undo(t, keep), aux)
    if has_aux:
        return grad_input, (output, aux)
    return grad_input, output


def grad_and_value(func, argnums=0, has_aux=False):
    """Returns a function computing ``(gradient, value)`` of ``func`` (see :func:`grad`)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _grad_and_value_impl(func, argnums, has_aux, args, kwargs)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """Returns a function computing the gradient of the scalar ``func`` with respect to the
    arguments at ``argnums`` (pytrees of tensors), on ember's reverse-mode autograd."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = _grad_and_value_impl(func, argnums, has_aux, args, kwargs)
        if has_aux:
            return g, value[1]
        return g
    return wrapper


# -- vjp -----------------------------------------------------------------------------------

def _check_tensor_outputs(flat, api):
    if len(flat) == 0:
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output "
                           f"(got output = {flat})")
    for o in flat:
        if not isinstance(o, ember.Tensor):
            raise RuntimeError(f"{api}: expected f(*primals) to return only tensors"
                               f", got unsupported type {type(o)}")


def _vjp_with_argnums(func, *primals, argnums=None, has_aux=False):
    keep = _keep_graph(tree_flatten(primals)[0])
    with _Level():
        if argnums is None:
            diff_primals = tree_map(_create_differentiable, primals)
            primals = diff_primals
        else:
            diff_primals = _slice_argnums(primals, argnums, as_tuple=False)
            diff_primals = tree_map(_create_differentiable, diff_primals)
            primals = _replace_args(primals, argnums, diff_primals)
        primals_out = func(*primals)
        aux = None
        if has_aux:
            if not (isinstance(primals_out, tuple) and len(primals_out) == 2):
                raise RuntimeError(
                    "vjp(f, *primals): output of function f should be a tuple: (output, aux) "
                    "if has_aux is True")
            primals_out, aux = primals_out
            aux = tree_map(lambda t: _undo(t, keep), aux)
        flat_out, out_spec = tree_flatten(primals_out)
        _check_tensor_outputs(flat_out, "vjp(f, *primals)")
        flat_diff, primals_spec = tree_flatten(diff_primals)
        results = tree_map(lambda t: _undo(t, keep), primals_out)
        for o in flat_out:
            if not (o.is_floating_point() or o.is_complex()):
                raise RuntimeError("vjp(f, ...): All outputs of f must be "
                                   "floating-point or complex Tensors, got Tensor "
                                   f"with dtype {o.dtype}")

    def wrapper(cotangents, retain_graph=True, create_graph=None):
        if create_graph is None:
            create_graph = ember.is_grad_enabled()
        flat_ct, ct_spec = tree_flatten(cotangents)
        if ct_spec != out_spec:
            raise RuntimeError(
                "Expected pytree structure of cotangents to be the same "
                "as pytree structure of outputs to the function. "
                f"cotangents: {_pprint(ct_spec)}, primal output: {_pprint(out_spec)}")
        with ember.enable_grad():
            res = _autograd_grad(flat_out, flat_diff, flat_ct, retain_graph=retain_graph,
                                 create_graph=create_graph and (keep or _DIFF_DEPTH[0] > 0))
        return tree_unflatten(list(res), primals_spec)

    if has_aux:
        return results, wrapper, aux
    return results, wrapper


def vjp(func, *primals, has_aux=False):
    """``(func(*primals), vjp_fn)``; ``vjp_fn(cotangents)`` returns the vector-Jacobian
    products, one per primal, in the primals' pytree structure."""
    return _vjp_with_argnums(func, *primals, has_aux=has_aux)


# -- forward mode by double vjp ----------------------------------------------------------------

_JVP = "jvp(f, primals, tangents)"


def _linearize_core(func, primals, argnums, has_aux, api, strict=False):
    """(output, aux, jvp_fn(flat_tangents) -> flat jvps, out_spec, flat_diff, keep).

    jvp_fn computes J t with the double-vjp trick: g = vjp(u) is built once with a dummy
    cotangent u requiring grad; J t = d<g, t>/du."""
    keep = _keep_graph(tree_flatten(primals)[0])
    with _Level():
        if argnums is None:
            diff = tree_map(_create_differentiable, primals)
            args = diff
        else:
            diff = _slice_argnums(primals, argnums, as_tuple=False)
            diff = tree_map(_create_differentiable, diff)
            args = _replace_args(primals, argnums, diff)
        out = func(*args)
        aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError(f"{api}: output of function f should be a tuple: "
                                   "(output, aux) if has_aux is True")
            out, aux = out
            aux = tree_map(lambda t: _undo(t, keep), aux)
        flat_out, out_spec = tree_flatten(out)
        for o in flat_out:
            if not isinstance(o, ember.Tensor):
                raise RuntimeError(f"{api}: expected f(*primals) to return only tensors"
                                   f", got unsupported type {type(o)}")
        flat_diff, _ = tree_flatten(diff)
        live = [i for i, o in enumerate(flat_out) if o.requires_grad]
        if strict and len(live) < len(flat_out):
            raise RuntimeError("jvp(f, primals, tangents, strict=True): The output of f is "
                               "independent of the inputs. This is not allowed with "
                               "strict=True.")
        us = [ember.zeros_like(flat_out[i]).requires_grad_() for i in live]
        if live:
            gs = ember.autograd.grad([flat_out[i] for i in live], flat_diff, us,
                                     create_graph=True, allow_unused=True)
        else:
            gs = [None] * len(flat_diff)
        outputs = tree_map(lambda t: _undo(t, keep), out)

    def jvp_fn(flat_tangents, create_graph=None):
        cg = keep or _DIFF_DEPTH[0] > 0 if create_graph is None else create_graph
        pairs = [(g, t) for g, t in zip(gs, flat_tangents) if g is not None and g.requires_grad]
        res = [None] * len(us)
        if pairs:
            with ember.enable_grad():
                res = ember.autograd.grad([p[0] for p in pairs], us, [p[1] for p in pairs],
                                          retain_graph=True, create_graph=cg,
                                          allow_unused=True)
        jv = [ember.zeros_like(o) for o in flat_out]
        for k, i in enumerate(live):
            if res[k] is not None:
                jv[i] = res[k]
        return jv

    return outputs, aux, jvp_fn, out_spec, flat_diff


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(func(*primals), J @ tangents)``. ember has no forward-mode AD: the Jacobian-vector
    product is computed by the double-vjp trick on reverse mode (the same values as torch's
    forward mode)."""
    if not isinstance(primals, tuple):
        raise RuntimeError(f"{_JVP}: Expected primals to be a tuple. "
                           "E.g. it should be valid to call f(*primals).")
    flat_p, p_spec = tree_flatten(primals)
    flat_t, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(
            f"{_JVP}: Expected primals and tangents to have the same python "
            "structure. For example, if primals is a tuple of 3 tensors, "
            f"tangents also must be. Got primals with structure {p_spec} "
            f"and tangents with structure {t_spec}")
    for name, flat in (("primals", flat_p), ("tangents", flat_t)):
        if len(flat) == 0:
            raise RuntimeError(f"{_JVP}: Expected {name} to contain at least one Tensor.")
        for o in flat:
            if not isinstance(o, ember.Tensor):
                raise RuntimeError(f"{_JVP}: Expected {name} to only contain Tensors, "
                                   f"got {type(o)}")
    for p, t in zip(flat_p, flat_t):
        if p.shape != t.shape:
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of "
                "the original Tensor, this is not supported. Tensor is of size "
                f"{list(p.shape)} while the given forward gradient is of size {list(t.shape)}.")
    out, aux, jvp_fn, out_spec, _ = _linearize_core(func, primals, None, has_aux, _JVP,
                                                    strict)
    tangents_out = tree_unflatten(jvp_fn(flat_t), out_spec)
    if has_aux:
        return out, tangents_out, aux
    return out, tangents_out


def linearize(func, *primals):
    """``(func(*primals), jvp_fn)`` where ``jvp_fn(*tangents)`` gives the jvp at primals
    (double-vjp trick on reverse mode, see :func:`jvp`)."""
    flat_p, p_spec = tree_flatten(primals)
    out, _, core, out_spec, _ = _linearize_core(func, primals, None, False, _JVP)

    def jvp_fn(*tangents):
        flat_t, t_spec = tree_flatten(tangents)
        if t_spec != p_spec:
            raise RuntimeError(
                f"Expected the tangents {t_spec} to have the same argument structure as "
                f"the primals {p_spec}")
        for idx, (p, t) in enumerate(zip(flat_p, flat_t)):
            for what in ("shape", "device", "dtype"):
                if getattr(p, what) != getattr(t, what):
                    raise RuntimeError(
                        f"tangent:{idx} with {what} {getattr(t, what)} in flattened pytree "
                        f"doesn't match the {what} {getattr(p, what)} of the corresponding "
                        "primal.")
        return tree_unflatten(core(flat_t), out_spec)
    return out, jvp_fn


# -- Jacobians ----------------------------------------------------------------------------------

def _basis_rows(n, like):
    eye = ember.eye(n, dtype=like.dtype)
    return [eye[k].reshape(like.shape) for k in range(n)]


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """Jacobian of ``func`` with respect to the arguments at ``argnums`` by reverse mode:
    ``result[i][j]`` has shape ``output_i.shape + input_j.shape`` (pytrees as torch)."""
    if not (chunk_size is None or chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper_fn(*args):
        r = _vjp_with_argnums(func, *args, argnums=argnums, has_aux=has_aux)
        output, vjp_fn = r[0], r[1]
        flat_out, out_spec = tree_flatten(output)
        primals = _slice_argnums(args, argnums)
        flat_p, p_spec = tree_flatten(primals)
        per_output = []
        for i, o in enumerate(flat_out):
            rows = [[] for _ in flat_p]
            for e in _basis_rows(o.numel(), o):
                cts = [e if k == i else ember.zeros_like(q) for k, q in enumerate(flat_out)]
                vj = tree_flatten(vjp_fn(tree_unflatten(cts, out_spec)))[0]
                for j, g in enumerate(vj):
                    rows[j].append(g)
            jac = []
            for j, p in enumerate(flat_p):
                if rows[j]:
                    jac.append(ember.stack(rows[j]).reshape(tuple(o.shape) + tuple(p.shape)))
                else:
                    jac.append(ember.zeros(tuple(o.shape) + tuple(p.shape), dtype=o.dtype))
            jac = tree_unflatten(jac, p_spec)
            if isinstance(argnums, int):
                jac = jac[0]
            per_output.append(jac)
        result = tree_unflatten(per_output, out_spec)
        if has_aux:
            return result, r[2]
        return result
    return wrapper_fn


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """Jacobian of ``func`` column by column with jvps (computed by the double-vjp trick on
    reverse mode, see :func:`jvp`); the same values and pytree structure as torch."""
    _check_randomness_arg(randomness)

    @functools.wraps(func)
    def wrapper_fn(*args):
        primals = _slice_argnums(args, argnums)
        flat_p, p_spec = tree_flatten(primals)
        [p.numel() for p in flat_p]         # torch's AttributeError for a non-Tensor primal
        out, aux, jvp_fn, out_spec, _ = _linearize_core(func, args, argnums, has_aux, _JVP)
        flat_out = tree_flatten(out)[0]
        cols = [[[] for _ in flat_p] for _ in flat_out]      # [out i][primal j] -> columns
        for j, p in enumerate(flat_p):
            for e in _basis_rows(p.numel(), p):
                tans = [e if k == j else ember.zeros_like(q) for k, q in enumerate(flat_p)]
                for i, jv in enumerate(jvp_fn(tans)):
                    cols[i][j].append(jv)
        per_output = []
        for i, o in enumerate(flat_out):
            jac = []
            for j, p in enumerate(flat_p):
                shape = tuple(o.shape) + tuple(p.shape)
                if cols[i][j]:
                    jac.append(ember.stack(cols[i][j], dim=-1).reshape(shape))
                else:
                    jac.append(ember.zeros(shape, dtype=o.dtype))
            jac = tree_unflatten(jac, p_spec)
            if isinstance(argnums, int):
                jac = jac[0]
            per_output.append(jac)
        result = tree_unflatten(per_output, out_spec)
        if has_aux:
            return result, aux
        return result
    return wrapper_fn


def hessian(func, argnums=0):
    """Hessian of ``func``; torch computes jacfwd(jacrev(func)), here jacrev(jacrev(func))
    gives the same values and structure."""
    return jacrev(jacrev(func, argnums), argnums)


# -- vmap ----------------------------------------------------------------------------------

_RANDOMNESS = []         # randomness modes of the running vmaps, innermost last
_RAND_ORIG = {}
_RAND_ERR = ("vmap: called random operation while in randomness error mode. Please either "
             "use the 'same' or 'different' randomness flags on vmap or perform the "
             "randomness operation out of vmap")


def _guard(name):
    orig = getattr(Generator, name)

    def guarded(self, n):
        if "error" in _RANDOMNESS:
            raise RuntimeError(_RAND_ERR)
        return orig(self, n)
    return orig, guarded


class _RandomnessMode:
    """Push a vmap randomness mode; while any is 'error', drawing from a Generator raises."""

    def __init__(self, mode):
        self.mode = mode

    def __enter__(self):
        if not _RANDOMNESS:
            for name in ("_random", "_random32"):
                orig, guarded = _guard(name)
                _RAND_ORIG[name] = orig
                setattr(Generator, name, guarded)
        _RANDOMNESS.append(self.mode)

    def __exit__(self, *exc):
        _RANDOMNESS.pop()
        if not _RANDOMNESS:
            for name, orig in _RAND_ORIG.items():
                setattr(Generator, name, orig)
            _RAND_ORIG.clear()
        return False


def _check_randomness_arg(randomness):
    if randomness not in ["error", "different", "same"]:
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


def _get_name(func):
    if isinstance(func, functools.partial):
        return f"functools.partial({_get_name(func.func)}, ...)"
    return getattr(func, "__name__", repr(func))


def _process_batched_inputs(in_dims, args, func):
    if not isinstance(in_dims, int) and not isinstance(in_dims, tuple):
        raise ValueError(f"vmap({_get_name(func)}, in_dims={in_dims}, ...)(<inputs>): "
                         "expected `in_dims` to be int or a (potentially nested) tuple "
                         f"matching the structure of inputs, got: {type(in_dims)}.")
    if len(args) == 0:
        raise ValueError(f"vmap({_get_name(func)})(<inputs>): got no inputs. Maybe you forgot "
                         "to add inputs, or you are trying to vmap over a function with no "
                         "inputs. The latter is unsupported.")
    flat_args, args_spec = tree_flatten(args)
    flat_in_dims = _broadcast_to_and_flatten(in_dims, args_spec)
    if flat_in_dims is None:
        raise ValueError(f"vmap({_get_name(func)}, in_dims={in_dims}, ...)(<inputs>): "
                         "in_dims is not compatible with the structure of `inputs`. "
                         f"in_dims has structure {tree_flatten(in_dims)[1]} but inputs "
                         f"has structure {args_spec}.")
    pre = f"vmap({_get_name(func)}, in_dims={in_dims}, ...)(<inputs>): "
    for i, (arg, in_dim) in enumerate(zip(flat_args, flat_in_dims)):
        if not isinstance(in_dim, int) and in_dim is not None:
            raise ValueError(pre + f"Got in_dim={in_dim} for an input but in_dim must be "
                             "either an integer dimension or None.")
        if isinstance(in_dim, int) and not isinstance(arg, ember.Tensor):
            raise ValueError(pre + f"Got in_dim={in_dim} for an input but the input is of "
                             f"type {type(arg)}. We cannot vmap over non-Tensor arguments, "
                             "please use None as the respective in_dim")
        if in_dim is not None and (in_dim < -arg.dim() or in_dim >= arg.dim()):
            raise ValueError(pre + f"Got in_dim={in_dim} for some input, but that input is a "
                             f"Tensor of dimensionality {arg.dim()} so expected in_dim to "
                             f"satisfy -{arg.dim()} <= in_dim < {arg.dim()}.")
        if in_dim is not None and in_dim < 0:
            flat_in_dims[i] = in_dim % arg.dim()
    sizes = [a.size(d) for d, a in zip(flat_in_dims, flat_args) if d is not None]
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return sizes[0], flat_in_dims, flat_args, args_spec


def _check_out_dims(out_dims, func):
    def bad():
        raise ValueError(
            f"vmap({_get_name(func)}, ..., out_dims={out_dims}): `out_dims` must be "
            "an int, None or a python collection of ints representing where in the outputs "
            "the vmapped dimension should appear.")
    if isinstance(out_dims, int) or out_dims is None:
        return
    for x in tree_flatten(out_dims)[0]:
        if not (isinstance(x, int) or x is None):
            bad()


def _same(values, mapped):
    """Whether the per-sample outputs are one unbatched value (a heuristic: the same object,
    or equal tensors that do not alias a mapped input)."""
    first = values[0]
    if isinstance(first, ember.Tensor) and any(
            np.may_share_memory(v._data, a._data) for v in values if isinstance(v, ember.Tensor)
            for a in mapped):
        return False
    for v in values[1:]:
        if v is first:
            continue
        if isinstance(first, ember.Tensor) and isinstance(v, ember.Tensor):
            if v.shape == first.shape and v.dtype == first.dtype and ember.equal(v, first):
                continue
            return False
        elif not isinstance(first, ember.Tensor) and not isinstance(v, ember.Tensor):
            continue
        return False
    return True


def _unwrap(outs, out_dims, func, mapped):
    """Stack the per-sample outputs (a list of pytrees) along out_dims."""
    name = _get_name(func)
    flat0, spec = tree_flatten(outs[0])

    def incompatible():
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): "
                         "out_dims is not compatible with the structure of `outputs`. "
                         f"out_dims has structure {tree_flatten(out_dims)[1]} but outputs "
                         f"has structure {spec}.")
    if isinstance(outs[0], ember.Tensor):
        if isinstance(out_dims, int) or out_dims is None:
            flat_dims = [out_dims]
        elif isinstance(out_dims, tuple) and len(out_dims) == 1:
            flat_dims = list(out_dims)
        else:
            incompatible()
    else:
        flat_dims = _broadcast_to_and_flatten(out_dims, spec)
        if flat_dims is None:
            incompatible()
    flats = [tree_flatten(o)[0] for o in outs]
    result = []
    for k, d in enumerate(flat_dims):
        vals = [f[k] for f in flats]
        if d is None:
            if not _same(vals, mapped):
                raise ValueError(f"vmap({name}, ...): `{name}` can not return a "
                                 "BatchedTensor when out_dim is None")
            result.append(vals[0])
            continue
        if not isinstance(vals[0], ember.Tensor):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return "
                             f"Tensors, got type {type(vals[0])}. "
                             "Did you mean to set out_dims= to None for output?")
        result.append(ember.stack(vals, dim=d))
    return tree_unflatten(result, spec)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Map ``func`` over dimension ``in_dims`` of its inputs, stacking outputs at ``out_dims``.

    ember implements vmap as a loop: ``func`` runs once per slice of the mapped dimensions
    and the per-sample outputs are stacked (not batching). For functions that are pure per
    sample this gives torch's results. ``randomness``: 'error' raises torch's error when
    ``func`` draws from a random generator; 'different' lets every sample draw its own
    numbers; 'same' resets the default generator before every sample, so every sample sees
    the same random numbers. With ``out_dims=None`` an output must be the same for every
    sample (torch's 'BatchedTensor' error otherwise)."""
    _check_randomness_arg(randomness)
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        _check_out_dims(out_dims, func)
        size, flat_in_dims, flat_args, args_spec = _process_batched_inputs(in_dims, args, func)
        state = default_generator.get_state() if randomness == "same" else None
        outs = []
        with _RandomnessMode(randomness):
            for b in range(size):
                sl = [a if d is None else a.select(d, b) for a, d in zip(flat_args, flat_in_dims)]
                if state is not None:
                    default_generator.set_state(state)
                outs.append(func(*tree_unflatten(sl, args_spec), **kwargs))
        mapped = [a for a, d in zip(flat_args, flat_in_dims) if d is not None]
        return _unwrap(outs, out_dims, func, mapped)
    return wrapped


# -- functional_call / stack_module_state -----------------------------------------------------

_MISSING = object()


def _untie(module, pb):
    named = {}
    named.update(module.named_parameters(remove_duplicate=False))
    named.update(module.named_buffers(remove_duplicate=False))
    by_tensor = {}
    for name, t in named.items():
        by_tensor.setdefault(id(t), set()).add(name)
    tied = {}
    for names in by_tensor.values():
        if len(names) > 1:
            for n in names:
                tied[n] = names
    given = {n for n in pb if n in tied}
    for g in given:
        names = tied[g]
        if len(names & given) > 1 and len({id(pb[n]) for n in names if n in pb}) != 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, "
                             "which are tied. Consider using tie_weights=False")
    out = dict(pb)
    for g in given:
        for n in tied[g]:
            out[n] = pb[g]
    return out


def _swap(module, name, value):
    """Put value at the dotted name; return what was there (or _MISSING)."""
    prefix, _, attr = name.rpartition(".")
    mod = module.get_submodule(prefix) if prefix else module
    d = mod.__dict__
    if attr in d.get("_parameters", {}):
        old = mod._parameters[attr]
        if value is _MISSING:
            del mod._parameters[attr]
        else:
            mod._parameters[attr] = value
        return old
    if attr in d.get("_buffers", {}):
        old = mod._buffers[attr]
        if value is _MISSING:
            del mod._buffers[attr]
        else:
            mod._buffers[attr] = value
        return old
    old = getattr(mod, attr, _MISSING)
    if value is _MISSING:
        if hasattr(mod, attr):
            delattr(mod, attr)
    else:
        setattr(mod, attr, value)
    return old


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Call ``module`` with its parameters and buffers replaced by the given tensors (by
    dotted name) for the duration of the call; the originals are restored afterwards, also
    when the call raises."""
    if isinstance(parameter_and_buffer_dicts, dict):
        pb = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, (list, tuple)):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be "
                             "dictionaries")
        counts = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                counts[k] = counts.get(k, 0) + 1
        repeated = [k for k, n in counts.items() if n > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of "
                             "functional call is ambiguous")
        pb = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple "
                         f"of dicts, but got {type(parameter_and_buffer_dicts)}")
    untied = _untie(module, pb) if tie_weights else pb
    if strict:
        valid = {n for n, _ in module.named_parameters(remove_duplicate=False)}
        valid.update(n for n, _ in module.named_buffers(remove_duplicate=False))
        keys = set(untied)
        missing, unexpected = sorted(valid - keys), sorted(keys - valid)
        msgs = []
        if unexpected:
            msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if msgs:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
                module._get_name(), "\n\t".join(msgs)))
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    if kwargs is None:
        kwargs = {}
    orig = {}
    try:
        for name, value in untied.items():
            orig[name] = _swap(module, name, value)
        return module(*args, **kwargs)
    finally:
        for name, value in reversed(list(orig.items())):
            _swap(module, name, value)


def _stacked_leaf(tensors, name):
    all_rg = all(t.requires_grad for t in tensors)
    none_rg = all(not t.requires_grad for t in tensors)
    if not all_rg and not none_rg:
        raise RuntimeError(f"Expected {name} from each model to have the same .requires_grad")
    result = ember.stack(tensors)
    if all_rg:
        result = result.detach().requires_grad_()
    return result


def stack_module_state(models):
    """``(params, buffers)``: each model's parameters and buffers stacked along a new dim 0,
    by name (new leaves), for ensembling with :func:`vmap` and :func:`functional_call`."""
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same "
                           "training/eval mode.")
    t0 = type(models[0])
    if not all(type(m) is t0 for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    all_p = [dict(m.named_parameters()) for m in models]
    params = {k: _stacked_leaf(tuple(p[k] for p in all_p), k) for k in all_p[0]}
    all_b = [dict(m.named_buffers()) for m in models]
    buffers = {k: _stacked_leaf(tuple(b[k] for b in all_b), k) for k in all_b[0]}
    return params, buffers
