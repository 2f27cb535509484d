"""Withdrawals (W1–W4) and closing an account.

W1 gives flexible depositors the employees' withdrawal rights: rent (up to
12 × the monthly rent limit per fund year; other designs bind it each
calendar month, or as a share of the month's deposit: X6), house purchase and loan
repayment (up to a limit the caller derives from the price, the loan or the
instalments due). W2: no lock-in, a member may withdraw before any loan.
A withdrawal above the balance or a limit is refused whole, never clipped.

Closing pays out the whole balance. A voluntary exit (W3) is refused while a
fund loan is outstanding, credits the interest accrued so far, and forfeits
all subsidy for good (S4), including subsidy accrued but not yet paid. A full
withdrawal on retirement, death or emigration (W4) also pays the subsidy
accrued so far (within the cap), since it is a withdrawal the national
regulations allow (interpretation W4-i, stated in the README).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from sim.fund.accounts import Accounts
from sim.fund.policy import Policy
from sim.fund.refusals import Refusal, first_refusal


class Kind(StrEnum):
    """What money is withdrawn for."""

    RENT = "rent"  # W1
    PURCHASE = "purchase"  # W1
    REPAYMENT = "repayment"  # W1
    EXIT = "exit"  # W3
    FULL = "full"  # W4: retirement, death, emigration, loss of capacity


PARTIAL = (Kind.RENT, Kind.PURCHASE, Kind.REPAYMENT)
KINDS = {k.value: k for k in Kind}
"""A kind by its name (or itself), without the enum's call."""


def rent_limit_fen(policy: Policy, month: int) -> int:
    """Most that may be withdrawn for rent in one fund year (W1)."""
    return 12 * policy.fen_at("withdrawal.rent_monthly_limit", month)


def over_rent_limit(
    acc: Accounts, policy: Policy, month: int, who: np.ndarray, amount: np.ndarray
) -> np.ndarray:
    """Where a rent withdrawal of ``amount`` passes the rent limit (W1, X6).

    ``yearly`` (W1): the fund year's rent withdrawals at most 12 × the monthly
    limit. ``monthly`` (X6, Chongqing, Chengdu, Jinan): the calendar month's at
    most the monthly limit. ``deposit_share`` (X6, Shenzhen): the month's at most
    ``withdrawal.rent_deposit_share`` × what was deposited in that month.
    """
    basis = policy["withdrawal.rent_limit_basis"]
    if basis == "yearly":
        return acc.rent_this_year[who] + amount > rent_limit_fen(policy, month)
    so_far = np.where(acc.rent_month[who] == month, acc.rent_month_total[who], 0) + amount
    if basis == "monthly":
        return so_far > policy.fen_at("withdrawal.rent_monthly_limit", month)
    deposited = np.where(acc.last_deposit_month[who] == month, acc.month_deposited[who], 0)
    share = policy.at("withdrawal.rent_deposit_share", month)
    return so_far > np.floor(deposited * share)


def check_withdrawals(
    acc: Accounts,
    policy: Policy,
    month: int,
    who: np.ndarray,
    amount: np.ndarray,
    kind: Kind,
    limit: np.ndarray | None,
    mortgage: np.ndarray | None = None,
) -> np.ndarray:
    """Refusal codes for partial withdrawals of one kind (W1, W2).

    ``mortgage`` marks repayments of a commercial mortgage on the member's
    home, which W1 allows as it allows repaying a fund loan.
    """
    if kind not in PARTIAL:
        raise ValueError(f"{kind} is not a partial withdrawal; use close_accounts")
    no_limit = np.zeros(len(who), dtype=bool)
    over_rent = over_rent_limit(acc, policy, month, who, amount) if kind is Kind.RENT else no_limit
    no_loan = ~acc.loan_outstanding[who] if kind is Kind.REPAYMENT else no_limit
    if mortgage is not None:
        no_loan = no_loan & ~mortgage
    over_limit = amount > limit if limit is not None else no_limit
    return first_refusal(
        (~acc.is_open[who], Refusal.NOT_OPEN),
        (amount <= 0, Refusal.NOT_POSITIVE),
        (no_loan, Refusal.NO_LOAN),
        (amount > acc.balance[who], Refusal.INSUFFICIENT_BALANCE),
        (over_rent, Refusal.OVER_RENT_LIMIT),
        (over_limit, Refusal.OVER_LIMIT),
    )


def apply_withdrawals(
    acc: Accounts, who: np.ndarray, amount: np.ndarray, kind: Kind, month: int
) -> None:
    """Pay out accepted partial withdrawals; each restarts the holding condition's count
    from the next month (X2)."""
    acc.balance[who] -= amount
    acc.clean_since[who] = month + 1
    if kind is Kind.RENT:
        acc.rent_this_year[who] += amount
        same = acc.rent_month[who] == month
        acc.rent_month_total[who] = np.where(same, acc.rent_month_total[who], 0) + amount
        acc.rent_month[who] = month


def check_closures(acc: Accounts, policy: Policy, who: np.ndarray, kind: Kind) -> np.ndarray:
    """Refusal codes for closing accounts by exit (W3) or full withdrawal (W4)."""
    blocked = acc.loan_outstanding[who] & policy["withdrawal.exit_requires_no_loan"]
    if kind is not Kind.EXIT:
        blocked = np.zeros(len(who), dtype=bool)
    return first_refusal(
        (~acc.is_open[who], Refusal.NOT_OPEN),
        (blocked, Refusal.LOAN_OUTSTANDING),
    )


def close_accounts(acc: Accounts, policy: Policy, who: np.ndarray, kind: Kind) -> np.ndarray:
    """Close accounts and return the payout in fen (the whole balance).

    Interest and (for W4) subsidy must already have been credited by the
    caller; this sets the flags of W3/S4 and empties the account.
    """
    payout = acc.balance[who].copy()
    acc.balance[who] = 0
    acc.is_open[who] = False
    acc.bonus_due[who] = 0
    acc.interest_accrued[who] = 0.0
    acc.subsidy_accrued[who] = 0.0
    if kind is Kind.EXIT and policy["subsidy.forfeit_on_exit"]:
        acc.forfeited[who] = True
    return payout
