"""Worker: ember.distributed against torch.distributed in one process (world size 1).

Run by tests/test_distributed.py as a plain ``python`` process (MPI starts as a singleton).
torch uses its gloo backend on a file store.  The same calls run on both libraries, and
the results, or the exception types and messages, must match.  Prints ``OK api_single
cases=K``; a mismatch raises.
"""
import os
import sys
import tempfile
import warnings
from datetime import timedelta

import numpy as np
import torch

import ember

checked = [0]


def outcome(fn, lib):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(lib)
            kind = ("ok", _plain(result))
        except Exception as e:      # noqa: BLE001 - the point is to compare any exception
            # the one expected difference: the class name in "got <class '...'>"
            kind = ("raise", type(e).__name__,
                    str(e).replace("ember._tensor.Tensor", "torch.Tensor"))
    warned = sorted({(w.category.__name__, str(w.message)) for w in caught
                     if "served by MPI" not in str(w.message)})
    return kind, warned


def _plain(r):
    if r is None or isinstance(r, (bool, int, float, str)):
        return r
    if isinstance(r, (list, tuple)):
        return [_plain(x) for x in r]
    if hasattr(r, "detach"):
        return np.asarray(r.detach()).tolist()
    return type(r).__name__


def same(name, fn, warnings_too=True):
    e, t = outcome(fn, ember), outcome(fn, torch)
    if not warnings_too:
        e, t = e[0], t[0]
    assert e == t, f"{name}:\n ember {e}\n torch {t}"
    checked[0] += 1


def before_init():
    same("get_rank before init", lambda L: L.distributed.get_rank())
    same("get_world_size before init", lambda L: L.distributed.get_world_size())
    same("barrier before init", lambda L: L.distributed.barrier())
    same("all_reduce before init", lambda L: L.distributed.all_reduce(L.ones(2)))
    same("is_initialized", lambda L: L.distributed.is_initialized())
    same("is_available", lambda L: L.distributed.is_available())
    same("ddp before init", lambda L: L.nn.parallel.DistributedDataParallel(L.nn.Linear(2, 2)))
    same("sampler before init", lambda L: L.utils.data.DistributedSampler(range(4)))
    same("init timeout type", lambda L: L.distributed.init_process_group("gloo", timeout=5))
    same("init store and method", lambda L: L.distributed.init_process_group(
        "gloo", init_method="env://", store=object()))
    same("Backend", lambda L: [L.distributed.Backend("GLOO"), L.distributed.Backend("xyz"),
                               L.distributed.Backend.NCCL])
    same("Backend int", lambda L: L.distributed.Backend(3))
    same("ReduceOp repr", lambda L: [repr(L.distributed.ReduceOp.SUM),
                                     str(L.distributed.ReduceOp.AVG),
                                     list(L.distributed.ReduceOp.RedOpType.__members__)])
    same("ReduceOp eq", lambda L: L.distributed.ReduceOp.MAX ==
         L.distributed.ReduceOp.RedOpType.MAX)
    same("group.WORLD", lambda L: [L.distributed.group.WORLD is None,
                                   L.distributed.GroupMember.NON_GROUP_MEMBER])
    saved = os.environ.pop("LOCAL_RANK", None)
    same("get_node_local_rank", lambda L: L.distributed.get_node_local_rank())
    same("get_node_local_rank fallback",
         lambda L: L.distributed.get_node_local_rank(fallback_rank=3))
    if saved is not None:
        os.environ["LOCAL_RANK"] = saved


def after_init():
    D = "distributed"

    def d(L):
        return getattr(L, D)
    same("rank/size", lambda L: [d(L).get_rank(), d(L).get_world_size(),
                                 d(L).is_initialized()])
    same("init twice", lambda L: d(L).init_process_group("gloo"))
    same("all_reduce list", lambda L: d(L).all_reduce([L.ones(2)]))
    same("all_reduce", lambda L: _ar(L, L.arange(4.0)))
    same("all_reduce int", lambda L: _ar(L, L.arange(4)))
    same("all_reduce BAND float", lambda L: d(L).all_reduce(L.ones(2),
                                                            op=d(L).ReduceOp.BAND))
    same("all_reduce complex MAX", lambda L: d(L).all_reduce(
        L.ones(2, dtype=L.complex64), op=d(L).ReduceOp.MAX))
    same("all_gather dtypes", lambda L: d(L).all_gather([L.zeros(2, dtype=L.int64)],
                                                        L.ones(2)))
    same("all_gather not a list", lambda L: d(L).all_gather(L.zeros(2), L.ones(2)))
    same("all_gather list of non-tensors", lambda L: d(L).all_gather([1, 2], L.ones(2)))
    same("all_gather", lambda L: _ag(L))
    same("all_gather_into_tensor", lambda L: _agt(L))
    same("all_to_all dtypes", lambda L: d(L).all_to_all_single(
        L.zeros(3), L.ones(3, dtype=L.float64)))
    same("all_to_all bad split count", lambda L: d(L).all_to_all_single(
        L.zeros(3), L.ones(3), [1, 1], [2, 1]))
    same("broadcast both ranks", lambda L: d(L).broadcast(L.ones(2), 0, group_src=0))
    same("broadcast no rank", lambda L: d(L).broadcast(L.ones(2)))
    same("reduce no rank", lambda L: d(L).reduce(L.ones(2)))
    same("send to self", lambda L: d(L).send(L.ones(2), dst=0))
    same("gather no list", lambda L: d(L).gather(L.ones(2), None, dst=0))
    same("scatter no list", lambda L: d(L).scatter(L.ones(2), None, src=0))
    same("gather", lambda L: _gather(L))
    same("scatter", lambda L: _scatter(L))
    same("all_gather_object short", lambda L: d(L).all_gather_object([], 1))
    same("all_gather_object", lambda L: _ago(L))
    same("broadcast_object_list", lambda L: _bol(L))
    same("gather_object no list", lambda L: d(L).gather_object(1, None, dst=0))
    same("scatter_object_list bad out", lambda L: d(L).scatter_object_list([], [1]))
    same("scatter_object_list no in", lambda L: d(L).scatter_object_list([None], None))
    same("new_group dup", lambda L: d(L).new_group([0, 0]))
    same("new_group big", lambda L: d(L).new_group([0, 1]))
    same("new_group", lambda L: _ng(L))
    same("work", lambda L: _work(L))
    same("work source_rank", lambda L: d(L).all_reduce(L.ones(2), async_op=True)
         .source_rank())
    same("barrier timeout type", lambda L: d(L).barrier(timeout=timedelta(seconds=5)))
    same("sampler", lambda L: [list(L.utils.data.DistributedSampler(range(7))),
                               list(L.utils.data.DistributedSampler(range(7), 3, 2))])
    same("sampler bad rank", lambda L: L.utils.data.DistributedSampler(range(7), 3, 3))
    ddp_checks()


def _ar(L, t):
    L.distributed.all_reduce(t)
    L.distributed.all_reduce(t, op=L.distributed.ReduceOp.MAX)
    return t


def _ag(L):
    out = [L.zeros(3)]
    L.distributed.all_gather(out, L.arange(3.0))
    return out


def _agt(L):
    out = L.zeros(3)
    L.distributed.all_gather_into_tensor(out, L.arange(3.0))
    return out


def _gather(L):
    out = [L.zeros(3)]
    L.distributed.gather(L.arange(3.0), out, dst=0)
    return out


def _scatter(L):
    out = L.zeros(3)
    L.distributed.scatter(out, [L.arange(3.0)], src=0)
    return out


def _ago(L):
    out = [None]
    L.distributed.all_gather_object(out, {"a": [1, 2]})
    return out


def _bol(L):
    out = ["x", {"y": 1}]
    L.distributed.broadcast_object_list(out, src=0)
    return out


def _ng(L):
    g = L.distributed.new_group([0])
    return [g.rank(), g.size(), L.distributed.get_rank(g), L.distributed.get_world_size(g),
            L.distributed.get_process_group_ranks(g)]


def _work(L):
    t = L.ones(2)
    w = L.distributed.all_reduce(t, async_op=True)
    w.wait()
    return [w.is_completed(), w.result(), w.get_future().wait(), w.exception()]


def ddp_checks():
    def make(L, **kw):
        L.manual_seed(0)
        model = L.nn.Sequential(L.nn.Linear(2, 3), L.nn.BatchNorm1d(3))
        return L.nn.parallel.DistributedDataParallel(model, **kw)
    same("ddp repr", lambda L: repr(make(L)))
    same("ddp state_dict", lambda L: list(make(L).state_dict()))
    same("ddp forward", lambda L: [make(L)(L.ones(4, 2)).shape[1],
                                   type(make(L)(L.ones(4, 2)).grad_fn).__name__])
    same("ddp find_unused grad_fn", lambda L: type(
        make(L, find_unused_parameters=True)(L.ones(4, 2)).grad_fn).__name__)
    same("ddp no grad params", lambda L: L.nn.parallel.DistributedDataParallel(
        L.nn.Linear(2, 2).requires_grad_(False)))
    same("ddp device_ids", lambda L: make(L, device_ids=[0]))
    same("ddp broadcast_buffers warning", lambda L: make(L, broadcast_buffers=False)
         .broadcast_buffers)
    same("ddp check_reduction warning", lambda L: make(L, check_reduction=True).dim)
    same("ddp attributes", lambda L: [make(L).find_unused_parameters,
                                      make(L).require_backward_grad_sync,
                                      make(L).gradient_as_bucket_view,
                                      make(L).bucket_bytes_cap, make(L).broadcast_buffers])

    def unused(L):
        class U(L.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = L.nn.Linear(2, 2)
                self.b = L.nn.Linear(2, 2)

            def forward(self, x):
                return self.a(x)
        ddp = L.nn.parallel.DistributedDataParallel(U())
        ddp(L.ones(3, 2)).sum().backward()
        return ddp(L.ones(3, 2))
    same("ddp unused parameter error", unused)

    def find_unused(L):
        class U(L.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = L.nn.Linear(2, 2)
                self.b = L.nn.Linear(2, 2)

            def forward(self, x):
                return self.a(x)
        L.manual_seed(0)
        ddp = L.nn.parallel.DistributedDataParallel(U(), find_unused_parameters=True)
        for _ in range(2):
            ddp(L.ones(3, 2)).sum().backward()
        return [None if p.grad is None else p.grad for p in ddp.parameters()]
    same("ddp find_unused grads", find_unused)

    def grads(L, accumulate):
        L.manual_seed(0)
        model = L.nn.Linear(3, 2)
        ddp = L.nn.parallel.DistributedDataParallel(model)
        x = L.arange(12.0).reshape(4, 3) / 10
        if accumulate:
            with ddp.no_sync():
                ddp(x).pow(2).sum().backward()
        ddp(x).pow(2).sum().backward()
        return [np.round(np.asarray(p.grad), 5).tolist() for p in ddp.parameters()]
    same("ddp grads", lambda L: grads(L, False))
    same("ddp no_sync grads", lambda L: grads(L, True))


def main():
    before_init()
    torch.distributed.init_process_group(
        "gloo", init_method="file://" + tempfile.mktemp(), rank=0, world_size=1)
    ember.distributed.init_process_group("gloo")
    after_init()
    print(f"OK api_single cases={checked[0]}", flush=True)
    torch.distributed.destroy_process_group()
    ember.distributed.destroy_process_group()
    assert not ember.distributed.is_initialized()
    ember.distributed.init_process_group()        # again, after destroy
    assert ember.distributed.get_world_size() == 1
    sys.exit(0)


if __name__ == "__main__":
    main()
