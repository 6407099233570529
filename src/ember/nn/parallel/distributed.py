"""DistributedDataParallel: one model replica per rank, gradients averaged during backward.

At construction DDP checks that every rank holds the same parameter shapes and copies rank
0's parameters and buffers to the others.  Then, as torch's reducer does:

- the parameters that need gradients go into *buckets*, in reverse registration order (the
  order in which backward usually produces their gradients), one flat buffer per bucket:
  1 MiB for the first bucket, ``bucket_cap_mb`` (25 MiB) for the others, so a small model
  is one bucket;
- each parameter carries a post-accumulate-grad hook: when backward has accumulated its
  ``.grad``, the gradient is copied into its bucket; when a bucket is complete it is divided
  by the world size and its non-blocking all-reduce (``MPI_Iallreduce``) starts, buckets in
  order, so communication overlaps the rest of backward;
- a callback queued on the autograd engine waits for all of them when backward ends and
  copies the averages back into ``.grad``.

``no_sync()`` skips all of this (gradients accumulate locally until the next synchronised
backward); ``find_unused_parameters=True`` walks the graph after forward to find the
parameters the output does not depend on and treats their gradients as zero, leaving
``.grad`` untouched for parameters no rank used.
"""
import contextlib
import functools
import warnings
import weakref

import numpy as np

from ... import distributed as dist
from ..._tensor import Tensor, _make
from ...autograd import grad_mode as _gm
from ...autograd.engine import queue_callback
from ...autograd.function import Function
from ...autograd.node import AccumulateGrad
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]

_MB = 1024 * 1024
_copyto = np.copyto
_DEFAULT_BUCKET_CAP_MB = 25
_DEFAULT_FIRST_BUCKET_BYTES = 1 * _MB

_UNFINISHED_REDUCTION = (
    "Expected to have finished reduction in the prior iteration before starting a new one. "
    "This error indicates that your module has parameters that were not used in producing "
    "loss. You can enable unused parameter detection by passing the keyword argument "
    "`find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`, and by \n"
    "making sure all `forward` function outputs participate in calculating loss. \n"
    "If you already have done the above, then the distributed data parallel module wasn't "
    "able to locate the output tensors in the return value of your module's `forward` "
    "function. Please include the loss function and the structure of the return value of "
    "`forward` of your module when reporting this issue (e.g. list, dict, iterable).\n"
    "Parameter indices which did not receive grad for rank {rank}: {indices}\n"
    " In addition, you can set the environment variable TORCH_DISTRIBUTED_DEBUG to either "
    "INFO or DETAIL to print out information about which particular parameters did not "
    "receive gradient on this rank as part of this error")


def _bucket_assignment(params, limits):
    """torch's compute_bucket_assignment_by_size: tensors in the given order, one open bucket
    per dtype, closed once it reaches its size limit (the first limit for the first bucket
    of a dtype, the last limit after that).  Buckets come out ordered by their first
    tensor."""
    open_buckets = {}          # dtype -> (indices, bytes, number of buckets closed so far)
    done = []
    for i, p in enumerate(params):
        key = p._data.dtype
        indices, size, closed = open_buckets.get(key, ([], 0, 0))
        indices.append(i)
        size += p._data.nbytes
        limit = limits[min(closed, len(limits) - 1)]
        if size >= limit:
            done.append(indices)
            open_buckets[key] = ([], 0, closed + 1)
        else:
            open_buckets[key] = (indices, size, closed)
    done.extend(indices for indices, _, _ in open_buckets.values() if indices)
    done.sort(key=lambda b: b[0])
    return done


def _find_tensors(obj):
    """Every Tensor in a (nested) output: tuples, lists, dicts."""
    found = []
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, Tensor):
            found.append(o)
        elif isinstance(o, (list, tuple)):
            stack.extend(reversed(o))
        elif isinstance(o, dict):
            stack.extend(reversed(list(o.values())))
    return found


def _map_tensors(obj, fn):
    """obj with every Tensor t replaced by fn(t), keeping lists, tuples (named too), dicts."""
    if isinstance(obj, Tensor):
        return fn(obj)
    if isinstance(obj, list):
        return [_map_tensors(o, fn) for o in obj]
    if isinstance(obj, tuple):
        items = [_map_tensors(o, fn) for o in obj]
        return type(obj)(*items) if hasattr(obj, "_fields") else type(obj)(items)
    if isinstance(obj, dict):
        return type(obj)((k, _map_tensors(v, fn)) for k, v in obj.items())
    return obj


def _reachable_leaves(outputs):
    """ids of the leaf tensors whose AccumulateGrad the outputs' graph reaches."""
    seen = set()
    leaves = set()
    stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node) is AccumulateGrad:
            leaves.add(id(node.variable))
            continue
        stack.extend(child for child, _ in node.next_functions)
    return leaves


class _DDPSink(Function):
    """Passes the outputs through when unused parameters are searched for, so that the
    reduction is finalised at the end of every backward, even one that reaches no
    parameter (torch's _DDPSink; its node shows as ``_DDPSinkBackward``)."""

    @staticmethod
    def forward(ctx, ddp_weakref, *inputs):
        ctx.set_materialize_grads(False)
        ctx.ddp_weakref = ddp_weakref
        return tuple(t.clone() if isinstance(t, Tensor) else t for t in inputs)

    @staticmethod
    def backward(ctx, *grad_outputs):
        ddp = ctx.ddp_weakref()
        if ddp is not None and ddp.reducer.expect_hooks:
            ddp.reducer.queue_finalize()
        return (None, *grad_outputs)


_MARKED_TWICE = (
    "Expected to mark a variable ready only once. This error is caused by one of the following "
    "reasons: 1) Use of a module parameter outside the `forward` function. Please make sure "
    "model parameters are not shared across multiple concurrent forward-backward passes. or "
    "try to use _set_static_graph() as a workaround if this module graph does not change "
    "during training loop.2) Reused parameters in multiple reentrant backward passes. For "
    "example, if you use multiple `checkpoint` functions to wrap the same part of your model, "
    "it would result in the same set of parameters been used by different reentrant backward "
    "passes multiple times, and hence marking a variable ready multiple times. DDP does not "
    "support such use cases in default. You can try to use _set_static_graph() as a "
    "workaround if your module graph does not change over iterations.\nParameter at index "
    "{index} has been marked as ready twice. This means that multiple autograd engine  hooks "
    "have fired for this particular parameter during this iteration.")


class _Bucket:
    """One flat gradient buffer and the parameters whose gradients it holds."""
    __slots__ = ("indices", "buffer", "message", "views", "pairs", "pending", "request")

    def __init__(self, indices, params):
        self.indices = indices                     # reducer parameter indices, in order
        sizes = [params[i]._data.size for i in indices]
        self.buffer = np.zeros(sum(sizes), params[indices[0]]._data.dtype)
        self.views = []                            # per parameter: its slice, param-shaped
        start = 0
        for i, n in zip(indices, sizes):
            self.views.append(self.buffer[start:start + n].reshape(params[i]._data.shape))
            start += n
        self.pairs = [(params[i], view) for i, view in zip(indices, self.views)]
        self.pending = len(indices)
        self.request = None
        self.message = None         # [buffer, MPI datatype], set by the reducer


class _Reducer:
    """torch's Reducer: buckets the gradients, all-reduces each bucket as soon as it is
    complete (buckets in order, so every rank issues the same sequence), and puts the
    averages back into ``.grad`` when backward ends."""
    __slots__ = ("params", "buckets", "slots", "process_group", "world_size", "expect_hooks",
                 "callback_queued", "ready", "unused", "next_bucket", "unfinished",
                 "fill_unused_at_end", "bucket_view", "_mpi", "__weakref__")

    def __init__(self, params, buckets, process_group, fill_unused_at_end, bucket_view):
        self.params = params
        self.buckets = [_Bucket(indices, params) for indices in buckets]
        self.slots = [None] * len(params)      # reducer index -> (bucket, its slice there)
        for bucket in self.buckets:
            for i, view in zip(bucket.indices, bucket.views):
                self.slots[i] = (bucket, view)
        self.process_group = process_group
        self.world_size = process_group.size()
        self.expect_hooks = False
        self.callback_queued = False
        self.ready = [False] * len(params)
        self.unused = []                       # indices without a gradient this iteration
        self.next_bucket = 0
        self.unfinished = None
        self.fill_unused_at_end = fill_unused_at_end
        self.bucket_view = bucket_view
        self._mpi = dist._mpi.mpi()
        for bucket in self.buckets:     # spelled out once: mpi4py then skips the type lookup
            datatype = self._mpi._typedict.get(bucket.buffer.dtype.char)
            bucket.message = bucket.buffer if datatype is None else [bucket.buffer, datatype]

    def prepare_for_backward(self, unused=()):
        """After a forward that needs synchronised gradients."""
        if self.unfinished is not None:
            indices = " ".join(str(i) for i in self.unfinished)
            raise RuntimeError(_UNFINISHED_REDUCTION.format(rank=self.process_group.rank(),
                                                            indices=indices))
        self.ready = [False] * len(self.params)
        self.unused = []
        for bucket in self.buckets:
            bucket.pending = len(bucket.indices)
        self.next_bucket = 0
        self.callback_queued = False
        self.expect_hooks = True
        for i in unused:
            self.mark_unused(i)

    def queue_finalize(self):
        if not self.callback_queued:
            self.callback_queued = True
            queue_callback(self.finalize_backward)

    def mark_ready(self, index, param):
        """Parameter ``index`` has its gradient: the post-accumulate-grad hook, which does
        nothing outside a backward that follows a synchronised DDP forward.  The gradient
        goes into its bucket slot; a complete bucket starts its all-reduce."""
        if not self.expect_hooks:
            return
        if not self.callback_queued:
            self.callback_queued = True
            queue_callback(self.finalize_backward)
        ready = self.ready
        if ready[index]:
            raise RuntimeError(_MARKED_TWICE.format(index=index))
        ready[index] = True
        bucket, view = self.slots[index]
        grad = param._grad._data
        if grad is not view:                   # (with bucket views it already is the slot)
            _copyto(view, grad)
        bucket.pending -= 1
        if not bucket.pending:
            if bucket is self.buckets[self.next_bucket]:
                self.launch_ready_buckets()
        elif self.next_bucket:
            # Let MPI progress the all-reduces already started: its progress engine runs
            # inside MPI calls.
            request = self.buckets[self.next_bucket - 1].request
            if request is not None:
                request.Test()

    def mark_unused(self, index):
        """No gradient this iteration: it counts as zero (or as the gradient accumulated
        under no_sync, if there is one)."""
        self.ready[index] = True
        self.unused.append(index)
        bucket, view = self.slots[index]
        grad = self.params[index]._grad
        if grad is None:
            view[...] = 0
        elif grad._data is not view:
            view[...] = grad._data
        bucket.pending -= 1

    def launch_ready_buckets(self):
        """Start the all-reduce of every complete bucket not started yet, in order: divide
        by the world size, MPI_Iallreduce."""
        MPI = self._mpi
        comm = self.process_group._comm
        n = self.world_size
        buckets = self.buckets
        while self.next_bucket < len(buckets):
            bucket = buckets[self.next_bucket]
            if bucket.pending:
                break
            if n > 1:
                np.divide(bucket.buffer, n, out=bucket.buffer)
            bucket.request = comm.Iallreduce(MPI.IN_PLACE, bucket.message, MPI.SUM)
            self.next_bucket += 1

    def finalize_backward(self):
        """End of backward (an engine callback): wait for the all-reduces and put the
        averages into ``.grad``."""
        self.expect_hooks = False
        pg = self.process_group
        MPI = self._mpi
        skip = ()
        if self.fill_unused_at_end:
            for i, ready in enumerate(self.ready):
                if not ready:
                    self.mark_unused(i)
            self.launch_ready_buckets()
            if self.unused:
                # Parameters no rank used keep their .grad as it was (None, typically).
                used = np.ones(len(self.params), np.int32)
                used[self.unused] = 0
                if self.world_size > 1:
                    pg._call("ALLREDUCE", used.size, pg._comm.Allreduce, MPI.IN_PLACE, used,
                             MPI.MAX)
                skip = {id(self.params[i]) for i in np.flatnonzero(used == 0)}
        launched = self.buckets[:self.next_bucket]
        if launched:
            requests = [b.request for b in launched]
            if not MPI.Request.Testall(requests):          # not done yet: wait, watched
                pg._call("ALLREDUCE", sum(b.buffer.size for b in launched),
                         MPI.Request.Waitall, requests)
        for bucket in launched:
            bucket.request = None
            for p, view in bucket.pairs:
                grad = p._grad
                if grad is None:
                    if id(p) not in skip:
                        p._grad = _make(view.copy())
                elif grad._data is view or id(p) in skip:
                    pass
                elif self.bucket_view:
                    p._grad = _make(view)
                else:
                    _copyto(grad._data, view)
        if not all(self.ready):
            self.unfinished = [i for i, ready in enumerate(self.ready) if not ready]


class DistributedDataParallel(Module):
    """Data parallelism across ranks: wrap the model, train as usual; gradients are averaged
    over the ranks during ``backward()``."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=None, init_sync=True, process_group=None, bucket_cap_mb=None,
                 find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None,
                 mixed_precision=None, device_mesh=None, skip_all_reduce_unused_params=False,
                 bucket_cap_mb_list=None, batched_grad_copy=False, forward_sync_buffers=None):
        super().__init__()
        if bool(delay_all_reduce_named_params is not None) != bool(
                param_to_hook_all_reduce is not None):
            raise ValueError("delay_all_reduce_named_params and param_to_hook_all_reduce need "
                             "to be set at the same time.")
        for name, value in (("delay_all_reduce_named_params", delay_all_reduce_named_params),
                            ("mixed_precision", mixed_precision),
                            ("device_mesh", device_mesh)):
            if value is not None:
                raise NotImplementedError(f"ember's DistributedDataParallel does not support "
                                          f"{name} (a GPU/FSDP feature); leave it None")
        self.process_group = dist.distributed_c10d._get_default_group() \
            if process_group is None else process_group
        if hasattr(module, "_ddp_params_and_buffers_to_ignore"):
            self.parameters_to_ignore = set(module._ddp_params_and_buffers_to_ignore)
        else:
            self.parameters_to_ignore = set()
        self._module_parameters = [p for n, p in module.named_parameters()
                                   if n not in self.parameters_to_ignore]
        if not any(p.requires_grad for p in self._module_parameters):
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't "
                               "have any parameter that requires a gradient.")
        if device_ids is not None and len(device_ids) > 1:
            raise ValueError("device_ids can only be None or contain a single element.")
        if device_ids or output_device:
            devices = {p.device for p in self._module_parameters}
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with "
                "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                f"{device_ids}, output_device {output_device}, and module parameters "
                f"{devices}.")
        self.is_multi_device_module = False
        self.device_type = "cpu"
        self.device_ids = None
        self.output_device = None
        self.static_graph = False
        self.dim = dim
        self.module = module
        self.device = self._module_parameters[0].device
        if broadcast_buffers is not None:
            if forward_sync_buffers is not None:
                warnings.warn(
                    "Both `broadcast_buffers` and `forward_sync_buffers` were specified. "
                    "`broadcast_buffers` is deprecated and its value is ignored when "
                    "`forward_sync_buffers` is provided.", FutureWarning, stacklevel=2)
            else:
                warnings.warn(
                    "`broadcast_buffers` is deprecated. Use `forward_sync_buffers` instead. "
                    "IMPORTANT: unlike `broadcast_buffers=False`, `forward_sync_buffers=False` "
                    "still syncs buffers at init. If you rely on buffers NOT being synced at "
                    "init (e.g. rank-local buffers), keep using `broadcast_buffers=False` until "
                    "`init_sync_buffers` is available.", FutureWarning, stacklevel=2)
        if forward_sync_buffers is not None:
            self.forward_sync_buffers = forward_sync_buffers
            init_sync_buffers = True
        else:
            effective = broadcast_buffers if broadcast_buffers is not None else True
            self.forward_sync_buffers = effective
            init_sync_buffers = effective
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.skip_all_reduce_unused_params = skip_all_reduce_unused_params
        if check_reduction:
            warnings.warn("The `check_reduction` argument in `DistributedDataParallel` module "
                          "is deprecated. Please avoid using it.", FutureWarning, stacklevel=2)
        self.broadcast_bucket_size = 250 * _MB
        if bucket_cap_mb_list:
            caps = [int(c * _MB) for c in bucket_cap_mb_list]
            self.bucket_bytes_cap = max(caps)
            limits = caps
        else:
            cap_mb = _DEFAULT_BUCKET_CAP_MB if bucket_cap_mb is None else bucket_cap_mb
            self.bucket_bytes_cap = int(cap_mb * _MB)
            first = _DEFAULT_FIRST_BUCKET_BYTES if bucket_cap_mb is None else \
                self.bucket_bytes_cap
            limits = [first, self.bucket_bytes_cap]

        # The reducer's parameters: those needing gradients, shared ones once.
        params = []
        seen = set()
        for p in self._module_parameters:
            if p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                params.append(p)
        pg = self.process_group
        if init_sync:
            _verify_params_across_processes(pg, params)
            _sync_module_states(pg, self.module, self.parameters_to_ignore, init_sync_buffers)

        # Buckets in reverse registration order (the order gradients usually arrive in).
        order = list(range(len(params)))[::-1]
        groups = _bucket_assignment([params[i] for i in order], limits)
        self.reducer = _Reducer(params, [[order[j] for j in g] for g in groups], pg,
                                find_unused_parameters or static_graph,
                                gradient_as_bucket_view)
        self._assign_modules_buffers()
        if static_graph:
            self._set_static_graph()
        self._hook_handles = [p.register_post_accumulate_grad_hook(
            functools.partial(self.reducer.mark_ready, i)) for i, p in enumerate(params)]

    def __del__(self):
        # The hooks hold the reducer (and its buckets): a model that outlives its DDP
        # wrapper drops them.
        for handle in self.__dict__.get("_hook_handles", ()):
            handle.remove()

    def _set_static_graph(self):
        """static_graph=True: the same parameters are used every iteration (unused ones are
        found at the end of each backward, without a graph walk)."""
        self.static_graph = True

    @property
    def broadcast_buffers(self):
        return self.forward_sync_buffers

    @broadcast_buffers.setter
    def broadcast_buffers(self, value):
        self.forward_sync_buffers = value

    # -- forward ------------------------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        if self.modules_buffers and self._will_sync_module_buffers():
            self._sync_buffers()
        output = self.module(*inputs, **kwargs)
        return self._post_forward(output)

    def _will_sync_module_buffers(self):
        return (self.require_forward_param_sync and self.forward_sync_buffers and
                len(self.modules_buffers) > 0 and self.reducer.world_size > 1)

    def _assign_modules_buffers(self):
        self.modules_buffers = [b for n, b in self.module.named_buffers()
                                if n not in self.parameters_to_ignore]

    def _sync_buffers(self):
        """Rank 0's buffers (BatchNorm's running statistics ...) to every rank."""
        self._assign_modules_buffers()          # buffers may have been reassigned
        for b in self.modules_buffers:
            _broadcast_in_place(self.process_group, b)

    def _post_forward(self, output):
        if _gm._enabled and self.require_backward_grad_sync:
            if not self.require_forward_param_sync:
                self.require_forward_param_sync = True
            unused = ()
            if self.find_unused_parameters and not self.static_graph:
                reached = _reachable_leaves(_find_tensors(output))
                unused = [i for i, p in enumerate(self.reducer.params) if id(p) not in reached]
            self.reducer.prepare_for_backward(unused)
        elif self.require_forward_param_sync:
            self.require_forward_param_sync = False
        if self.find_unused_parameters and not self.static_graph:
            ref = weakref.ref(self)
            tensors = [t for t in _find_tensors(output) if t.grad_fn is not None]
            if tensors:
                passed = _DDPSink.apply(ref, *tensors)
                replace = dict(zip((id(t) for t in tensors), passed))
                output = _map_tensors(output, lambda t: replace.get(id(t), t))
        return output

    # -- torch's other entry points -----------------------------------------------------------
    @contextlib.contextmanager
    def no_sync(self):
        """Within it, backward accumulates gradients locally; the first synchronised
        backward after it averages the accumulated gradients."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def will_sync_module_buffers(self):
        return self._will_sync_module_buffers()


def _broadcast_in_place(pg, t, src=0):
    """Rank src's values of tensor t into t on every rank (no version bump: torch syncs
    module states under _unsafe_preserve_version_counter)."""
    a = t._data
    buf = a if a.flags.c_contiguous else np.ascontiguousarray(a)
    pg._call("BROADCAST", buf.size, pg._comm.Bcast, buf.reshape(-1).view(np.uint8), src)
    if buf is not a:
        np.copyto(a, buf)


def _sync_module_states(pg, module, ignore, broadcast_buffers):
    for name, p in module.named_parameters():
        if name not in ignore:
            _broadcast_in_place(pg, p)
    if broadcast_buffers:
        for name, b in module.named_buffers():
            if name not in ignore:
                _broadcast_in_place(pg, b)


def _verify_params_across_processes(pg, params):
    """Every rank must hold the same parameter shapes (checked as torch does, with its
    messages), before anything is broadcast into them."""
    shapes = [tuple(p._data.shape) for p in params]
    table = pg._call("CHECK", len(shapes), pg._comm.allgather, shapes)
    my_rank = pg.rank()
    for r, theirs in enumerate(table):
        if len(theirs) != len(shapes):
            raise RuntimeError(f"DDP expects same model across all ranks, but Rank {my_rank} "
                               f"has {len(shapes)} params, while rank {r} has inconsistent "
                               f"{len(theirs)} params.")
    for r, theirs in enumerate(table):
        for j, (mine, ref) in enumerate(zip(theirs, table[0])):
            if mine != ref:
                raise RuntimeError(f"[{r}]: params[{j}] in this process with sizes "
                                   f"{list(mine)} appears not to match sizes of the same "
                                   "param in process 0.")
