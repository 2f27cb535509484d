"""Which money has been stored a full year (S1, interpretation S1-i).

The holding subsidy is paid only on the part of an account's money that has
been stored for at least ``min_holding_months`` (a full year). Withdrawals
make the question "which money left?":

- ``lifo`` (default): withdrawals take the newest money first. The money that
  has stayed a full year is then exactly the *smallest* month-end balance
  over the window, because any dip below a level took money that had been
  there since before the window. Interest, subsidy and transfer-in credits
  are inflows like deposits, so they age from the month they were credited
  (E4 for transfers).
- ``fifo``: withdrawals take the oldest money first. The aged part is the
  balance at the window's start less everything withdrawn since, never below
  zero. It is never larger than the ``lifo`` part.

Money present at the end of month *k* has been stored a full year from the
end of month *k + 12* on, so in month *m* the window is the month-ends
*m − 13 … m − 1* (with a 12-month holding period): the money in the account
when month *m* opens that had been stored a full year by then.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.fund.accounts import Accounts


def aged_part(acc: Accounts, month: int, method: str) -> np.ndarray:
    """The aged part of every account for ``month``, in fen (S1-i).

    Reads the month-ends ``month - H - 1 … month - 1`` from the rings, so it
    must be called before the month-end of ``month`` is recorded.
    """
    if method == "lifo":
        return _row_min(acc.rings.rows, acc.slot)
    if acc.out_ring is None:
        raise ValueError("fifo ageing needs Accounts.empty(..., fifo=True)")
    slots = acc.rings.slots
    start = acc.month_end(month - slots)
    withdrawn = acc.out_ring.sum(axis=1) - acc.out_ring[:, month % slots]
    return np.maximum(start - withdrawn, 0)


@numba.njit(parallel=True, cache=True)
def _row_min(rows: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """The smallest of each account's month-ends (0 with no ring row), int32 fen like the
    ring: one pass."""
    n = len(slot)
    out = np.zeros(n, dtype=np.int32)
    for i in numba.prange(n):
        s = slot[i]
        if s < 0:
            continue
        m = np.int64(rows[s, 0])
        for k in range(1, rows.shape[1]):
            m = min(m, np.int64(rows[s, k]))
        out[i] = m
    return out


def open_month(acc: Accounts, month: int) -> None:
    """Clear this month's withdrawal slot (fifo), which held a month now too old."""
    if acc.out_ring is not None:
        acc.out_ring[:, month % acc.out_ring.shape[1]] = 0


def record_withdrawals(acc: Accounts, month: int, who: np.ndarray, amount: np.ndarray) -> None:
    """Note withdrawals of ``month`` for fifo ageing (no-op under lifo)."""
    if acc.out_ring is not None:
        acc.out_ring[who, month % acc.out_ring.shape[1]] += amount


def record_month_end(acc: Accounts, month: int) -> None:
    """Store every account's month-end balance of ``month`` in the ring."""
    acc.record_month_end(month)
