"""The accounts of N people, as plain arrays (E3, E4, E5).

One account per person (E3): person ``i`` of the simulation owns row ``i`` of
every array, so there can be no duplicate accounts. A person who exits and
later re-joins opens a new account in the same row; what the rules remember
about them (an earlier opening, a forfeited subsidy) stays in the row.

Money is ``int64`` fen. Interest and subsidy accrue in ``float64`` fen and are
rounded once, when credited. The ageing ring keeps the last
``min_holding_months + 1`` month-end balances, which is all the ageing rule
(S1-i) needs; the withdrawal ring is kept only for ``fifo`` ageing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Accounts:
    """Struct-of-arrays state of every account; see the module docstring."""

    balance: np.ndarray  # int64 fen
    is_open: np.ndarray  # bool
    ever_opened: np.ndarray  # bool: the opening bonus is for a first opening only (S6)
    bonus_due: np.ndarray  # int64 fen of opening bonus paid with the first deposit (S6, S7)
    forfeited: np.ndarray  # bool: an exit forfeited all subsidy for good (S4)
    loan_disbursed: np.ndarray  # bool: a fund loan was disbursed, ever (S3)
    loan_outstanding: np.ndarray  # bool: a fund loan is not yet repaid (W3)
    subsidy_total: np.ndarray  # int64 fen counted against the lifetime cap (S2)
    subsidy_accrued: np.ndarray  # float64 fen, paid at settlement (S1, S5)
    interest_accrued: np.ndarray  # float64 fen, credited at settlement or closure (F1)
    deposit_months: np.ndarray  # int32: distinct months covered by accepted deposits (L1)
    covered_through: np.ndarray  # int32: last month the deposits cover (L1: prepaid months)
    last_deposit_month: np.ndarray  # int32: month of the latest accepted deposit (-1: none)
    month_deposited: np.ndarray  # int64 fen deposited in ``last_deposit_month`` (D1, D2)
    month_covered: np.ndarray  # int16: most months one deposit of that month covers (D2)
    deposited_total: np.ndarray  # int64 fen deposited into the current account (L2)
    opened_month: np.ndarray  # int32 month the current account was opened (L2 frequency)
    service_months: np.ndarray  # int32: veterans' service months transferred in (E5)
    rent_this_year: np.ndarray  # int64 fen withdrawn for rent in this fund year (W1)
    rent_month: np.ndarray  # int32: month of the latest rent withdrawal (-1: none) (X6)
    rent_month_total: np.ndarray  # int64 fen withdrawn for rent in ``rent_month`` (X6)
    clean_since: np.ndarray  # int32: first month with no partial withdrawal since (X2)
    run_start: np.ndarray  # int32: first month of the unbroken run of covered months (X3)
    ring: np.ndarray  # int64 fen [N, H+1]: month-end balance of month k in column k % (H+1)
    out_ring: np.ndarray | None  # int64 fen [N, H+1]: withdrawals of month k (fifo only)

    @classmethod
    def empty(cls, n: int, *, holding_months: int = 12, fifo: bool = False) -> Accounts:
        """``n`` people, none with an account yet."""

        def z(dtype):
            return np.zeros(n, dtype=dtype)

        ring_shape = (n, holding_months + 1)
        return cls(
            balance=z(np.int64),
            is_open=z(bool),
            ever_opened=z(bool),
            bonus_due=z(np.int64),
            forfeited=z(bool),
            loan_disbursed=z(bool),
            loan_outstanding=z(bool),
            subsidy_total=z(np.int64),
            subsidy_accrued=z(np.float64),
            interest_accrued=z(np.float64),
            deposit_months=z(np.int32),
            covered_through=z(np.int32),
            last_deposit_month=np.full(n, -1, dtype=np.int32),
            month_deposited=z(np.int64),
            month_covered=z(np.int16),
            deposited_total=z(np.int64),
            opened_month=z(np.int32),
            service_months=z(np.int32),
            rent_this_year=z(np.int64),
            rent_month=np.full(n, -1, dtype=np.int32),
            rent_month_total=z(np.int64),
            clean_since=z(np.int32),
            run_start=z(np.int32),
            ring=np.zeros(ring_shape, dtype=np.int64),
            out_ring=np.zeros(ring_shape, dtype=np.int64) if fifo else None,
        )

    @property
    def n(self) -> int:
        """Number of people (rows)."""
        return len(self.balance)

    @property
    def holding_months(self) -> int:
        """The ageing window the rings were sized for (S1)."""
        return self.ring.shape[1] - 1

    def month_end(self, month: int) -> np.ndarray:
        """Every account's balance at the end of ``month`` (one of the last H + 1), a view."""
        return self.ring[:, month % self.ring.shape[1]]

    def nbytes(self) -> int:
        """Memory held by the state arrays, for the benchmarks."""
        arrays = [v for v in vars(self).values() if isinstance(v, np.ndarray)]
        return sum(a.nbytes for a in arrays)
