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

import numba
import numpy as np

from sim.core.money import fen_of
from sim.core.prefetch import AHEAD, prefetch
from sim.fund.accounts import Accounts
from sim.fund.policy import Policy
from sim.fund.refusals import Refusal, first_refusal
from sim.fund.ring import MAX_FEN, BalanceOutOfRange
from sim.fund.subsidy import cap_fen, settle_capped

_MAX_FEN = np.int64(MAX_FEN)


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


_RENT_BASES = {"yearly": 0, "monthly": 1, "deposit_share": 2}
_NO_RING = np.zeros((1, 1), np.int64)
_NO_LIMIT = np.zeros(1, np.int64)
_NO_MORTGAGE = np.zeros(1, np.bool_)


def withdraw(
    acc: Accounts,
    policy: Policy,
    month: int,
    who: np.ndarray,
    amount: np.ndarray,
    kind: Kind,
    limit: np.ndarray | None,
    mortgage: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """Check and pay out a batch of partial withdrawals in one pass (W1, W2, X2, X6), and
    note them for fifo ageing: the refusal codes (those of :func:`check_withdrawals`) and
    the fen paid. ``who`` must name each person once; the rules as written are
    :func:`check_withdrawals` then :func:`apply_withdrawals` (``tests/test_withdraw_pass.py``
    holds the two equal)."""
    if kind not in PARTIAL:
        raise ValueError(f"{kind} is not a partial withdrawal; use close_accounts")
    rent, basis, rent_cap, share = kind is Kind.RENT, 0, 0, 0.0
    if rent:
        basis = _RENT_BASES[policy["withdrawal.rent_limit_basis"]]
        if basis == 0:
            rent_cap = rent_limit_fen(policy, month)
        elif basis == 1:
            rent_cap = policy.fen_at("withdrawal.rent_monthly_limit", month)
        else:
            share = float(policy.at("withdrawal.rent_deposit_share", month))
    ring = acc.out_ring
    codes = np.empty(len(who), np.int8)
    paid, over = _withdraw(
        codes,
        who,
        amount,
        _NO_LIMIT if limit is None else limit,
        limit is not None,
        _NO_MORTGAGE if mortgage is None else mortgage,
        mortgage is not None,
        kind is Kind.REPAYMENT,
        rent,
        basis,
        rent_cap,
        share,
        month,
        acc.is_open,
        acc.loan_outstanding,
        acc.balance,
        acc.clean_since,
        acc.rent_this_year,
        acc.rent_month,
        acc.rent_month_total,
        acc.last_deposit_month,
        acc.month_deposited,
        _NO_RING if ring is None else ring,
        ring is not None,
        0 if ring is None else month % ring.shape[1],
    )
    if over >= 0:
        raise BalanceOutOfRange(
            f"account {who[over]}: a rent withdrawal of {amount[over] / 100:,.2f} yuan takes the "
            f"fund year's rent above the {MAX_FEN / 100:,.2f} the accounts hold (int32 fen: "
            "sim.fund.accounts; only X6's deposit_share basis with no deposit cap comes near)"
        )
    return codes, int(paid)


@numba.njit(cache=True)
def _withdraw(codes, who, amount, limit, has_limit, mortgage, has_mortgage, repayment, rent,
              basis, rent_cap, share, month, is_open, loan_outstanding, balance, clean_since,
              rent_this_year, rent_month, rent_month_total, last_deposit_month,
              month_deposited, ring, has_ring, column):  # fmt: skip
    """:func:`check_withdrawals` then :func:`apply_withdrawals`, person by person, each
    person's items asked for :data:`~sim.core.prefetch.AHEAD` requests ahead (as deposits);
    returns what was paid and the first withdrawal whose year's rent the int32 field cannot
    hold (-1: none), where it stops."""
    paid = 0
    for j in range(len(who)):
        if j + AHEAD < len(who):
            p = who[j + AHEAD]
            prefetch(is_open, p)
            prefetch(balance, p)
            prefetch(clean_since, p)
            if repayment:
                prefetch(loan_outstanding, p)
            if rent:
                prefetch(rent_this_year, p)
                prefetch(rent_month, p)
                prefetch(rent_month_total, p)
            if has_ring:
                prefetch(ring[p], column)
        i, a = who[j], amount[j]
        no_loan = repayment and not loan_outstanding[i]
        if has_mortgage:
            no_loan = no_loan and not mortgage[j]
        over_rent = False
        if rent:
            so_far = (rent_month_total[i] if rent_month[i] == month else 0) + a
            if basis == 0:
                over_rent = rent_this_year[i] + a > rent_cap
            elif basis == 1:
                over_rent = so_far > rent_cap
            else:
                deposited = month_deposited[i] if last_deposit_month[i] == month else 0
                over_rent = so_far > np.floor(deposited * share)
        if not is_open[i]:
            codes[j] = 1  # NOT_OPEN
        elif a <= 0:
            codes[j] = 3  # NOT_POSITIVE
        elif no_loan:
            codes[j] = 11  # NO_LOAN
        elif a > balance[i]:
            codes[j] = 7  # INSUFFICIENT_BALANCE
        elif over_rent:
            codes[j] = 8  # OVER_RENT_LIMIT
        elif has_limit and a > limit[j]:
            codes[j] = 9  # OVER_LIMIT
        elif rent and rent_this_year[i] + a > _MAX_FEN:
            return paid, j
        else:
            codes[j] = 0
            balance[i] -= a
            clean_since[i] = month + 1
            if rent:
                rent_this_year[i] += a
                rent_month_total[i] = (rent_month_total[i] if rent_month[i] == month else 0) + a
                rent_month[i] = month
            if has_ring:
                ring[i, column] += a
            paid += a
    return paid, -1


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


def close(
    acc: Accounts, policy: Policy, month: int, who: np.ndarray, kind: Kind
) -> tuple[np.ndarray, int, int, int, int]:
    """Close a batch of accounts in one pass (W3, W4, W4-i, S4, F1): the refusal codes (those
    of :func:`check_closures`), then for each account closed its interest credited, under
    ``monthly_average`` accrual a full withdrawal's subsidy accrued paid within the cap, the
    whole balance paid out and noted for fifo ageing, and its counts cleared. Returns the
    codes, the fen of interest, of subsidy and paid out, and how many closed. ``who`` names
    each person once; the ledger's step-by-step order (``tests/test_withdraw_pass.py``)."""
    if kind not in (Kind.EXIT, Kind.FULL):
        raise ValueError(f"close takes exit or full, not {kind}")
    exit_ = kind is Kind.EXIT
    ring = acc.out_ring
    codes = np.empty(len(who), np.int8)
    totals = _close(
        codes,
        who,
        exit_ and bool(policy["withdrawal.exit_requires_no_loan"]),
        not exit_ and policy["subsidy.accrual"] == "monthly_average",
        exit_ and bool(policy["subsidy.forfeit_on_exit"]),
        cap_fen(policy),
        acc.is_open,
        acc.loan_outstanding,
        acc.balance,
        acc.interest_accrued,
        acc.subsidy_accrued,
        acc.subsidy_total,
        acc.forfeited,
        acc.bonus_due,
        acc.deposit_months,
        acc.covered_through,
        acc.deposited_total,
        acc.service_months,
        _NO_RING if ring is None else ring,
        ring is not None,
        0 if ring is None else month % ring.shape[1],
    )
    return codes, int(totals[0]), int(totals[1]), int(totals[2]), int(totals[3])


@numba.njit(cache=True)
def _close(codes, who, needs_no_loan, pays_subsidy, forfeits, cap, is_open, loan_outstanding,
           balance, interest_accrued, subsidy_accrued, subsidy_total, forfeited, bonus_due,
           deposit_months, covered_through, deposited_total, service_months, ring, has_ring,
           column):  # fmt: skip
    """:func:`check_closures`, then the interest (``interest.credit_interest``), the subsidy
    (``subsidy.pay_accrued``) and :func:`close_accounts`, person by person."""
    interest = subsidy = paid = closed = 0
    for j in range(len(who)):
        i = who[j]
        if not is_open[i]:
            codes[j] = 1  # NOT_OPEN
            continue
        if needs_no_loan and loan_outstanding[i]:
            codes[j] = 10  # LOAN_OUTSTANDING
            continue
        codes[j] = 0
        x = fen_of(interest_accrued[i])
        balance[i] += x
        interest_accrued[i] = 0.0
        interest += x
        if pays_subsidy:
            d = settle_capped(subsidy_accrued[i], forfeited[i], subsidy_total[i], cap)
            subsidy_total[i] += d
            balance[i] += d
            subsidy += d
        out = balance[i]
        balance[i] = 0
        is_open[i] = False
        bonus_due[i] = 0
        subsidy_accrued[i] = 0.0
        if forfeits:
            forfeited[i] = True
        if has_ring:
            ring[i, column] += out
        deposit_months[i] = 0
        covered_through[i] = 0
        deposited_total[i] = 0
        service_months[i] = 0
        paid += out
        closed += 1
    return interest, subsidy, paid, closed
