"""How many people are in each account state this month, counted in one pass.

The monthly record reports active depositors (an open account, not dormant),
dormant accounts (open and dormant) and housing users (anyone who ever made
a rent, purchase or repayment withdrawal, or took a fund loan). Counted with
numpy these are three passes over the population, each building a temporary
array; :func:`count_states` reads each person's four flags once and keeps
three integer counts, summed chunk by chunk so the result is exact whatever
the number of threads. The fund-side counts (open accounts by cohort, at the
lifetime cap, ever opened) come with the ledger's month end
(:class:`sim.fund.books.MonthBooks`).
"""

from __future__ import annotations

import numba
import numpy as np

_CHUNK = 1 << 14


def count_states(
    is_open: np.ndarray, loan_disbursed: np.ndarray, dormant: np.ndarray, housing_user: np.ndarray
) -> tuple[int, int, int]:
    """``(active depositors, dormant accounts, housing users)``, one bool array per flag.

    The same as ``(is_open & ~dormant).sum()``, ``(is_open & dormant).sum()``
    and ``(housing_user | loan_disbursed).sum()``.
    """
    n = len(is_open)
    for name, flag in (
        ("is_open", is_open),
        ("loan_disbursed", loan_disbursed),
        ("dormant", dormant),
        ("housing_user", housing_user),
    ):
        if flag.shape != (n,) or flag.dtype != np.bool_:
            raise ValueError(f"{name} must be {n} bools, got shape {flag.shape} of {flag.dtype}")
    count = _count if n > _CHUNK else _count_one_chunk
    active, asleep, users = count(
        is_open.view(np.uint8),
        loan_disbursed.view(np.uint8),
        dormant.view(np.uint8),
        housing_user.view(np.uint8),
    )
    return int(active), int(asleep), int(users)


@numba.njit(parallel=True, cache=True)
def _count(is_open, loan_disbursed, dormant, housing_user):
    """The one pass: per chunk, branch-free sums of the flags (0/1 bytes)."""
    n = len(is_open)
    chunks = (n + _CHUNK - 1) // _CHUNK
    counts = np.zeros((chunks, 3), np.int64)
    for c in numba.prange(chunks):
        lo, hi = np.uint64(c * _CHUNK), np.uint64(min(n, (c + 1) * _CHUNK))
        active = 0
        asleep = 0
        users = 0
        for i in range(lo, hi):
            o = np.int64(is_open[i])
            d = np.int64(dormant[i])
            asleep += o & d
            active += o & (1 - d)
            users += np.int64(housing_user[i] | loan_disbursed[i])
        counts[c, 0] = active
        counts[c, 1] = asleep
        counts[c, 2] = users
    return counts[:, 0].sum(), counts[:, 1].sum(), counts[:, 2].sum()


@numba.njit(cache=True)
def _count_one_chunk(is_open, loan_disbursed, dormant, housing_user):
    """:func:`_count` on one thread, for a population of one chunk: waking numba's sleeping
    threads for a parallel region costs some 50 µs on two threads (``OMP_WAIT_POLICY=passive``),
    ten times the count itself; integer counts are the same either way."""
    active = 0
    asleep = 0
    users = 0
    for i in range(len(is_open)):
        o = np.int64(is_open[i])
        d = np.int64(dormant[i])
        asleep += o & d
        active += o & (1 - d)
        users += np.int64(housing_user[i] | loan_disbursed[i])
    return active, asleep, users
