"""The ageing ring, kept only for accounts ever opened (S1-i; issue 26).

The ageing rule reads an account's last ``H + 1`` month-end balances
(:mod:`sim.fund.ageing`). Most of a population never opens an account, so the
month-ends are not kept a row per person: each person holds a *slot*
(``Accounts.slot``, int32, -1 until their first opening) into a table of rows,
``[capacity, H + 1]`` int32 fen, handed out in the order of first openings
and kept for good (a re-opened account, or a closed one whose month-ends are
0, keeps its row). The month end walks the people in order and reads a
member's window from their row; a never-opened person has no row and holds
nothing.

**Rows in the people's order.** People open in an order of their own, so rows
handed out in opening order lie scattered against the people's: at a million
people the month end then waits on a cache miss for nearly every member (11 ns
a person-month at 20% members, 3 ns with the rows in order; issue 26).
:func:`keep_in_order` therefore moves the rows, after a month end, into the
people's order once the rows handed out since the last move are more than
:data:`REORDER_SHARE` of those in order: one backward sweep that shifts each
row by the number of new rows before it (a sequential copy), the new rows
taken from a copy. It changes which row a person's month-ends sit in, never
their values, so no result depends on it (``tests/test_ring.py``).

**Capacity without copies.** A path's table has a row for each of its ``n``
people, allocated zeroed (:func:`numpy.zeros`): the operating system backs only
the pages that are written, and the rows are written in order from the first,
so the resident table is the rows in use — about 52 bytes for each account
ever opened instead of 104 bytes for every person — and it never moves or
grows (no reallocation, no view left pointing at freed memory).

**In a batch** (:mod:`sim.engine.batch`) the paths' tables are laid end to end
like every per-person array: path ``p`` owns rows ``p * n … (p + 1) * n - 1``
and its slots are *local* to its own rows, so a kernel over the batch reads
row ``offset + slot`` with the path's offset from the chunk plan
(:mod:`sim.core.chunks`), and a path's slots are the same alone or in a batch.
The batch's table is allocated before its paths (:mod:`sim.core.lanes`) and each
path's table is its rows of it, so nothing is copied.

**int32 fen.** A month-end balance is at most the deposit cap (D1: 5,000 yuan
a month in both Lianyungang policies) for every month of a working life (16 to
70, 648 months: 3.24 million yuan) with interest (1.5% a year for 54 years at
most doubles it) and the subsidy's lifetime cap (S2: 10,000 yuan) — under
:data:`MAX_FEN`, 21,474,836.47 yuan. A balance above it is refused: a book
that holds one (:mod:`sim.book.check`), and any month end that would record
one (:class:`BalanceOutOfRange`), naming the account.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.core.lanes import Lane, Lanes
from sim.fund.books import BooksError

MAX_FEN = 2**31 - 1
"""The largest balance the int32 state holds: 21,474,836.47 yuan (see the module doc)."""


REORDER_SHARE = 1 / 8
"""Rows out of order, as a share of the rows in order, that :func:`keep_in_order` waits for:
a move costs a sweep over the rows in use, a row out of order a cache miss a month (at
1,000,000 x 120 the month end and the moves cost 7.5, 6.4, 6.1, 6.0 and 6.6 ns a
person-month at shares 1/64, 1/16, 1/8, 1/4 and 1/2)."""

RINGS = "acc.rings.rows"
"""The key of a batch's joined table (:mod:`sim.core.lanes`)."""


class BalanceOutOfRange(BooksError):
    """A balance above :data:`MAX_FEN`: no rule lets an account hold it."""


class RingTable:
    """The month-end rows of the accounts ever opened; see the module docstring."""

    def __init__(self, capacity: int, slots: int, *, lane: Lane | None = None) -> None:
        if lane is None:
            self.rows = np.zeros((capacity, slots), np.int32)
        else:  # a path of a batch: its rows of the batch's table (sim.core.lanes)
            self.rows = lane.zeros(RINGS, np.int32, (slots,))
        self.used = 0
        self.in_order = 0  # rows 0 … in_order - 1 are in the people's order

    @property
    def slots(self) -> int:
        """Month-ends a row holds (``H + 1``)."""
        return self.rows.shape[1]

    def take(self, k: int) -> np.ndarray:
        """The next ``k`` rows, as int32 slots."""
        if self.used + k > len(self.rows):
            raise RuntimeError(f"ring table full: {self.used} + {k} rows of {len(self.rows)}")
        out = np.arange(self.used, self.used + k, dtype=np.int32)
        self.used += k
        return out

    def nbytes(self) -> int:
        """The bytes of the rows in use (the rest are not resident)."""
        return self.used * self.rows.shape[1] * self.rows.itemsize

    @classmethod
    def joined(cls, lanes: Lanes) -> RingTable:
        """A batch's table over every path's rows (each path's slots are local to its rows)."""
        rows = lanes.whole(RINGS)
        table = cls(0, rows.shape[1])
        table.rows, table.used = rows, len(rows)
        return table


def keep_in_order(table: RingTable, slot: np.ndarray, *, share: float = REORDER_SHARE) -> bool:
    """Put ``table``'s rows in the order of their people (``slot``: each person's row) when
    the rows handed out since the last move exceed ``share`` of those in order; whether it
    moved them. A path's own table and slots (a batch's paths each move their own rows)."""
    new = table.used - table.in_order
    if new == 0 or new <= share * table.in_order:
        return False
    fresh = table.rows[table.in_order : table.used].copy()
    _merge(table.rows, slot, fresh, table.in_order, table.used)
    table.in_order = table.used
    return True


@numba.njit(cache=True)
def _merge(rows, slot, fresh, in_order, used):  # pragma: no cover - numba
    """Walk the people from the last: the k-th member from the end takes row ``used - k``.

    A row in order moves up by the new rows before it (never onto a row not yet moved: the
    rows above its new place are moved already or are new, whose copies are in ``fresh``);
    once every new row is placed, the rest are where they belong. Rows are copied item by
    item (a tenth quicker than a row slice's assignment)."""
    left = used - in_order
    k = used
    i = len(slot)
    width = rows.shape[1]
    while left > 0:
        i -= 1
        s = slot[i]
        if s < 0:
            continue
        k -= 1
        if s >= in_order:
            for c in range(width):
                rows[k, c] = fresh[s - in_order, c]
            left -= 1
        elif s != k:
            for c in range(width):
                rows[k, c] = rows[s, c]
        slot[i] = k
