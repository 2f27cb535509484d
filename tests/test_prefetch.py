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
