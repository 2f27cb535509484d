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

Each rule is written once, as a small scalar function of named inputs —
:func:`stop_code` and :func:`eligible_at` (S1, S3, S4, X2), :func:`accrue`
(S1-ii), :func:`capped` and :func:`reached_cap` (S2), :func:`settle_capped`
(S2, S4, S5) — that the one-pass month end (:mod:`sim.fund.month_end`) inlines,
the array functions below loop over, and the account trace
(:mod:`sim.account.trace`) asks why a subsidy was refused.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.core.money import fen_of, yuan_to_fen
from sim.fund.accounts import Accounts
from sim.fund.indices import rows_of
from sim.fund.policy import Policy

ACCRUES, FORFEITED, LOAN, NOT_CLEAN = 0, 1, 2, 3
""":func:`stop_code`'s answers: the account accrues, or the rule that stops it."""
STOP_RULES = ("", "S4", "S3", "X2")
"""The rule ID behind each :func:`stop_code`."""


def subsidy_rate(policy: Policy, month: int) -> float:
    """The subsidy a year in force in ``month``: the holding rate (S1, S5) plus the
    interest subsidy, a share of the deposit rate (X1); the share is 0 under lyg-*."""
    share = policy.at("subsidy.interest_share", month)
    return policy.at("subsidy.holding_rate", month) + share * policy.at(
        "interest.deposit_rate", month
    )


def monthly_rate(policy: Policy, month: int) -> float:
    """A month's subsidy per fen of aged part under ``monthly_average``: the rate in force
    ÷ 12 (S1-ii, X1)."""
    return subsidy_rate(policy, month) / 12.0


def cap_fen(policy: Policy) -> int:
    """The lifetime cap on one depositor's subsidies, in fen (S2)."""
    return yuan_to_fen(policy["subsidy.lifetime_cap"])


@numba.njit(inline="always")
def is_clean(clean_since: int, month: int, clean_months: int) -> bool:
    """Whether ``clean_months`` whole months with no partial withdrawal have passed by
    ``month`` since ``clean_since`` (X2); always true when the condition is off (0)."""
    return clean_months == 0 or month - clean_since >= clean_months


@numba.njit(inline="always")
def stop_code(
    forfeited: bool,
    loan_disbursed: bool,
    clean_since: int,
    month: int,
    stops_at_loan: bool,
    clean_months: int,
) -> int:
    """Why an account accrues no holding subsidy in ``month`` (:data:`STOP_RULES`): its holder
    exited once (S4), a fund loan was disbursed under ``stops_at_loan`` (S3), the holding
    condition is not met (X2); :data:`ACCRUES` (0) if none holds."""
    if forfeited:
        return FORFEITED
    if stops_at_loan and loan_disbursed:
        return LOAN
    if not is_clean(clean_since, month, clean_months):
        return NOT_CLEAN
    return ACCRUES


@numba.njit(inline="always")
def eligible_at(
    is_open: bool,
    forfeited: bool,
    loan_disbursed: bool,
    clean_since: int,
    month: int,
    stops_at_loan: bool,
    clean_months: int,
) -> bool:
    """Whether an account accrues the holding subsidy in ``month``: open (S1) and not stopped
    (:func:`stop_code`: S3, S4, X2). The one subsidy-eligibility predicate."""
    return is_open and (
        stop_code(forfeited, loan_disbursed, clean_since, month, stops_at_loan, clean_months)
        == ACCRUES
    )


@numba.njit(inline="always")
def accrue(accrued: float, aged_fen: int, monthly: float) -> float:
    """One month's ``monthly_average`` subsidy of an eligible account (S1-ii): the float fen
    ``accrued`` so far plus ``aged_fen × monthly``."""
    return accrued + aged_fen * monthly


@numba.njit(inline="always")
def capped(due_fen: int, paid_fen: int, cap: int) -> int:
    """A payment of ``due_fen`` cut to the room left under the lifetime ``cap`` by the
    ``paid_fen`` paid so far, never below zero (S2)."""
    return min(due_fen, max(cap - paid_fen, 0))


@numba.njit(inline="always")
def settle_capped(accrued: float, forfeited: bool, paid_fen: int, cap: int) -> int:
    """The year's subsidy credited at settlement for float fen ``accrued``: rounded to the fen
    once (S5), nothing after an exit (S4), cut to the cap (S2, :func:`capped`)."""
    due = np.int64(0) if forfeited else fen_of(accrued)
    return capped(due, paid_fen, cap)


@numba.njit(inline="always")
def reached_cap(paid_fen, cap: int):
    """Whether the subsidies paid so far reached the lifetime cap (S2); elementwise on arrays."""
    return paid_fen >= cap


def eligible(acc: Accounts, policy: Policy, month: int) -> np.ndarray:
    """Accounts that accrue the holding subsidy in ``month``: :func:`eligible_at` for each."""
    return _eligible(
        acc.is_open,
        acc.forfeited,
        acc.loan_disbursed,
        acc.clean_since,
        month,
        bool(policy["subsidy.stops_at_loan"]),
        policy["subsidy.clean_months"],
    )


@numba.njit(cache=True)
def _eligible(is_open, forfeited, loan_disbursed, clean_since, month, stops_at_loan, clean_months):
    ok = np.empty(len(is_open), np.bool_)
    for i in range(len(ok)):
        ok[i] = eligible_at(is_open[i], forfeited[i], loan_disbursed[i], clean_since[i], month,
                            stops_at_loan, clean_months)  # fmt: skip
    return ok


def accrue_monthly(acc: Accounts, policy: Policy, month: int, aged: np.ndarray) -> None:
    """Accrue one month of subsidy on the aged part (S1-ii ``monthly_average``)."""
    _accrue(
        acc.subsidy_accrued,
        aged,
        acc.is_open,
        acc.forfeited,
        acc.loan_disbursed,
        acc.clean_since,
        month,
        bool(policy["subsidy.stops_at_loan"]),
        policy["subsidy.clean_months"],
        monthly_rate(policy, month),
    )


@numba.njit(parallel=True, cache=True)
def _accrue(
    accrued,
    aged,
    is_open,
    forfeited,
    loan_disbursed,
    clean_since,
    month,
    stops_at_loan,
    clean_months,
    monthly,
):
    """:func:`accrue` where :func:`eligible_at` holds: one pass, no temporaries."""
    for i in numba.prange(len(accrued)):
        if eligible_at(is_open[i], forfeited[i], loan_disbursed[i], clean_since[i], month,
                       stops_at_loan, clean_months):  # fmt: skip
            accrued[i] = accrue(accrued[i], aged[i], monthly)


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
    """Credit subsidy (whole fen) cut to the room under the lifetime cap; return what was
    paid (S2, :func:`capped`); nothing after an exit (S4).

    ``counts=False`` pays without using the cap (an opening bonus under a
    policy whose cap does not cover it).
    """
    rows = rows_of(acc.n, who)
    due = np.broadcast_to(np.asarray(due_fen, dtype=np.int64), rows.shape)
    return _pay(acc.balance, acc.subsidy_total, acc.forfeited, rows, due, cap_fen(policy), counts)


@numba.njit(cache=True)
def _pay(balance, subsidy_total, forfeited, rows, due, cap, counts):
    paid = np.empty(len(rows), np.int64)
    for k in range(len(rows)):
        i = rows[k]
        d = np.int64(0) if forfeited[i] else due[k]
        if counts:
            d = capped(d, subsidy_total[i], cap)
            subsidy_total[i] += d
        balance[i] += d
        paid[k] = d
    return paid


def settle(
    acc: Accounts, policy: Policy, month: int, snapshot_aged: np.ndarray | None
) -> np.ndarray:
    """Pay the year's holding subsidy at settlement; return the payment per account (S1, S5).

    ``snapshot_aged`` is the aged part on the settlement date, needed only
    under ``settlement_snapshot``.
    """
    if policy["subsidy.accrual"] == "monthly_average":
        due = acc.subsidy_accrued
    else:
        due = snapshot_due(acc, policy, month, snapshot_aged)
    rows = np.arange(acc.n)
    paid = _settle(acc.balance, acc.subsidy_total, acc.forfeited, due, rows, cap_fen(policy))
    acc.subsidy_accrued[:] = 0.0
    return paid


def pay_accrued(acc: Accounts, policy: Policy, who: np.ndarray) -> np.ndarray:
    """Pay ``who`` the ``monthly_average`` subsidy accrued so far, as a settlement would
    (:func:`settle_capped`: S2, S4), and return it: a full withdrawal (W4-i). The accrual
    is left for the closing to clear."""
    rows = np.asarray(who, dtype=np.int64)
    due = acc.subsidy_accrued
    return _settle(acc.balance, acc.subsidy_total, acc.forfeited, due, rows, cap_fen(policy))


@numba.njit(cache=True)
def _settle(balance, subsidy_total, forfeited, due, rows, cap):
    """:func:`settle_capped` of the float fen ``due`` for each of ``rows``, credited."""
    paid = np.empty(len(rows), np.int64)
    for k in range(len(rows)):
        i = rows[k]
        d = settle_capped(due[i], forfeited[i], subsidy_total[i], cap)
        subsidy_total[i] += d
        balance[i] += d
        paid[k] = d
    return paid
