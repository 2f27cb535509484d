"""The accounts of N people, as plain arrays (E3, E4, E5).

One account per person (E3): person ``i`` of the simulation owns row ``i`` of
every array, so there can be no duplicate accounts. A person who exits and
later re-joins opens a new account in the same row; what the rules remember
about them (an earlier opening, a forfeited subsidy) stays in the row.

Money is whole fen: ``int64`` for the balance (what the people's kernels and
the fund's other books read and add up), ``int32`` where a rule bounds the
amount below 2^31 fen (:data:`sim.fund.ring.MAX_FEN`, 21.47 million yuan): the
opening bonus due (S7), the subsidy counted against the lifetime cap (S2:
10,000 yuan), the year's rent withdrawals (W1: 12 × the monthly limit, at
most 100,000 yuan), the month's rent withdrawals (X6: at most the year's, or
the month's deposits), the month's deposits (D1: at most 12 months' cap, and
the cap is at most 1,000,000 yuan a month: 1.2 billion fen), the deposits
into the current account (L2: a working life of deposits at Lianyungang's
5,000-yuan cap is 3.24 million yuan), and the ageing ring's month-ends and
aged part (every balance is held under ``MAX_FEN``, checked every month
end). A deposit that would take the month's or the account's deposits past
``MAX_FEN`` (only an uncapped policy, X5, or decades at a cap far above
Lianyungang's) is refused with :class:`~sim.fund.ring.BalanceOutOfRange`,
naming the account, and so is a book that holds such a total. Flags are ``bool``,
small counts ``int8``, counts of months ``int16`` (a working life is under
900 months; E5's service months at most 600) and months themselves
:data:`sim.core.months.MONTH_TYPE` (``int16``: a run ends by 2630, see
:data:`~sim.core.months.LAST_RUN_MONTH`). Interest and subsidy accrue in ``float64`` fen and
are rounded once, when credited. The ageing ring keeps the last
``min_holding_months + 1`` month-end balances, which is all the ageing rule
(S1-i) needs, and only for accounts ever opened: a slot per person into a
table of rows (:mod:`sim.fund.ring`); the withdrawal ring is kept only for
``fifo`` ageing, a row per person.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from sim.core.lanes import Lane, Lanes
from sim.core.months import MONTH_TYPE
from sim.fund.ring import MAX_FEN, BalanceOutOfRange, RingTable

STARTS = {
    "balance": (np.int64, 0), "is_open": (bool, False), "ever_opened": (bool, False),
    "bonus_due": (np.int32, 0), "forfeited": (bool, False), "loan_disbursed": (bool, False),
    "loan_outstanding": (bool, False), "subsidy_total": (np.int32, 0),
    "subsidy_accrued": (np.float64, 0), "interest_accrued": (np.float64, 0),
    "deposit_months": (np.int16, 0), "covered_through": (MONTH_TYPE, 0),
    "last_deposit_month": (MONTH_TYPE, -1), "month_deposited": (np.int32, 0),
    "month_covered": (np.int8, 0), "deposited_total": (np.int32, 0),
    "opened_month": (MONTH_TYPE, 0), "service_months": (np.int16, 0),
    "rent_this_year": (np.int32, 0), "rent_month": (MONTH_TYPE, -1),
    "rent_month_total": (np.int32, 0), "clean_since": (MONTH_TYPE, 0), "run_start": (MONTH_TYPE, 0),
    "slot": (np.int32, -1),
}  # fmt: skip
"""Every per-person field of :class:`Accounts` before anyone opens an account: (type, value)."""


@dataclass
class Accounts:
    """Struct-of-arrays state of every account; see the module docstring."""

    balance: np.ndarray  # int64 fen
    is_open: np.ndarray  # bool
    ever_opened: np.ndarray  # bool: the opening bonus is for a first opening only (S6)
    bonus_due: np.ndarray  # int32 fen of opening bonus paid with the first deposit (S6, S7)
    forfeited: np.ndarray  # bool: an exit forfeited all subsidy for good (S4)
    loan_disbursed: np.ndarray  # bool: a fund loan was disbursed, ever (S3)
    loan_outstanding: np.ndarray  # bool: a fund loan is not yet repaid (W3)
    subsidy_total: np.ndarray  # int32 fen counted against the lifetime cap (S2)
    subsidy_accrued: np.ndarray  # float64 fen, paid at settlement (S1, S5)
    interest_accrued: np.ndarray  # float64 fen, credited at settlement or closure (F1)
    deposit_months: np.ndarray  # int16: distinct months covered by accepted deposits (L1)
    covered_through: np.ndarray  # int16: last month the deposits cover (L1: prepaid months)
    last_deposit_month: np.ndarray  # int16: month of the latest accepted deposit (-1: none)
    month_deposited: np.ndarray  # int32 fen deposited in ``last_deposit_month`` (D1, D2)
    month_covered: np.ndarray  # int8: most months one deposit of that month covers (D2)
    deposited_total: np.ndarray  # int32 fen deposited into the current account (L2)
    opened_month: np.ndarray  # int16 month the current account was opened (L2 frequency)
    service_months: np.ndarray  # int16: veterans' service months transferred in (E5)
    rent_this_year: np.ndarray  # int32 fen withdrawn for rent in this fund year (W1)
    rent_month: np.ndarray  # int16: month of the latest rent withdrawal (-1: none) (X6)
    rent_month_total: np.ndarray  # int32 fen withdrawn for rent in ``rent_month`` (X6)
    clean_since: np.ndarray  # int16: first month with no partial withdrawal since (X2)
    run_start: np.ndarray  # int16: first month of the unbroken run of covered months (X3)
    slot: np.ndarray  # int32: the person's row of ``rings`` (-1: never opened)
    rings: RingTable  # int32 fen [rows, H+1]: month-end balance of month k in column k % (H+1)
    out_ring: np.ndarray | None  # int64 fen [N, H+1]: withdrawals of month k (fifo only)

    @classmethod
    def empty(
        cls, n: int, *, holding_months: int = 12, fifo: bool = False, lane: Lane | None = None
    ) -> Accounts:
        """``n`` people, none with an account yet (:data:`STARTS`); with a ``lane``, allocated
        straight into a batch's rows (:mod:`sim.core.lanes`)."""
        arrays = {}
        for name, (dtype, value) in STARTS.items():
            if lane is not None:
                arrays[name] = lane.full(f"acc.{name}", value, dtype)
            else:
                arrays[name] = np.full(n, value, dtype) if value else np.zeros(n, dtype)
        slots = holding_months + 1
        out_ring = None
        if fifo:
            out_ring = (
                np.zeros((n, slots), np.int64)
                if lane is None
                else lane.zeros("acc.out_ring", np.int64, (slots,))
            )
        return cls(**arrays, rings=RingTable(n, slots, lane=lane), out_ring=out_ring)

    @classmethod
    def joined(cls, lanes: Lanes, first: Accounts) -> Accounts:
        """A batch's accounts over every path's rows, ``first`` being path 0's (each path's
        built with ``empty(..., lane=)``): what its one-pass month end and its people's view
        read."""
        return dataclasses.replace(lanes.joined("acc", first), rings=RingTable.joined(lanes))

    @property
    def n(self) -> int:
        """Number of people (rows)."""
        return len(self.balance)

    @property
    def holding_months(self) -> int:
        """The ageing window the rings were sized for (S1)."""
        return self.rings.slots - 1

    def give_rings(self, who: np.ndarray) -> None:
        """Rows of the ring for the accounts in ``who`` that have none (a first opening)."""
        new = who[self.slot[who] < 0]
        if len(new):
            self.slot[new] = self.rings.take(len(new))

    def ring_of(self, who: np.ndarray) -> np.ndarray:
        """The month-end rows of ``who`` (int64 fen ``[len(who), H+1]``; 0 with no row)."""
        slot = self.slot[who]
        out = np.zeros((len(slot), self.rings.slots), np.int64)
        has = slot >= 0
        out[has] = self.rings.rows[slot[has]]
        return out

    def month_end(self, month: int) -> np.ndarray:
        """Every account's balance at the end of ``month`` (one of the last H + 1), int64."""
        out = np.zeros(self.n, np.int64)
        has = np.flatnonzero(self.slot >= 0)
        out[has] = self.rings.rows[self.slot[has], month % self.rings.slots]
        return out

    def record_month_end(self, month: int) -> None:
        """Store every ringed account's balance of ``month`` (:data:`sim.fund.ring.MAX_FEN`
        checked before)."""
        has = np.flatnonzero(self.slot >= 0)
        check_in_range(self.balance, has)
        self.rings.rows[self.slot[has], month % self.rings.slots] = self.balance[has]

    def nbytes(self) -> int:
        """Memory held by the state (the ring's rows in use), for the benchmarks."""
        arrays = [v for v in vars(self).values() if isinstance(v, np.ndarray)]
        return sum(a.nbytes for a in arrays) + self.rings.nbytes()


def check_in_range(balance: np.ndarray, who: np.ndarray | None = None) -> None:
    """Refuse a balance the int32 ring cannot hold (:class:`sim.fund.ring.BalanceOutOfRange`)."""
    b = balance if who is None else balance[who]
    if len(b) and b.max() > MAX_FEN:
        k = int(np.argmax(b))
        i = k if who is None else int(who[k])
        raise BalanceOutOfRange(
            f"account {i} holds {int(b[k]) / 100:,.2f} yuan, above "
            f"the {MAX_FEN / 100:,.2f} any rule allows"
        )
