"""A kernel's stack copy of a small table (sim.core.stack): the same values, its own memory."""

import numba
import numpy as np

from sim.core.stack import fits, on_stack


@numba.njit
def _copy_then_write(table):
    local = on_stack(table, 64)
    local[0, 1] = -1.0  # the copy's own memory: the table keeps its value
    return local.sum(), local[1, 2], local.shape[0], local.shape[1]


def test_a_stack_copy_holds_the_tables_values_in_its_own_memory():
    table = np.arange(12, dtype=np.float32).reshape(3, 4)  # sum 66
    total, item, rows, cols = _copy_then_write(table)
    assert total == 66 - 1 - 1  # item (0, 1) was 1, now -1
    assert item == 6.0
    assert (rows, cols) == (3, 4)
    assert table[0, 1] == 1.0


def test_a_table_fits_a_copy_of_at_least_its_size():
    table = np.zeros((6, 8), np.float32)
    assert numba.njit(lambda t: fits(t, 48))(table)
    assert not numba.njit(lambda t: fits(t, 47))(table)
