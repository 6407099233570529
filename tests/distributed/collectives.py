"""Worker: every collective against a NumPy computation of its result.

Run by tests/test_distributed.py under ``mpiexec -n 2`` and ``-n 3``.  Each rank's input is a
known function of its rank, so every rank can compute what every collective must give with
NumPy; float32, float64 and int64, blocking and ``async_op=True``.  A failed check raises,
which (through ember's exception hook) aborts the job with a non-zero exit code.  Rank 0
prints ``OK collectives world=N cases=K`` at the end.
"""
import warnings

import numpy as np

import ember as torch
import ember.distributed as dist

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64}
SHAPES = [(5,), (2, 3), ()]
cases = [0]


def data(rank, shape, dtype, salt=0):
    """A rank's input: small values (products stay exact), distinct across ranks."""
    n = int(np.prod(shape)) if shape else 1
    base = (np.arange(n) * (rank + 2) + 3 * rank + salt) % 7 - 3
    if dtype != "int64":
        base = base + (rank + 1) * 0.25
    return base.reshape(shape).astype(dtype)


def tensor(a):
    return torch.from_numpy(np.array(a, copy=True))


def check(got, want, what):
    got = got.numpy() if hasattr(got, "numpy") else np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    if got.dtype.kind == "f":
        tol = 1e-6 if got.dtype == np.float32 else 1e-12
        assert np.allclose(got, want, rtol=tol, atol=tol), f"{what}: {got} != {want}"
    else:
        assert np.array_equal(got, want), f"{what}: {got} != {want}"
    cases[0] += 1


def reduce_np(arrays, op):
    stack = np.stack(arrays)
    if op == "SUM":
        return stack.sum(0).astype(stack.dtype)
    if op == "AVG":
        total = stack.sum(0)
        if stack.dtype.kind == "f":
            return (total / len(arrays)).astype(stack.dtype)
        return (np.sign(total) * (np.abs(total) // len(arrays))).astype(stack.dtype)
    if op == "PRODUCT":
        return stack.prod(0).astype(stack.dtype)
    if op == "MIN":
        return stack.min(0)
    if op == "MAX":
        return stack.max(0)
    if op == "BAND":
        return np.bitwise_and.reduce(stack, 0)
    if op == "BOR":
        return np.bitwise_or.reduce(stack, 0)
    if op == "BXOR":
        return np.bitwise_xor.reduce(stack, 0)
    raise ValueError(op)


def run(async_op, fn, *args, **kwargs):
    """fn blocking, or async_op=True and wait() (checking the Work on the way)."""
    if not async_op:
        assert fn(*args, **kwargs) is None
        return
    work = fn(*args, async_op=True, **kwargs)
    assert isinstance(work, dist.Work)
    work.wait()
    assert work.is_completed() and work.is_success()


def test_tensor_collectives(rank, world):
    ranks = range(world)
    for dname in DTYPES:
        ops = ["SUM", "AVG", "PRODUCT", "MIN", "MAX"] + (
            ["BAND", "BOR", "BXOR"] if dname == "int64" else [])
        for shape in SHAPES:
            inputs = [data(r, shape, dname) for r in ranks]
            for async_op in (False, True):
                tag = f"{dname}{list(shape)} async={async_op}"
                for op in ops:
                    t = tensor(inputs[rank])
                    run(async_op, dist.all_reduce, t, op=getattr(dist.ReduceOp, op))
                    check(t, reduce_np(inputs, op), f"all_reduce {op} {tag}")
                    # bitwise identical on every rank, as torch promises
                    everyone = [None] * world
                    dist.all_gather_object(everyone, t.numpy().tobytes())
                    assert all(b == everyone[0] for b in everyone), f"all_reduce {op} differs"
                for root in ranks:
                    t = tensor(inputs[rank])
                    run(async_op, dist.broadcast, t, src=root)
                    check(t, inputs[root], f"broadcast src={root} {tag}")
                    t = tensor(inputs[rank])
                    run(async_op, dist.reduce, t, dst=root, op=dist.ReduceOp.SUM)
                    want = reduce_np(inputs, "SUM") if rank == root else inputs[rank]
                    check(t, want, f"reduce dst={root} {tag}")
                    t = tensor(inputs[rank])
                    run(async_op, dist.reduce, t, dst=root, op=dist.ReduceOp.MAX)
                    want = reduce_np(inputs, "MAX") if rank == root else inputs[rank]
                    check(t, want, f"reduce MAX dst={root} {tag}")
                    # gather / scatter
                    out = [tensor(np.zeros(shape, dname)) for _ in ranks] if rank == root \
                        else None
                    run(async_op, dist.gather, tensor(inputs[rank]), out, dst=root)
                    if rank == root:
                        for r in ranks:
                            check(out[r], inputs[r], f"gather dst={root} [{r}] {tag}")
                    parts = [tensor(data(r, shape, dname, salt=root)) for r in ranks] \
                        if rank == root else None
                    t = tensor(np.zeros(shape, dname))
                    run(async_op, dist.scatter, t, parts, src=root)
                    check(t, data(rank, shape, dname, salt=root), f"scatter src={root} {tag}")
                out = [tensor(np.zeros(shape, dname)) for _ in ranks]
                run(async_op, dist.all_gather, out, tensor(inputs[rank]))
                for r in ranks:
                    check(out[r], inputs[r], f"all_gather [{r}] {tag}")
                if shape:
                    rows = (world * 2,) + shape[1:]
                    flat_in = [data(r, (2,) + shape[1:], dname) for r in ranks]
                    out = tensor(np.zeros(rows, dname))
                    run(async_op, dist.all_gather_single, out, tensor(flat_in[rank]))
                    check(out, np.concatenate(flat_in), f"all_gather_single {tag}")
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        out2 = tensor(np.zeros(rows, dname))
                        run(async_op, dist.all_gather_into_tensor, out2, tensor(flat_in[rank]))
                    assert any(issubclass(w.category, FutureWarning) for w in caught)
                    check(out2, np.concatenate(flat_in), f"all_gather_into_tensor {tag}")
                    # reduce_scatter: rank r gets block r of the reduced input
                    big = [data(r, rows, dname) for r in ranks]
                    for op in ("SUM", "AVG", "MAX"):
                        out = tensor(np.zeros((2,) + shape[1:], dname))
                        run(async_op, dist.reduce_scatter_single, out, tensor(big[rank]),
                            op=getattr(dist.ReduceOp, op))
                        want = reduce_np(big, op)[2 * rank:2 * rank + 2]
                        check(out, want, f"reduce_scatter_single {op} {tag}")
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", FutureWarning)
                        out = tensor(np.zeros((2,) + shape[1:], dname))
                        run(async_op, dist.reduce_scatter_tensor, out, tensor(big[rank]))
                    check(out, reduce_np(big, "SUM")[2 * rank:2 * rank + 2],
                          f"reduce_scatter_tensor {tag}")
                    lists = [[data(r, shape, dname, salt=j) for j in ranks] for r in ranks]
                    out = tensor(np.zeros(shape, dname))
                    run(async_op, dist.reduce_scatter, out, [tensor(a) for a in lists[rank]])
                    check(out, reduce_np([lists[r][rank] for r in ranks], "SUM"),
                          f"reduce_scatter {tag}")
                    # all_to_all_single, equal blocks: block j of rank i -> block i of rank j
                    out = tensor(np.zeros(rows, dname))
                    run(async_op, dist.all_to_all_single, out, tensor(big[rank]))
                    want = np.concatenate([big[r][2 * rank:2 * rank + 2] for r in ranks])
                    check(out, want, f"all_to_all_single {tag}")
                    # ... and uneven: rank i sends (i + j + 1) rows to rank j
                    sizes = [[i + j + 1 for j in ranks] for i in ranks]
                    src = [data(i, (sum(sizes[i]),) + shape[1:], dname) for i in ranks]
                    out = tensor(np.zeros((sum(sizes[i][rank] for i in ranks),) + shape[1:],
                                          dname))
                    run(async_op, dist.all_to_all_single, out, tensor(src[rank]),
                        output_split_sizes=[sizes[i][rank] for i in ranks],
                        input_split_sizes=sizes[rank])
                    want = np.concatenate([src[i][sum(sizes[i][:rank]):
                                                  sum(sizes[i][:rank + 1])] for i in ranks])
                    check(out, want, f"all_to_all_single splits {tag}")
                    # all_to_all with lists
                    outs = [tensor(np.zeros(shape, dname)) for _ in ranks]
                    run(async_op, dist.all_to_all, outs, [tensor(a) for a in lists[rank]])
                    for r in ranks:
                        check(outs[r], lists[r][rank], f"all_to_all [{r}] {tag}")


def test_special_tensors(rank, world):
    ranks = range(world)
    # a non-contiguous tensor (a transposed view) is reduced in place
    base = [data(r, (3, 4), "float32") for r in ranks]
    t = tensor(base[rank]).t()
    dist.all_reduce(t)
    check(t, reduce_np(base, "SUM").T, "all_reduce of a transposed view")
    # bool: SUM is logical or, PRODUCT logical and
    flags = [np.array([r == 0, True, False, r == 1]) for r in ranks]
    t = tensor(flags[rank])
    dist.all_reduce(t)
    check(t, np.logical_or.reduce(flags), "all_reduce bool")
    t = tensor(flags[rank])
    dist.all_reduce(t, op=dist.ReduceOp.PRODUCT)
    check(t, np.logical_and.reduce(flags), "all_reduce bool PRODUCT")
    # a tensor that requires grad: torch reduces it in place too
    w = torch.ones(3, requires_grad=True)
    dist.all_reduce(w.data)
    check(w.detach(), np.full(3, world, np.float32), "all_reduce of a parameter's data")


def test_objects_and_p2p(rank, world):
    ranks = range(world)
    objs = [None] * world
    dist.all_gather_object(objs, {"rank": rank, "name": f"r{rank}"})
    assert objs == [{"rank": r, "name": f"r{r}"} for r in ranks]
    for root in ranks:
        lst = [f"from {root}", root * 10, [root]] if rank == root else [None, None, None]
        dist.broadcast_object_list(lst, src=root)
        assert lst == [f"from {root}", root * 10, [root]]
        got = [None] * world if rank == root else None
        dist.gather_object(("g", rank), got, dst=root)
        if rank == root:
            assert got == [("g", r) for r in ranks]
        out = [None]
        dist.scatter_object_list(out, [("s", r) for r in ranks] if rank == root else None,
                                 src=root)
        assert out == [("s", rank)]
    cases[0] += 4 * world
    # a ring of send / recv, then of isend / irecv, then batch_isend_irecv
    right, left = (rank + 1) % world, (rank - 1) % world
    mine = tensor(data(rank, (4,), "float64"))
    got = torch.zeros(4, dtype=torch.float64)
    if rank % 2 == 0:
        dist.send(mine, dst=right)
        assert dist.recv(got, src=left) == left
    else:
        assert dist.recv(got, src=left) == left
        dist.send(mine, dst=right)
    check(got, data(left, (4,), "float64"), "send/recv ring")
    got = torch.zeros(4, dtype=torch.float64)
    works = [dist.isend(mine, dst=right, tag=7), dist.irecv(got, src=left, tag=7)]
    for w in works:
        w.wait()
    check(got, data(left, (4,), "float64"), "isend/irecv ring")
    assert works[1].source_rank() == left
    got = torch.zeros(4, dtype=torch.float64)
    works = dist.batch_isend_irecv([dist.P2POp(dist.isend, mine, right),
                                    dist.P2POp(dist.irecv, got, left)])
    for w in works:
        w.wait()
    check(got, data(left, (4,), "float64"), "batch_isend_irecv ring")
    # recv from any source
    if rank == 0:
        t = torch.zeros(2)
        senders = sorted(dist.recv(t) for _ in range(world - 1))
        assert senders == list(range(1, world)), senders
    else:
        dist.send(torch.full((2,), float(rank)), dst=0)
    dist.barrier()
    if rank == 0:
        dist.send_object_list([{"from": 0}, "x"], dst=1)
    elif rank == 1:
        lst = [None, None]
        assert dist.recv_object_list(lst, src=0) == 0 and lst == [{"from": 0}, "x"]
    dist.barrier()
    w = dist.barrier(async_op=True)
    w.wait()
    cases[0] += 3


def test_groups(rank, world):
    """A subgroup of the first and last rank; the others are not members."""
    members = [0, world - 1]
    g = dist.new_group(members)
    if rank in members:
        assert g != dist.GroupMember.NON_GROUP_MEMBER
        assert dist.get_world_size(g) == 2
        assert dist.get_rank(g) == members.index(rank)
        assert dist.get_process_group_ranks(g) == members
        t = tensor(data(rank, (3,), "int64"))
        dist.all_reduce(t, group=g)
        check(t, data(0, (3,), "int64") + data(world - 1, (3,), "int64"), "group all_reduce")
        t = tensor(data(rank, (3,), "float32"))
        dist.broadcast(t, src=world - 1, group=g)    # src is a global rank
        check(t, data(world - 1, (3,), "float32"), "group broadcast")
        assert dist.get_global_rank(g, 1) == world - 1
        assert dist.get_group_rank(g, world - 1) == 1
    else:
        assert g == dist.GroupMember.NON_GROUP_MEMBER
        assert dist.get_rank(g) == -1 and dist.get_world_size(g) == -1
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert dist.all_reduce(torch.ones(3), group=g) is None
        assert "does not belong to the given group" in str(caught[0].message)
        cases[0] += 1
    dist.destroy_process_group(g)
    dist.barrier()


def test_mismatch_errors(rank, world):
    """Ranks that disagree get the same clear error, not a hang or wrong numbers."""
    def expect(fn, *needles):
        try:
            fn()
        except RuntimeError as e:
            for needle in needles:
                assert needle in str(e), f"{needle!r} not in {e}"
            cases[0] += 1
            return
        raise AssertionError("no error")
    shape = (2 + rank,)
    expect(lambda: dist.all_reduce(torch.ones(shape)),
           "ember.distributed.all_reduce: the ranks disagree",
           "rank 0 calls all_reduce on a float32 tensor of shape [2]",
           "rank 1 calls all_reduce on a float32 tensor of shape [3]")
    expect(lambda: dist.broadcast(torch.ones(2), src=rank),
           "rank 0 calls broadcast (root rank 0)", "rank 1 calls broadcast (root rank 1)")
    dtype = torch.float32 if rank == 0 else torch.float64
    expect(lambda: dist.all_gather([torch.zeros(2, dtype=dtype) for _ in range(world)],
                                   torch.ones(2, dtype=dtype)),
           "rank 0 calls all_gather on a float32", "rank 1 calls all_gather on a float64")
    if rank == 0:
        expect(lambda: dist.all_reduce(torch.ones(2)),
               "rank 0 calls all_reduce", "rank 1 calls barrier")
    else:
        expect(lambda: dist.barrier(), "rank 0 calls all_reduce", "rank 1 calls barrier")
    # all_to_all with splits the other ranks do not expect
    n = world
    out = torch.zeros(n)
    expect(lambda: dist.all_to_all_single(out, torch.ones(n + rank),
                                          output_split_sizes=[1] * n,
                                          input_split_sizes=[1 + rank] + [1] * (n - 1)),
           "the ranks disagree on the split sizes", "rank 1 sends 2 rows to rank 0, which "
           "expects 1")
    # a message of the wrong size
    if rank == 0:
        dist.send(torch.ones(3), dst=1)
    elif rank == 1:
        expect(lambda: dist.recv(torch.zeros(2), src=0),
               "rank 1 receives into a float32 tensor of shape [2] (8 bytes), but rank 0 sent "
               "12 bytes")
        dist.recv(torch.zeros(3), src=0)           # the message is still there
    # with the check off, matching calls still work
    dist.set_collective_checks(False)
    t = torch.ones(4)
    dist.all_reduce(t)
    check(t, np.full(4, world, np.float32), "all_reduce without the check")
    dist.set_collective_checks(True)
    dist.barrier()


def main():
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    test_tensor_collectives(rank, world)
    test_special_tensors(rank, world)
    test_objects_and_p2p(rank, world)
    test_groups(rank, world)
    test_mismatch_errors(rank, world)
    total = [None] * world
    dist.all_gather_object(total, cases[0])
    if rank == 0:
        print(f"OK collectives world={world} cases={sum(total)}", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
