"""The benchmarks' yardstick is a real model: its books close and threads change nothing."""

import numba
import numpy as np
import pytest

from benchmarks import yardstick


def _run(n, months, threads):
    numba.set_num_threads(threads)
    try:
        state = yardstick.new_state(n)
        totals = [
            yardstick.month(state, m, seed=7)
            for m in range(yardstick.START, yardstick.START + months)
        ]
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return state, totals


def test_yardstick_books_close_and_money_moves():
    state, totals = _run(50_000, 26, 1)
    assert totals[-1]["members"] > 10_000
    assert sum(t["deposits"] for t in totals) > 0
    assert sum(t["rent"] for t in totals) > 0
    assert sum(t["exits"] for t in totals) > 0
    assert sum(t["subsidy"] for t in totals) > 0  # the second June pays money aged a year
    assert totals[-1]["closing"] == int(state["balance"].sum())


def test_yardstick_stops_when_a_balance_changes_without_a_flow():
    state, _ = _run(5_000, 3, 1)
    state["balance"][17] += 1
    with pytest.raises(RuntimeError, match="flows say"):
        yardstick.month(state, yardstick.START + 3, seed=7)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two numba threads")
def test_yardstick_is_the_same_on_one_thread_and_on_two():
    one, t1 = _run(40_000, 14, 1)
    two, t2 = _run(40_000, 14, 2)
    assert t1 == t2
    assert np.array_equal(one["ring"], two["ring"])
