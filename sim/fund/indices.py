"""The people a request batch names: whole numbers, each in range, none twice.

Every request to the ledger (:mod:`sim.fund.ledger`) is a batch of person indices with
aligned amounts; a person may appear once per batch, so that no account is credited or
debited twice by one request. The check runs on every request of every month, so it is one
pass where it can be (batches from ``flatnonzero`` are sorted).
"""

from __future__ import annotations

import numba
import numpy as np


def rows_of(n: int, who) -> np.ndarray:
    """``who`` (a slice, a mask or indices over ``n`` people) as int64 row numbers, as
    ``np.arange(n)[who]`` gives them, without the whole population's ``arange`` when
    ``who`` is already indices (every request's batch: a few of ``n``)."""
    if isinstance(who, slice):
        return np.arange(n)[who]
    idx = np.asarray(who)
    if idx.dtype == bool:
        return np.flatnonzero(idx)
    if (
        idx.dtype == np.int64
        and idx.ndim == 1
        and (not len(idx) or (idx.min() >= 0 and idx.max() < n))
    ):
        return idx
    return np.arange(n)[idx]


def person_indices(who, seen: np.ndarray) -> np.ndarray:
    """``who`` (indices or a mask over ``len(seen)`` people) as int64 indices, checked to be
    in range and unique; ``seen`` is scratch, all False before and after."""
    idx = np.atleast_1d(np.asarray(who))
    if idx.dtype == bool:
        return np.flatnonzero(idx)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"person indices must be integers, got {idx.dtype}")
    idx = idx.astype(np.int64, copy=False)
    problem = _index_problem(idx, len(seen), seen)
    if problem == 1:
        raise IndexError(f"person index out of range 0..{len(seen) - 1}")
    if problem == 2:
        raise ValueError("a person appears twice in one request batch")
    return idx


@numba.njit(cache=True)
def _index_problem(idx: np.ndarray, n: int, seen: np.ndarray) -> int:
    """0 if every index is in ``0..n-1`` and appears once, 1 if one is out of range, 2 if one
    repeats. Batches from ``flatnonzero`` are sorted: one pass proves them unique; others
    mark ``seen`` (all False before and after) to find a repeat."""
    ascending = True
    for j in range(len(idx)):
        if idx[j] < 0 or idx[j] >= n:
            return 1
        if j and idx[j] <= idx[j - 1]:
            ascending = False
    if ascending:
        return 0
    repeat = False
    for j in range(len(idx)):
        repeat |= seen[idx[j]]
        seen[idx[j]] = True
    for j in range(len(idx)):
        seen[idx[j]] = False
    return 2 if repeat else 0
