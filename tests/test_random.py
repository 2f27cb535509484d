"""Counter-based draws: reproducible, keyed by person, the same however the work is split."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from sim.core.random import Draws


def _chunk(args):
    seed, path, n, lo, hi = args
    return Draws(seed, path, n).normal("income.transitory", 7, np.arange(lo, hi))


def test_same_key_same_draws_and_other_keys_other_draws():
    a = Draws(42, 0, 1000).uniform("deposit", 5)
    assert np.array_equal(a, Draws(42, 0, 1000).uniform("deposit", 5))
    for other in (
        Draws(43, 0, 1000).uniform("deposit", 5),
        Draws(42, 1, 1000).uniform("deposit", 5),
        Draws(42, 0, 1000).uniform("exit", 5),
        Draws(42, 0, 1000).uniform("deposit", 6),
    ):
        assert abs(np.corrcoef(a, other)[0, 1]) < 4 / np.sqrt(1000)


def test_a_persons_draws_do_not_depend_on_the_population_after_them():
    small = Draws(7, 3, 10).normal("income.persistent", 12)
    large = Draws(7, 3, 100_000).normal("income.persistent", 12)
    assert np.array_equal(small, large[:10])
    who = np.array([3, 99_999, 5])
    assert np.array_equal(Draws(7, 3, 100_000).normal("income.persistent", 12, who), large[who])


def test_draws_are_identical_whatever_the_number_of_worker_processes():
    n = 20_000
    whole = Draws(11, 2, n).normal("income.transitory", 7)
    parts = [(11, 2, n, 0, 7_000), (11, 2, n, 7_000, 13_000), (11, 2, n, 13_000, n)]
    # numba's OpenMP threads make fork() unsafe: worker processes are spawned
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        split = np.concatenate(list(pool.map(_chunk, parts)))
    assert np.array_equal(whole, split)


def test_uniform_and_normal_have_the_right_moments():
    n = 400_000
    u = Draws(1, 0, n).uniform("u", 0)
    assert abs(u.mean() - 0.5) < 4 * np.sqrt(1 / 12 / n)
    assert abs(u.var() - 1 / 12) < 4 * 0.0745 / np.sqrt(n)  # sd of (u - 1/2)^2 is 0.0745
    z = Draws(1, 0, n).normal("z", 0)
    assert abs(z.mean()) < 4 / np.sqrt(n)
    assert abs(z.var() - 1) < 4 * np.sqrt(2 / n)
    tail = np.mean(np.abs(z) > 1.959964)
    assert abs(tail - 0.05) < 4 * np.sqrt(0.05 * 0.95 / n)


def test_one_draw_in_python_is_the_kernels_draw():
    """``Draws.normal_one`` (Python, for a path's single monthly draw) gives, bit for bit,
    the number the kernel gives, over many keys and people (the table's ends included)."""
    from sim.core.random import normal_one

    for seed, path, month in ((0, 0, 0), (42, 3, 317), (2**40 + 7, 999, 24_300)):
        d = Draws(seed, path, 5_000)
        whole = d.normal("employee.activity", month)
        assert [d.normal_one("employee.activity", month, p) for p in range(5_000)] == list(whole)
    key = int(Draws(1, 1, 1).key("x", 1))
    people = np.arange(200_000)
    kernel = Draws(1, 1, 200_000).normal("x", 1, people)
    ends = np.flatnonzero((kernel < -3.5) | (kernel > 3.5))
    assert len(ends) > 10
    assert all(normal_one(key, int(p)) == kernel[p] for p in ends)
