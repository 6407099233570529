"""ember.utils.data and ember.datasets against torch.utils.data: datasets, random_split,
samplers, default_collate, DataLoader (ordering under seeds, batching, errors, warnings)
and its worker processes."""
import collections
import gc
import math
import os
import random
import time
import warnings

import numpy as np
import pytest
import torch

import ember

Point = collections.namedtuple("Point", ["x", "y"])


# -- helpers ---------------------------------------------------------------------------------

def norm(obj):
    """A torch or ember result as plain comparable data: tensors as (dtype, shape, values),
    containers with their type name (namedtuple classes are shared by both sides)."""
    if isinstance(obj, (torch.Tensor, ember.Tensor)):
        dt = str(obj.dtype) if isinstance(obj, torch.Tensor) else repr(obj.dtype)
        return ("T", dt, tuple(obj.shape), obj.tolist())
    if isinstance(obj, dict):
        return (type(obj).__name__, {k: norm(v) for k, v in obj.items()})
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return (type(obj).__name__, [norm(v) for v in obj])
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [norm(v) for v in obj])
    if isinstance(obj, np.ndarray):
        return ("ndarray", obj.dtype.str, obj.tolist())
    return obj


def both(fn):
    """fn(torch) and fn(ember), normalised."""
    return norm(fn(torch)), norm(fn(ember))


def same(fn):
    t, e = both(fn)
    assert e == t


def same_error(fn):
    """The same exception type and message from fn(torch) and fn(ember)."""
    errs = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            fn(lib)
        errs.append(info.value)
    assert type(errs[1]) is type(errs[0]), (type(errs[1]), type(errs[0]), errs[0])
    assert str(errs[1]) == str(errs[0])


def same_warnings(fn):
    """The same warning categories and messages from fn(torch) and fn(ember)."""
    got = []
    for lib in (torch, ember):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            fn(lib)
        got.append([(x.category, str(x.message)) for x in w])
    assert got[1] == got[0]
    return got[0]


def data(lib):
    return lib.utils.data


def tensor_ds(lib, n=10):
    return data(lib).TensorDataset(lib.arange(2.0 * n).reshape(n, 2), lib.arange(n))


# -- datasets --------------------------------------------------------------------------------

def test_tensor_dataset():
    same(lambda lib: [tensor_ds(lib)[i] for i in (0, 3, -1)])
    same(lambda lib: tensor_ds(lib)[2:5])
    assert len(tensor_ds(ember, 7)) == 7
    same_error(lambda lib: data(lib).TensorDataset(lib.zeros(3, 2), lib.zeros(4)))


def test_concat_dataset():
    def fn(lib):
        ds = data(lib).ConcatDataset([tensor_ds(lib, 3), tensor_ds(lib, 4), tensor_ds(lib, 2)])
        return [len(ds), ds.cumulative_sizes] + [ds[i] for i in range(-9, 9)]
    same(fn)
    same(lambda lib: [x for x in (tensor_ds(lib, 2) + tensor_ds(lib, 3))])
    same_error(lambda lib: data(lib).ConcatDataset([tensor_ds(lib, 3)])[-4])
    same_error(lambda lib: data(lib).ConcatDataset([]))


def test_subset_and_stack_dataset():
    def fn(lib):
        d = data(lib)
        sub = d.Subset(tensor_ds(lib), [7, 2, 5])
        st = d.StackDataset(tensor_ds(lib, 4), list(range(4)))
        sd = d.StackDataset(a=tensor_ds(lib, 4), b=list("wxyz"))
        return [len(sub), sub[1], sub.__getitems__([0, 2]), st[3], st.__getitems__([1, 0]),
                sd[2], sd.__getitems__([3])]
    same(fn)
    same_error(lambda lib: data(lib).StackDataset(tensor_ds(lib, 2), [1]))


class Count(ember.utils.data.IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        return iter(range(self.start, self.end))

    def __len__(self):
        return self.end - self.start


class TCount(torch.utils.data.IterableDataset):
    __init__ = Count.__init__
    __iter__ = Count.__iter__
    __len__ = Count.__len__


def count(lib, start, end):
    return (TCount if lib is torch else Count)(start, end)


def test_chain_dataset():
    same(lambda lib: list(count(lib, 0, 3) + count(lib, 5, 7)))
    assert len(Count(0, 3) + Count(5, 7)) == 5
    same_error(lambda lib: data(lib).ConcatDataset([count(lib, 0, 2)]))


# -- random_split ----------------------------------------------------------------------------

@pytest.mark.parametrize("n,lengths", [(10, [3, 7]), (30, [0.3, 0.3, 0.4]), (11, [0.5, 0.5]),
                                       (97, [0.2, 0.1, 0.7]), (5, [5]), (1000, [900, 100])])
@pytest.mark.parametrize("how", ["global", "generator"])
def test_random_split_indices(n, lengths, how):
    def fn(lib):
        lib.manual_seed(1234)
        if how == "global":
            parts = data(lib).random_split(range(n), lengths)
        else:
            parts = data(lib).random_split(range(n), lengths,
                                           generator=lib.Generator().manual_seed(42))
        return [p.indices for p in parts] + [lib.rand(3)]
    same(fn)


def test_random_split_errors_and_warning():
    same_error(lambda lib: data(lib).random_split(range(10), [3, 6]))
    same_error(lambda lib: data(lib).random_split(range(10), [1.5, -0.5]))
    w = same_warnings(lambda lib: data(lib).random_split(range(2), [0.1, 0.1, 0.8]))
    assert w and "Length of split at index" in w[0][1]


# -- samplers --------------------------------------------------------------------------------

@pytest.mark.parametrize("kw", [dict(), dict(num_samples=23), dict(num_samples=4),
                                dict(replacement=True), dict(replacement=True, num_samples=70)])
def test_random_sampler(kw):
    def fn(lib):
        lib.manual_seed(7)
        s = data(lib).RandomSampler(range(10), **kw)
        return [len(s), list(s), list(s), lib.rand(2)]
    same(fn)

    def with_generator(lib):
        g = lib.Generator().manual_seed(3)
        s = data(lib).RandomSampler(range(10), generator=g, **kw)
        return [list(s), list(s)]
    same(with_generator)


def test_random_sampler_errors():
    same_error(lambda lib: data(lib).RandomSampler(range(3), replacement=1))
    same_error(lambda lib: data(lib).RandomSampler(range(3), num_samples=0))
    same_error(lambda lib: data(lib).RandomSampler([]))


def test_subset_random_sampler():
    def fn(lib):
        lib.manual_seed(11)
        s = data(lib).SubsetRandomSampler([10, 20, 30, 40, 50])
        g = lib.Generator().manual_seed(2)
        return [len(s), list(s), list(data(lib).SubsetRandomSampler(range(8), generator=g))]
    same(fn)


@pytest.mark.parametrize("replacement", [True, False])
def test_weighted_random_sampler(replacement):
    weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]

    def fn(lib):
        lib.manual_seed(5)
        n = 200 if replacement else 6
        s = data(lib).WeightedRandomSampler(weights, n, replacement=replacement)
        g = lib.Generator().manual_seed(9)
        s2 = data(lib).WeightedRandomSampler(np.array(weights), 4, replacement, generator=g)
        return [len(s), list(s), list(s2), s.weights]
    same(fn)


def test_weighted_random_sampler_statistics():
    ember.manual_seed(0)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    idx = list(ember.utils.data.WeightedRandomSampler(w, 40000))
    freq = np.bincount(idx, minlength=4) / len(idx)
    np.testing.assert_allclose(freq, w / w.sum(), atol=0.01)


def test_weighted_random_sampler_errors():
    same_error(lambda lib: data(lib).WeightedRandomSampler([1.0, 2.0], 0))
    same_error(lambda lib: data(lib).WeightedRandomSampler([1.0, 2.0], True))
    same_error(lambda lib: data(lib).WeightedRandomSampler([1.0, 2.0], 3, replacement=0))
    same_error(lambda lib: data(lib).WeightedRandomSampler([[1.0, 2.0]], 3))


@pytest.mark.parametrize("drop_last", [False, True])
@pytest.mark.parametrize("n,bs", [(10, 3), (9, 3), (2, 5), (0, 2)])
def test_batch_sampler(n, bs, drop_last):
    same(lambda lib: (lambda s: [len(s), list(s)])(
        data(lib).BatchSampler(data(lib).SequentialSampler(range(n)), bs, drop_last)))


def test_batch_sampler_errors():
    same_error(lambda lib: data(lib).BatchSampler(range(3), 0, False))
    same_error(lambda lib: data(lib).BatchSampler(range(3), True, False))
    same_error(lambda lib: data(lib).BatchSampler(range(3), 2, None))


# -- default_collate / default_convert -------------------------------------------------------

COLLATE_CASES = {
    "tensors": lambda lib: [lib.arange(6.0).reshape(2, 3) + i for i in range(4)],
    "int_tensors": lambda lib: [lib.tensor(i) for i in range(3)],
    "ints": lambda lib: [1, 2, 3],
    "floats": lambda lib: [1.5, 2.0, -3.25],
    "bools": lambda lib: [True, False, True],
    "strings": lambda lib: ["a", "bc", "d"],
    "bytes": lambda lib: [b"a", b"b"],
    "np_arrays": lambda lib: [np.arange(4, dtype=np.float32) * i for i in range(3)],
    "np_int_arrays": lambda lib: [np.arange(3) + i for i in range(2)],
    "np_float64_scalars": lambda lib: [np.float64(1.5), np.float64(2.5)],
    "np_int32_scalars": lambda lib: [np.int32(1), np.int32(7)],
    "np_bool_scalars": lambda lib: [np.bool_(True), np.bool_(False)],
    "tuples": lambda lib: [(lib.ones(2) * i, i, float(i)) for i in range(3)],
    "lists": lambda lib: [[i, lib.zeros(1) + i] for i in range(3)],
    "dicts": lambda lib: [{"img": lib.full((2, 2), float(i)), "label": i, "name": f"s{i}"}
                          for i in range(3)],
    "ordered_dicts": lambda lib: [collections.OrderedDict(b=i, a=[i, i + 1]) for i in range(2)],
    "namedtuples": lambda lib: [Point(lib.tensor([1.0 * i]), i) for i in range(3)],
    "nested": lambda lib: [{"a": (np.ones(2) * i, [i, {"z": float(i)}])} for i in range(2)],
}


@pytest.mark.parametrize("case", sorted(COLLATE_CASES))
def test_default_collate(case):
    make = COLLATE_CASES[case]
    same(lambda lib: data(lib).default_collate(make(lib)))


@pytest.mark.parametrize("case", sorted(COLLATE_CASES))
def test_default_convert(case):
    make = COLLATE_CASES[case]
    same(lambda lib: [data(lib).default_convert(x) for x in make(lib)])


def test_default_collate_errors():
    same_error(lambda lib: data(lib).default_collate([object(), object()]))
    same_error(lambda lib: data(lib).default_collate([np.array(["a"]), np.array(["b"])]))
    same_error(lambda lib: data(lib).default_collate([[1, 2], [3]]))
    same_error(lambda lib: data(lib).default_collate([lib.zeros(2), lib.zeros(3)]))


def test_default_collate_grad():
    """A batch of tensors that require grad is stacked differentiably, as in torch."""
    def fn(lib):
        xs = [lib.ones(2, requires_grad=True) for _ in range(2)]
        out = data(lib).default_collate(xs)
        (out * lib.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        return [type(out.grad_fn).__name__, xs[1].grad]
    same(fn)


# -- DataLoader: order, batches, len ---------------------------------------------------------

@pytest.mark.parametrize("kw", [dict(batch_size=3, shuffle=True),
                                dict(batch_size=4, shuffle=True, drop_last=True),
                                dict(batch_size=1, shuffle=True),
                                dict(batch_size=3),
                                dict(batch_size=3, drop_last=True),
                                dict(batch_size=None),
                                dict(batch_size=None, shuffle=True)])
def test_dataloader_order_and_batches(kw):
    def fn(lib):
        lib.manual_seed(0)
        dl = data(lib).DataLoader(tensor_ds(lib, 10), **kw)
        return [len(dl), list(dl), list(dl), lib.rand(2)]
    same(fn)


def test_dataloader_shuffle_known_order():
    """The documented torch order for manual_seed(0), n=10 (shared/reference/torch-rng.md)."""
    ember.manual_seed(0)
    dl = ember.utils.data.DataLoader(list(range(10)), batch_size=10, shuffle=True)
    assert next(iter(dl)).tolist() == [6, 7, 1, 4, 2, 0, 9, 8, 3, 5]


@pytest.mark.parametrize("seed", [0, 1, 2 ** 40 + 3])
def test_dataloader_shuffle_generator(seed):
    def fn(lib):
        lib.manual_seed(99)
        g = lib.Generator().manual_seed(seed)
        dl = data(lib).DataLoader(range(37), batch_size=8, shuffle=True, generator=g)
        return [list(dl), list(dl), lib.rand(1), g.initial_seed()]
    same(fn)


def test_dataloader_samplers():
    def fn(lib):
        lib.manual_seed(4)
        d = data(lib)
        ds = tensor_ds(lib, 12)
        a = list(d.DataLoader(ds, batch_size=5, sampler=d.SubsetRandomSampler(range(0, 12, 2))))
        b = list(d.DataLoader(ds, batch_sampler=d.BatchSampler(d.RandomSampler(ds), 4, True)))
        c = list(d.DataLoader(ds, batch_size=3, sampler=d.WeightedRandomSampler([1.0] * 12, 7)))
        e = list(d.DataLoader(ds, batch_size=None, sampler=[3, 1]))
        return [a, b, c, e]
    same(fn)


def test_dataloader_collate_structures():
    def fn(lib):
        samples = [{"x": np.full((2,), i, np.float32), "y": i, "p": Point(float(i), [i, i])}
                   for i in range(5)]
        return list(data(lib).DataLoader(samples, batch_size=2))
    same(fn)
    same(lambda lib: list(data(lib).DataLoader(list(range(5)), batch_size=2,
                                               collate_fn=lambda b: b[::-1])))


def test_dataloader_len():
    for n, bs, dl in [(10, 3, False), (10, 3, True), (9, 3, True), (1, 4, False)]:
        same(lambda lib: len(data(lib).DataLoader(range(n), batch_size=bs, drop_last=dl)))
        same(lambda lib: len(data(lib).DataLoader(count(lib, 0, n), batch_size=bs,
                                                  drop_last=dl)))


def test_dataloader_iterable_dataset():
    same(lambda lib: list(data(lib).DataLoader(count(lib, 3, 10), batch_size=3)))
    same(lambda lib: list(data(lib).DataLoader(count(lib, 3, 10), batch_size=3, drop_last=True)))
    same(lambda lib: list(data(lib).DataLoader(count(lib, 3, 6), batch_size=None)))


def test_dataloader_iterable_len_warning():
    class Liar(Count):
        def __len__(self):
            return 2

    class TLiar(TCount):
        def __len__(self):
            return 2

    def fn(lib):
        dl = data(lib).DataLoader((TLiar if lib is torch else Liar)(0, 3), batch_size=1)
        len(dl)
        return list(dl)
    # the message names the dataset object (its repr differs by address): compare the start
    got = []
    for lib in (torch, ember):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            fn(lib)
        got.append([str(x.message).split(" was reported")[1] for x in w])
    assert got[0] == got[1] and len(got[0]) == 1


def test_dataloader_errors():
    ds = lambda lib: tensor_ds(lib, 4)  # noqa: E731
    dl = lambda lib, **kw: data(lib).DataLoader(ds(lib), **kw)  # noqa: E731
    same_error(lambda lib: dl(lib, num_workers=-1))
    same_error(lambda lib: dl(lib, timeout=-1))
    same_error(lambda lib: dl(lib, prefetch_factor=2))
    same_error(lambda lib: dl(lib, num_workers=1, prefetch_factor=-1))
    same_error(lambda lib: dl(lib, persistent_workers=True))
    same_error(lambda lib: dl(lib, sampler=[0, 1], shuffle=True))
    same_error(lambda lib: dl(lib, batch_sampler=[[0, 1]], batch_size=2))
    same_error(lambda lib: dl(lib, batch_sampler=[[0, 1]], drop_last=True))
    same_error(lambda lib: dl(lib, batch_size=None, drop_last=True))
    same_error(lambda lib: dl(lib, batch_size=0))
    same_error(lambda lib: dl(lib, multiprocessing_context="fork"))
    same_error(lambda lib: dl(lib, num_workers=1, multiprocessing_context="nope"))
    same_error(lambda lib: dl(lib, num_workers=1, multiprocessing_context=3))
    same_error(lambda lib: data(lib).DataLoader(count(lib, 0, 3), shuffle=True))
    same_error(lambda lib: data(lib).DataLoader(count(lib, 0, 3), sampler=[0]))
    same_error(lambda lib: data(lib).DataLoader(count(lib, 0, 3), batch_sampler=[[0]]))

    def setattr_after_init(lib):
        loader = dl(lib)
        loader.batch_size = 3
    same_error(setattr_after_init)

    def pickle_iterator(lib):
        import pickle
        pickle.dumps(iter(dl(lib)))
    same_error(pickle_iterator)


def test_dataloader_pin_memory_warning():
    def fn(lib):
        return list(data(lib).DataLoader(range(3), batch_size=2, pin_memory=True))
    w = same_warnings(fn)
    assert len(w) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same(fn)


def test_dataloader_too_many_workers_warning():
    n = len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else os.cpu_count() + 1
    same_warnings(lambda lib: data(lib).DataLoader(range(3), num_workers=n))


# -- DataLoader with worker processes --------------------------------------------------------

class Fail(ember.utils.data.Dataset):
    def __getitem__(self, i):
        if i == 5:
            raise ValueError(f"bad sample {i}")
        if i == 7:
            raise KeyError("missing")
        return i

    def __len__(self):
        return 8


class SeedProbe(ember.utils.data.Dataset):
    """What a worker's generators give: ember (or torch), NumPy's global and random's."""

    def __init__(self, lib):
        self.lib = lib

    def __getitem__(self, i):
        info = self.lib.utils.data.get_worker_info()
        return (info.id, info.seed, info.num_workers, self.lib.rand(2),
                np.random.randint(0, 2 ** 31, size=2), random.random())

    def __len__(self):
        return 8


class ShardedCount(Count):
    """The IterableDataset example of torch's docs: each worker takes its share."""

    def __iter__(self):
        info = ember.utils.data.get_worker_info()
        start, end = self.start, self.end
        if info is not None:
            per = int(math.ceil((end - start) / float(info.num_workers)))
            start = start + info.id * per
            end = min(start + per, end)
        return iter(range(start, end))


class TShardedCount(TCount):
    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        start, end = self.start, self.end
        if info is not None:
            per = int(math.ceil((end - start) / float(info.num_workers)))
            start = start + info.id * per
            end = min(start + per, end)
        return iter(range(start, end))


def test_workers_same_batches_as_main_process():
    def fn(lib, nw, persistent=False):
        lib.manual_seed(3)
        ds = data(lib).TensorDataset(lib.arange(60.0).reshape(20, 3), lib.arange(20))
        dl = data(lib).DataLoader(ds, batch_size=3, shuffle=True, num_workers=nw,
                                  persistent_workers=persistent)
        return norm([list(dl), list(dl), lib.rand(2)])
    expected = fn(torch, 0)
    assert fn(ember, 0) == expected
    assert fn(ember, 2) == expected
    assert fn(ember, 2, persistent=True) == fn(torch, 2, persistent=True)
    # in_order=False: the same batches, in whatever order the workers finish
    dl = ember.utils.data.DataLoader(list(range(20)), batch_size=3, num_workers=2,
                                     in_order=False)
    assert sorted(b.tolist() for b in dl) == [list(range(i, min(i + 3, 20)))
                                             for i in range(0, 20, 3)]


def test_workers_seeding_matches_torch():
    """Each worker is seeded with base_seed + id: its ember/NumPy/random draws equal those in
    torch's workers, and worker_init_fn runs in the worker before loading."""
    def fn(lib):
        lib.manual_seed(12)
        dl = data(lib).DataLoader(SeedProbe(lib), batch_size=2, num_workers=2)
        return norm(list(dl))
    assert fn(ember) == fn(torch)


def _init_fn(worker_id):
    info = ember.utils.data.get_worker_info()
    info.dataset.start += info.id * 100
    info.dataset.end += info.id * 100


def test_workers_iterable_dataset_sharding():
    def fn(lib, **kw):
        cls = TShardedCount if lib is torch else ShardedCount
        return norm(list(data(lib).DataLoader(cls(3, 14), num_workers=2, **kw)))
    assert fn(ember, batch_size=2) == fn(torch, batch_size=2)
    assert fn(ember, batch_size=None) == fn(torch, batch_size=None)
    got = norm(list(ember.utils.data.DataLoader(ShardedCount(3, 14), batch_size=4,
                                                num_workers=2)))
    assert sorted(v for b in got[1] for v in b[3]) == list(range(3, 14))
    assert ember.utils.data.get_worker_info() is None        # in the main process
    # worker_init_fn sees get_worker_info() and can reconfigure this worker's copy
    dl = ember.utils.data.DataLoader(Count(0, 2), num_workers=2, worker_init_fn=_init_fn)
    assert sorted(int(x) for x in dl) == [0, 1, 100, 101]


def test_workers_exception_reraised():
    dl = ember.utils.data.DataLoader(Fail(), batch_size=2, num_workers=2)
    it = iter(dl)
    assert next(it).tolist() == [0, 1]
    assert next(it).tolist() == [2, 3]
    with pytest.raises(ValueError) as info:
        next(it)
    msg = str(info.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 0.\n"
                          "Original Traceback (most recent call last):\n")
    assert "in __getitem__" in msg and msg.rstrip().endswith("ValueError: bad sample 5")
    with pytest.raises(KeyError) as info:
        next(it)
    assert "Caught KeyError in DataLoader worker process 1." in str(info.value)
    del it
    # the same in the main process: the original exception, unwrapped
    with pytest.raises(ValueError, match="bad sample 5"):
        list(ember.utils.data.DataLoader(Fail(), batch_size=2))


def test_workers_shutdown():
    """Workers exit once the data is exhausted, or when the iterator is deleted early."""
    dl = ember.utils.data.DataLoader(list(range(40)), batch_size=2, num_workers=2)
    it = iter(dl)
    assert next(it).tolist() == [0, 1]
    workers = list(it._workers)
    assert all(w.is_alive() for w in workers)
    del it
    gc.collect()
    for w in workers:
        w.join(timeout=5)
    assert not any(w.is_alive() for w in workers)

    it = iter(dl)
    assert [b.tolist() for b in it][-1] == [38, 39]
    assert not any(w.is_alive() for w in it._workers)


class Crash(ember.utils.data.Dataset):
    def __getitem__(self, i):
        os._exit(3)

    def __len__(self):
        return 4


class Slow(ember.utils.data.Dataset):
    def __getitem__(self, i):
        time.sleep(1)
        return i

    def __len__(self):
        return 2


def test_workers_crash_and_timeout():
    with pytest.raises(RuntimeError, match=r"^DataLoader worker \(pid\(s\) \d+\) exited "
                                           r"unexpectedly$"):
        list(ember.utils.data.DataLoader(Crash(), num_workers=1))
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.3 seconds$"):
        list(ember.utils.data.DataLoader(Slow(), num_workers=1, timeout=0.3))


def test_workers_spawn_context():
    """The spawn start method: dataset and batches travel pickled."""
    ember.manual_seed(0)
    ds = ember.utils.data.TensorDataset(ember.arange(12.0).reshape(6, 2), ember.arange(6))
    dl = ember.utils.data.DataLoader(ds, batch_size=4, num_workers=1,
                                     multiprocessing_context="spawn", prefetch_factor=1)
    got = norm(list(dl))
    ember.manual_seed(0)
    assert got == norm(list(ember.utils.data.DataLoader(ds, batch_size=4)))


# -- the digits data set ---------------------------------------------------------------------

def test_load_digits():
    images, targets = ember.datasets.load_digits()
    assert tuple(images.shape) == (1797, 8, 8) and repr(images.dtype) == "torch.float32"
    assert tuple(targets.shape) == (1797,) and repr(targets.dtype) == "torch.int64"
    assert images.min().item() == 0 and images.max().item() == 16
    assert np.bincount(targets.numpy()).tolist() == [178, 182, 177, 183, 181, 182, 181, 179,
                                                     174, 180]
    assert images[0, 0].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]
    assert targets[:10].tolist() == list(range(10))
    x, y = ember.datasets.load_digits(as_numpy=True)
    assert isinstance(x, np.ndarray) and x.dtype == np.float32 and y.dtype == np.int64
    # straight into a DataLoader
    dl = ember.utils.data.DataLoader(ember.utils.data.TensorDataset(images, targets),
                                     batch_size=64, shuffle=True)
    xb, yb = next(iter(dl))
    assert tuple(xb.shape) == (64, 8, 8) and tuple(yb.shape) == (64,)
