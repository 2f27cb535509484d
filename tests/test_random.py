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


def _uniform_and_normals(n: int, key: int = 12345):
    """``uniform_normal_pair_at`` for persons 0 … n-1 under one key, as float64 arrays."""
    import numba

    from sim.core.random import NORMAL_CELLS, uniform_normal_pair_at

    @numba.njit
    def draw(key, n, cells):
        out = np.empty((3, n))
        for i in range(n):
            out[0, i], out[1, i], out[2, i] = uniform_normal_pair_at(key, i, cells)
        return out

    return draw(np.uint64(key), n, NORMAL_CELLS)


def test_the_normal_cells_have_the_normals_mean_variance_and_nearly_its_kurtosis():
    """Each of the 4,096 equal-chance cells is a uniform on [a, a + d] with the normal's
    mean and variance in that cell, so the mixture's mean is 0 and variance 1; its fourth
    moment is computed exactly (a uniform's: (b^5 - a^5) / (5 (b - a))) against 3."""
    from sim.core.random import NORMAL_CELLS

    cells = len(NORMAL_CELLS) // 2
    a = NORMAL_CELLS[:cells].astype(float)
    b = a + NORMAL_CELLS[cells:].astype(float)
    assert (b > a).all()
    mean = ((a + b) / 2).mean()
    m2 = ((a * a + a * b + b * b) / 3).mean()
    m4 = ((b**5 - a**5) / (5 * (b - a))).mean()
    assert abs(mean) < 1e-6
    assert abs(m2 - 1) < 1e-6
    assert abs(m4 - 3) < 1e-3  # 2.9998: the tails are cut at ±4.15
    assert -4.2 < a.min() < -4.1
    assert 4.1 < b.max() < 4.2


def test_one_hash_gives_an_independent_uniform_and_two_independent_normals():
    n = 400_000
    u, z1, z2 = _uniform_and_normals(n)
    assert u.min() >= 0
    assert u.max() < 1
    assert abs(u.mean() - 0.5) < 4 * np.sqrt(1 / 12 / n)
    assert abs(np.mean(u < 0.03) - 0.03) < 4 * np.sqrt(0.03 * 0.97 / n)  # a chain's hazard
    for z in (z1, z2):
        assert abs(z.mean()) < 4 / np.sqrt(n)
        assert abs(z.var() - 1) < 4 * np.sqrt(2 / n)
        tail = np.mean(np.abs(z) > 1.959964)
        assert abs(tail - 0.05) < 4 * np.sqrt(0.05 * 0.95 / n)
    for x, y in ((u, z1), (u, z2), (z1, z2)):
        assert abs(np.corrcoef(x, y)[0, 1]) < 4 / np.sqrt(n)
    again = _uniform_and_normals(1_000)
    assert np.array_equal(again, _uniform_and_normals(n)[:, :1_000]), "keyed by person"
    assert not np.array_equal(again, _uniform_and_normals(1_000, key=12346))
