"""Month end one rule at a time: ``fifo`` ageing and a ``settlement_snapshot`` settlement.

The ledger's month end is one pass over the accounts (:mod:`sim.fund.month_end`)
whenever it can be: ``lifo`` ageing, and outside the settlement month of a
``settlement_snapshot`` accrual, whose subsidy is due on the aged part *after*
the settlement's month-end is recorded. Otherwise the rules run here in their
order — subsidy accrual (S1-ii), interest accrual (F1), the settlement (F1,
S2, S5), the ring's record (S1-i) — each a pass of its own module, and the
counts the record reads are taken after them. Each pass loops over the same
scalar functions of the rules (:mod:`sim.fund.interest`, :mod:`sim.fund.subsidy`)
the one-pass kernel inlines, and both paths give the same books to the fen
(``tests/test_month_end.py``).
"""

from __future__ import annotations

import numpy as np

from sim.core.months import is_settlement_month
from sim.fund import ageing, interest, subsidy
from sim.fund.accounts import Accounts
from sim.fund.books import MonthBooks
from sim.fund.policy import Policy


def one_pass(policy: Policy, month: int) -> bool:
    """Whether ``month``'s end is the one-pass kernel: ``lifo`` ageing, outside a
    ``settlement_snapshot`` settlement month."""
    settle = is_settlement_month(month, policy["interest.settlement_month"])
    monthly_average = policy["subsidy.accrual"] == "monthly_average"
    return policy["subsidy.ageing"] == "lifo" and (monthly_average or not settle)


def end_by_steps(
    acc: Accounts,
    policy: Policy,
    month: int,
    aged: np.ndarray | None,
    books: MonthBooks,
    *,
    settle: bool,
) -> tuple[int, int]:
    """The month end rule by rule, booked in ``books``; the closing total and the lowest
    balance. ``aged`` is the open month's aged part (read under ``monthly_average``)."""
    method = policy["subsidy.ageing"]
    if policy["subsidy.accrual"] == "monthly_average":
        subsidy.accrue_monthly(acc, policy, month, aged)
    accrued, payable = interest.accrue_interest(acc, policy, month)
    books.interest_accrued = round(accrued)
    books.interest_payable = round(payable)
    if settle:
        books.interest_payable = 0
        snapshot = None
        if policy["subsidy.accrual"] == "settlement_snapshot":
            ageing.record_month_end(acc, month)
            snapshot = ageing.aged_part(acc, month + 1, method)
        books.interest_credited += int(interest.credit_interest(acc).sum())
        books.subsidy_credited += int(subsidy.settle(acc, policy, month, snapshot).sum())
    ageing.record_month_end(acc, month)
    return int(acc.balance.sum()), int(acc.balance.min(initial=0))


def count_accounts(
    acc: Accounts, policy: Policy, group: np.ndarray, groups: int, books: MonthBooks
) -> None:
    """The counts the record reads, one numpy pass each: open accounts by group, accounts
    at the lifetime cap (S2), accounts ever opened."""
    by_group = np.bincount(group[acc.is_open], minlength=groups)
    books.open_by_group = tuple(int(x) for x in by_group)
    at_cap = subsidy.reached_cap(acc.subsidy_total, subsidy.cap_fen(policy))
    books.at_lifetime_cap = int(at_cap.sum())
    books.ever_opened = int(acc.ever_opened.sum())
