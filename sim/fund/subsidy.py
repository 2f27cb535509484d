"""The holding subsidy and the lifetime cap (S1–S5).

On the part of the balance stored a full year (S1, see ``ageing``), the fund
pays ``subsidy.holding_rate`` a year: 1% under ``lyg-2023`` (1%–1.5% set by
the committee), 1.2% under ``lyg-draft`` (S5), out of business expenses (F2),
into the account, after interest at the annual settlement (S5).

How the year's amount is computed (S1-ii):

- ``monthly_average`` (default): each month an eligible account accrues
  rate ÷ 12 × its aged part; the sum is paid at settlement.
- ``settlement_snapshot``: rate × the aged part on 30 June, for accounts
  eligible on that day.

Eligible means: the account is open, its holder never exited (S4) and, with
``subsidy.stops_at_loan``, no fund loan was ever disbursed to them (S3: no
accrual from the disbursement month on; what accrued before is still paid).
Every payment is cut to the room left under the lifetime cap (S2), never
above, and rounded to the fen once.

Other cities' designs (docs/rules.md): the rate in force is the holding rate
plus ``subsidy.interest_share`` × the deposit rate (X1, Suzhou's interest
subsidy of 30% of the deposit rate); with ``subsidy.clean_months`` = N > 0 an
account accrues only once N whole months have passed with no partial
withdrawal (X2, Hainan's holding condition; a loan ends accrual by S3).
"""

from __future__ import annotations

import numba
import numpy as np

from sim.core.money import round_fen, yuan_to_fen
from sim.fund.accounts import Accounts
from sim.fund.policy import Policy


def subsidy_rate(policy: Policy, month: int) -> float:
    """The subsidy a year in force in ``month``: the holding rate (S1, S5) plus the
    interest subsidy, a share of the deposit rate (X1); the share is 0 under lyg-*."""
    share = policy.at("subsidy.interest_share", month)
    return policy.at("subsidy.holding_rate", month) + share * policy.at(
        "interest.deposit_rate", month
    )


def is_clean(clean_since, month: int, clean_months: int):
    """Whether ``clean_months`` whole months with no partial withdrawal have passed by
    ``month`` (X2); always true when the condition is off (0)."""
    return clean_months == 0 or month - clean_since >= clean_months


def eligible(acc: Accounts, policy: Policy, month: int) -> np.ndarray:
    """Accounts that accrue the holding subsidy in ``month`` (S1, S3, S4, X2)."""
    ok = acc.is_open & ~acc.forfeited
    if policy["subsidy.stops_at_loan"]:
        ok &= ~acc.loan_disbursed
    n = policy["subsidy.clean_months"]
    if n:
        ok &= is_clean(acc.clean_since, month, n)
    return ok


def accrue_monthly(acc: Accounts, policy: Policy, month: int, aged: np.ndarray) -> None:
    """Accrue one month of subsidy on the aged part (S1-ii ``monthly_average``)."""
    monthly = subsidy_rate(policy, month) / 12.0
    _accrue(
        acc.subsidy_accrued,
        aged,
        acc.is_open,
        acc.forfeited,
        acc.loan_disbursed,
        policy["subsidy.stops_at_loan"],
        monthly,
        acc.clean_since,
        month,
        policy["subsidy.clean_months"],
    )


@numba.njit(parallel=True, cache=True)
def _accrue(
    accrued,
    aged,
    is_open,
    forfeited,
    loan_disbursed,
    stops_at_loan,
    monthly,
    clean_since,
    month,
    clean_months,
):
    """``accrued += aged × monthly`` where :func:`eligible` holds: one pass, no temporaries."""
    for i in numba.prange(len(accrued)):
        stopped = forfeited[i] or (stops_at_loan and loan_disbursed[i])
        clean = clean_months == 0 or month - clean_since[i] >= clean_months
        if is_open[i] and not stopped and clean:
            accrued[i] += aged[i] * monthly


def snapshot_due(acc: Accounts, policy: Policy, month: int, aged: np.ndarray) -> np.ndarray:
    """The year's subsidy in float fen from the aged part on 30 June (S1-ii snapshot)."""
    return aged * (eligible(acc, policy, month) * subsidy_rate(policy, month))


def pay_capped(
    acc: Accounts,
    policy: Policy,
    who: np.ndarray | slice,
    due_fen: np.ndarray,
    *,
    counts: bool = True,
) -> np.ndarray:
    """Credit subsidy cut to the room under the lifetime cap; return what was paid (S2).

    ``counts=False`` pays without using the cap (an opening bonus under a
    policy whose cap does not cover it).
    """
    due = np.where(acc.forfeited[who], 0, np.asarray(due_fen, dtype=np.int64))
    if counts:
        room = np.maximum(yuan_to_fen(policy["subsidy.lifetime_cap"]) - acc.subsidy_total[who], 0)
        due = np.minimum(due, room)
        acc.subsidy_total[who] += due
    acc.balance[who] += due
    return due


def settle(
    acc: Accounts, policy: Policy, month: int, snapshot_aged: np.ndarray | None
) -> np.ndarray:
    """Pay the year's holding subsidy at settlement; return the payment per account (S1, S5).

    ``snapshot_aged`` is the aged part on the settlement date, needed only
    under ``settlement_snapshot``.
    """
    if policy["subsidy.accrual"] == "monthly_average":
        due = round_fen(acc.subsidy_accrued)
    else:
        due = round_fen(snapshot_due(acc, policy, month, snapshot_aged))
    acc.subsidy_accrued[:] = 0.0
    return pay_capped(acc, policy, slice(None), due)
