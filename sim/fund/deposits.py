"""Deposits: the floor, the cap and how many months one deposit covers (D1, D2).

A depositor chooses when and how much to deposit; the fund only checks the
bounds of the fund year the deposit falls in. The bounds are monthly, so they
apply to what a person deposits **in a calendar month**, not to each deposit:
each deposit covering ``k`` months (1, or 3 for a quarterly payer under
``lyg-draft``, D2) must be at least ``k × floor``, and the month's deposits
together at most ``cap ×`` the months they cover — three deposits of 2,000
yuan in one month are 6,000 against a 5,000 cap, and the third is refused; a
quarterly deposit lets the month's total reach three months' cap. The floor
is 100 yuan under ``lyg-2023`` (D1) and minimum wage × minimum ratio under
``lyg-draft`` (D2). A deposit out of bounds is refused whole with its reason,
never clipped to the bound.

A deposit in month ``m`` covering ``k`` months covers the calendar months
``m … m + k − 1``; ``deposit_months`` counts the distinct months covered and
``covered_through`` the last of them, so L1 can count them as they elapse
(:func:`sim.fund.eligibility.loan_deposit_months`); ``run_start`` is the first
month of the unbroken run of covered months the deposit continues or starts,
for a loan condition on consecutive months (X3, Shenzhen).

:func:`check_deposits` and :func:`apply_deposits` state the rules array by
array; :func:`deposit` does both in one pass over the batch (the ledger's hot
path) and must agree with them exactly (``tests/test_deposit_pass.py``).
"""

from __future__ import annotations

import functools

import numba
import numpy as np

from sim.core.prefetch import AHEAD, prefetch
from sim.fund.accounts import Accounts
from sim.fund.policy import Policy
from sim.fund.refusals import Refusal, first_refusal
from sim.fund.requests import per_ask
from sim.fund.ring import MAX_FEN, BalanceOutOfRange

_NOT_OPEN, _MONTHS_NOT_ALLOWED = int(Refusal.NOT_OPEN), int(Refusal.MONTHS_NOT_ALLOWED)
_BELOW_FLOOR, _ABOVE_CAP = int(Refusal.BELOW_FLOOR), int(Refusal.ABOVE_CAP)
_MAX_FEN = np.int64(MAX_FEN)


def check_deposits(
    acc: Accounts,
    policy: Policy,
    month: int,
    who: np.ndarray,
    amount: np.ndarray,
    months: np.ndarray,
) -> np.ndarray:
    """Refusal codes for deposits of ``amount`` fen covering ``months`` months (D1, D2).

    ``months`` is a whole number or an array aligned with ``who``.
    """
    allowed = np.zeros(13, dtype=bool)
    allowed[list(policy["deposit.allowed_months"])] = True
    if np.ndim(months) == 0:
        bad_months = np.full(len(who), not allowed[months] if 0 <= months <= 12 else True)
    else:
        bad_months = ~allowed[np.clip(months, 0, 12)] | (months < 0) | (months > 12)
    same = acc.last_deposit_month[who] == month
    so_far = np.where(same, acc.month_deposited[who], 0)
    covered = np.maximum(np.where(same, acc.month_covered[who], 0), months)
    return first_refusal(
        (~acc.is_open[who], Refusal.NOT_OPEN),
        (bad_months, Refusal.MONTHS_NOT_ALLOWED),
        (amount < policy.floor_fen(month) * months, Refusal.BELOW_FLOOR),
        (so_far + amount > policy.cap_fen(month) * covered, Refusal.ABOVE_CAP),
    )


def apply_deposits(acc: Accounts, month: int, who: np.ndarray, amount: np.ndarray, months) -> None:
    """Credit accepted deposits, add them to the calendar month's total (D1, D2) and count
    the months they cover that no earlier deposit covered (L1)."""
    months = np.asarray(months, dtype=np.int32)
    acc.balance[who] += amount
    acc.deposited_total[who] += amount
    same = acc.last_deposit_month[who] == month
    acc.month_deposited[who] = np.where(same, acc.month_deposited[who], 0) + amount
    acc.month_covered[who] = np.maximum(np.where(same, acc.month_covered[who], 0), months)
    acc.last_deposit_month[who] = month
    last = month + months - 1
    through = acc.covered_through[who]
    acc.run_start[who] = np.where(month > through + 1, month, acc.run_start[who])
    acc.deposit_months[who] += np.maximum(last - np.maximum(through, month - 1), 0)
    acc.covered_through[who] = np.maximum(through, last)


def deposit(
    acc: Accounts, policy: Policy, month: int, who: np.ndarray, amount: np.ndarray, months
) -> tuple[np.ndarray, int, int, bool]:
    """Check and credit a batch of deposits in one pass (D1, D2, L1).

    ``who`` must name each person once. Returns the refusal codes (those of
    :func:`check_deposits`), the fen and the number of deposits accepted, and
    whether an accepted depositor has an opening bonus due (S6, S7).
    """
    allowed = _allowed(policy["deposit.allowed_months"])
    months = per_ask(np.asarray(months, dtype=np.int64), who.shape)
    codes = np.empty(len(who), dtype=np.int8)
    total, count, bonus, over = _deposit(
        codes,
        who,
        amount,
        months,
        allowed,
        policy.floor_fen(month),
        policy.cap_fen(month),
        month,
        acc.is_open,
        acc.balance,
        acc.deposited_total,
        acc.last_deposit_month,
        acc.month_deposited,
        acc.month_covered,
        acc.covered_through,
        acc.deposit_months,
        acc.bonus_due,
        acc.run_start,
    )
    if over >= 0:
        raise BalanceOutOfRange(
            f"account {who[over]}: a deposit of {amount[over] / 100:,.2f} yuan takes its "
            f"deposits (this month's or the account's) above the {MAX_FEN / 100:,.2f} the "
            "accounts hold (int32 fen: sim.fund.accounts)"
        )
    return codes, int(total), int(count), bool(bonus)


@numba.njit(cache=True)
def bonus_rows(who: np.ndarray, codes: np.ndarray, bonus_due: np.ndarray) -> np.ndarray:
    """The accepted depositors with an opening bonus due (S6, S7), in batch order:
    ``who[codes == 0]`` then those with ``bonus_due > 0``, in one pass."""
    out = np.empty(len(who), np.int64)
    k = 0
    for j in range(len(who)):
        if codes[j] == 0 and bonus_due[who[j]] > 0:
            out[k] = who[j]
            k += 1
    return out[:k]


@functools.cache
def _allowed(months: tuple[int, ...]) -> np.ndarray:
    """Which numbers of months one deposit may cover (D2), as a mask by number: made once
    per policy value, read-only (the kernel only reads it)."""
    allowed = np.zeros(13, dtype=np.bool_)
    allowed[list(months)] = True
    allowed.flags.writeable = False
    return allowed


@numba.njit(cache=True)
def _deposit(
    codes,
    who,
    amount,
    months,
    allowed,
    floor,
    cap,
    month,
    is_open,
    balance,
    deposited_total,
    last_deposit_month,
    month_deposited,
    month_covered,
    covered_through,
    deposit_months,
    bonus_due,
    run_start,
):
    """:func:`check_deposits` then :func:`apply_deposits`, person by person; each person's
    items asked for :data:`~sim.core.prefetch.AHEAD` deposits ahead (a third of the time at
    1,000,000 people: the depositors are too far apart for the hardware to see)."""
    total = 0
    count = 0
    bonus = False
    for j in range(len(who)):
        if j + AHEAD < len(who):
            p = who[j + AHEAD]
            prefetch(is_open, p)
            prefetch(balance, p)
            prefetch(deposited_total, p)
            prefetch(last_deposit_month, p)
            prefetch(month_deposited, p)
            prefetch(month_covered, p)
            prefetch(covered_through, p)
            prefetch(deposit_months, p)
            prefetch(bonus_due, p)
            prefetch(run_start, p)
        i, a, k = who[j], amount[j], months[j]
        same = last_deposit_month[i] == month
        so_far = month_deposited[i] if same else 0
        covered = max(month_covered[i] if same else 0, k)
        if not is_open[i]:
            codes[j] = _NOT_OPEN
        elif k < 0 or k > 12 or not allowed[k]:
            codes[j] = _MONTHS_NOT_ALLOWED
        elif a < floor * k:
            codes[j] = _BELOW_FLOOR
        elif so_far + a > cap * covered:
            codes[j] = _ABOVE_CAP
        elif so_far + a > _MAX_FEN or deposited_total[i] + a > _MAX_FEN:  # int32 (accounts)
            return total, count, bonus, j
        else:
            codes[j] = 0
            balance[i] += a
            deposited_total[i] += a
            month_deposited[i] = so_far + a
            month_covered[i] = covered
            last_deposit_month[i] = month
            last = month + k - 1
            through = covered_through[i]
            if month > through + 1:
                run_start[i] = month
            deposit_months[i] += max(last - max(through, month - 1), 0)
            covered_through[i] = max(through, last)
            total += a
            count += 1
            bonus |= bonus_due[i] > 0
    return total, count, bonus, -1
