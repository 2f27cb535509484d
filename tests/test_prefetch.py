"""The prefetch hint (sim.core.prefetch): it compiles for every per-person dtype, changes
nothing and never faults, even for an index past the array's end."""

import numba
import numpy as np
import pytest

from sim.core.prefetch import AHEAD, prefetch


@numba.njit
def _sum_with_hints(a, ahead):
    total = 0.0
    for j in range(len(a)):
        prefetch(a, j + ahead)  # past the end for the last ``ahead`` items
        total += a[j]
    return total


@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.int16, np.int32, np.int64, np.float64])
def test_a_prefetched_loop_reads_what_a_plain_one_reads(dtype):
    a = (np.arange(100) % 3).astype(dtype)  # 33 twos and 33 ones (bools: 66 ones)
    before = a.copy()
    expected = 66.0 if dtype is np.bool_ else 33 * 2 + 33 * 1
    assert _sum_with_hints(a, AHEAD) == expected
    assert _sum_with_hints(a, 10_000_000) == expected  # a hint far outside the array
    assert np.array_equal(a, before)


def test_prefetch_takes_one_dimensional_arrays_only():
    with pytest.raises(numba.core.errors.TypingError):
        numba.njit(lambda a: prefetch(a, 0))(np.zeros((2, 2)))


def test_the_joiners_rows_are_numpys_gathers_with_their_dtypes():
    """``people._joiners`` (prefetched) gives ``a[who]`` for each array, dtype kept, for a
    batch longer than the prefetch distance."""
    from sim.agents.people import _joiners

    rng = np.random.default_rng(3)
    n = 5_000
    arrays = (rng.integers(-400, 400, n).astype(np.int16), rng.integers(0, 900, n).astype(np.int16),
              rng.random(n) < 0.5, rng.random(n) < 0.1, rng.integers(0, 3, n).astype(np.int8),
              rng.integers(0, 7, n).astype(np.int8), rng.integers(0, 60, n).astype(np.int16))  # fmt: skip
    who = np.sort(rng.choice(n, 3 * AHEAD + 7, replace=False)).astype(np.int64)
    for got, a in zip(_joiners(who, *arrays), arrays, strict=True):
        assert got.dtype == a.dtype
        assert np.array_equal(got, a[who])
    assert all(len(g) == 0 for g in _joiners(who[:0], *arrays))
