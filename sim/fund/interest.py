"""Interest on balances and the 30 June settlement (F1).

Interest is the annual deposit rate ÷ 12 on each month's *opening* balance
(the month-end balance of the month before), so money deposited in month *m*
earns from *m + 1* and money withdrawn in month *m* still earns for *m*. It
accrues in float fen for every open account at month end and is credited,
rounded to the fen, once a year at settlement (the last day of the month
``interest.settlement_month``, 30 June) and when an account closes. The rate
is looked up month by month, so a rate change mid-year applies from its
first full month.

The rule is written once, as small scalar functions (:func:`monthly_rate`,
:func:`accrue`; the credit rounds with :func:`sim.core.money.fen_of`) that the one-pass month end
(:mod:`sim.fund.month_end`) inlines and the array functions below loop over,
as :mod:`sim.agents.depositing` does for behaviour.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.core.chunks import CHUNK, add_in_order
from sim.core.money import fen_of
from sim.fund.accounts import Accounts
from sim.fund.indices import rows_of
from sim.fund.policy import Policy


def monthly_rate(policy: Policy, month: int) -> float:
    """A month's interest per fen of opening balance in ``month``: the annual deposit rate in
    force that month ÷ 12 (F1)."""
    return policy.at("interest.deposit_rate", month) / 12.0


@numba.njit(inline="always")
def accrue(accrued: float, opening_fen: int, monthly: float) -> tuple[float, float]:
    """One month of interest on an open account (F1): ``opening_fen × monthly``, added to the
    float fen ``accrued`` so far; returns (accrued after, the month's interest)."""
    x = opening_fen * monthly
    return accrued + x, x


def opening_balance(acc: Accounts, month: int) -> np.ndarray:
    """Every account's balance when ``month`` opened (the previous month-end)."""
    return acc.month_end(month - 1)


def accrue_interest(acc: Accounts, policy: Policy, month: int) -> tuple[float, float]:
    """Add this month's interest on the opening balance of every open account (F1).

    Returns the month's total accrual and the interest accrued and not yet credited on
    all accounts (the fund's interest payable), both in float fen.
    """
    monthly = monthly_rate(policy, month)
    parts = _accrue(acc.interest_accrued, opening_balance(acc, month), acc.is_open, monthly)
    return add_in_order(parts[:, 0]), add_in_order(parts[:, 1])


@numba.njit(parallel=True, cache=True)
def _accrue(accrued, opening, is_open, monthly):
    """:func:`accrue` over the open accounts; per-chunk (accrual, payable) sums, in order."""
    n = len(accrued)
    chunks = (n + CHUNK - 1) // CHUNK
    parts = np.zeros((chunks, 2), np.float64)
    for c in numba.prange(chunks):
        total = 0.0
        payable = 0.0
        for i in range(np.uint64(c * CHUNK), np.uint64(min(n, (c + 1) * CHUNK))):
            if is_open[i]:
                a, x = accrue(accrued[i], opening[i], monthly)
                accrued[i] = a
                total += x
                payable += a
        parts[c, 0] = total
        parts[c, 1] = payable
    return parts


def credit_interest(acc: Accounts, who: np.ndarray | slice = slice(None)) -> np.ndarray:
    """Credit accrued interest, rounded to the fen, and return it per account (F1)."""
    return _credit(acc.balance, acc.interest_accrued, rows_of(acc.n, who))


@numba.njit(cache=True)
def _credit(balance, accrued, rows):
    """Each row's accrued interest rounded to the fen (:func:`fen_of`), credited; the
    accrual cleared."""
    amount = np.empty(len(rows), np.int64)
    for k in range(len(rows)):
        i = rows[k]
        amount[k] = fen_of(accrued[i])
        balance[i] += amount[k]
        accrued[i] = 0.0
    return amount
