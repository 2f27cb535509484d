"""Month end in one pass over the accounts (F1, S1, S2, S5), for ``lifo`` ageing.

What the ledger's month end does to each account depends on that account
alone, so it runs as one parallel loop that reads every account's state once.
The loop holds no rule of its own: it inlines the rules' scalar functions, the
same ones the step-by-step month end (:mod:`sim.fund.month_end_steps`) loops
over, so the two cannot drift apart:

1. interest accrues on the opening balance (F1; :func:`sim.fund.interest.accrue`);
2. under ``monthly_average`` the holding subsidy accrues on the aged part of
   the open month (S1-ii; :func:`sim.fund.subsidy.accrue`), at the rate
   :func:`~sim.fund.subsidy.subsidy_rate` (X1), on the accounts
   :func:`~sim.fund.subsidy.eligible_at` admits (S1, S3, S4, X2);
3. in the settlement month, interest is credited (:func:`sim.core.money.fen_of`),
   then the year's subsidy, rounded to the fen once and cut to the lifetime
   cap (S2, S4, S5; :func:`sim.fund.subsidy.settle_capped`);
4. the month-end balance is written to the ageing ring, and the smallest of
   the ring's month-ends is kept: it is the aged part of the *next* month
   (S1-i, ``lifo``: see :mod:`sim.fund.ageing`), so the engine's mid-month
   read costs nothing. It is updated from this month's smallest and the
   month-end leaving the window; only an account whose smallest month-end
   leaves while its balance grows has its ring read again (a sliding minimum);
5. the balances' total (for the reconciliation) and the lowest balance;
6. the counts the monthly record reads: open accounts by reporting group
   (the cohort), accounts whose subsidies reached the lifetime cap after the
   month's credit (S2, :func:`~sim.fund.subsidy.reached_cap`), and accounts
   ever opened — so the record needs no pass of its own over the accounts.

A person who never opened an account holds nothing (the ledger credits only
open accounts), so the pass reads no more of them than that flag and their
balance, which still goes into the total the books are checked against: most
of a population never joins. The ring keeps each member's month-ends side by
side in a row of their own (:mod:`sim.fund.ring`: ``Accounts.slot`` into a
table of rows for accounts ever opened), kept in the people's order by the
ledger after a month end (:func:`sim.fund.ring.keep_in_order`), so the pass
reads the rows in sequence as it walks the people instead of missing the
cache for nearly every member; a batch's kernel reads row ``offset + slot``,
the path's offset from the chunk plan. The month's highest balance is
returned with the lowest, so the ledger can refuse one the int32 ring cannot
hold (:data:`sim.fund.ring.MAX_FEN`).

The results equal those of the separate steps to the fen. The float totals
(the month's interest accrual and the interest payable) are summed in fixed
chunks of people, added in chunk order, exactly as
:func:`sim.fund.interest.accrue_interest` sums them, so they do not depend on
the number of threads; the counts are integers summed chunk by chunk, exact
whatever the threads. ``fifo`` ageing and the ``settlement_snapshot``
settlement keep the step-by-step path in :mod:`sim.fund.ledger`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np

from sim.core.chunks import chunk_plan, rows_per_path
from sim.core.money import fen_of
from sim.fund import interest, subsidy
from sim.fund.accounts import Accounts
from sim.fund.policy import Policy
from sim.fund.ring import MAX_FEN

_MAX_FEN = np.int64(MAX_FEN)


class Rows(NamedTuple):
    """Each account's state the one-pass month end reads, and writes where noted (the arrays
    of :class:`~sim.fund.accounts.Accounts`, not copies; a batch's, laid end to end)."""

    balance: np.ndarray  # int64 fen (written at settlement)
    ring: np.ndarray  # int32 fen [rows, H+1]: month-ends (written)
    slot: np.ndarray  # int32: each account's ring row within its path (-1: never opened)
    interest_accrued: np.ndarray  # float64 fen (written)
    subsidy_accrued: np.ndarray  # float64 fen (written)
    subsidy_total: np.ndarray  # int32 fen paid so far, against the cap S2 (written)
    is_open: np.ndarray  # bool
    forfeited: np.ndarray  # bool: no subsidy after an exit (S4)
    loan_disbursed: np.ndarray  # bool: subsidy stops at a loan (S3)
    ever_opened: np.ndarray  # bool
    clean_since: np.ndarray  # int32: first month with no partial withdrawal since (X2)
    group: np.ndarray  # int8 reporting group (F7)
    aged: np.ndarray  # int32 fen: the open month's aged part (S1-i)


class Terms(NamedTuple):
    """The month's terms of the one-pass month end (:func:`terms_read` says which policy keys)."""

    groups: int  # reporting groups
    column: int  # the ring's column of this month-end
    month: int
    interest_rate: float  # a month's interest on the opening balance (F1)
    subsidy_rate: float  # a month's holding subsidy on the aged part (S1, S5, X1)
    accrue_subsidy: bool  # monthly_average accrual (S1-ii)
    stops_at_loan: bool  # S3
    settle: bool  # June: interest and subsidy credited (F1)
    cap: int  # the lifetime cap in fen (S2)
    clean_months: int  # X2: months with no partial withdrawal before the subsidy accrues


@dataclass(frozen=True)
class MonthEnd:
    """What one month end returns: fen totals and the next month's aged part."""

    interest_accrued: float  # this month's accrual over all accounts, float fen (F1)
    interest_payable: float  # accrued and not credited, after the accrual, float fen
    interest_credited: int  # credited at settlement (0 otherwise)
    subsidy_credited: int  # paid at settlement within the cap (0 otherwise)
    closing_total: int  # all balances after the month end
    lowest_balance: int  # the smallest balance (0 when there are no accounts)
    highest_balance: int  # the largest balance (0 when there are no accounts)
    next_aged: np.ndarray  # aged part of every account for the next month (S1-i lifo),
    # written over the open month's in place
    open_by_group: tuple[int, ...] = ()  # open accounts at month end, by reporting group
    at_lifetime_cap: int = 0  # accounts with subsidy_total >= the lifetime cap (S2)
    ever_opened: int = 0  # accounts ever opened


def terms_read(policy: Policy, month: int) -> tuple:
    """The policy terms the one-pass month end reads in ``month``: paths whose terms differ
    cannot share one kernel call (:mod:`sim.engine.batch`)."""
    rates = (
        policy.at("interest.deposit_rate", month),
        policy.at("subsidy.holding_rate", month),
        policy.at("subsidy.interest_share", month),
    )
    keys = (
        "subsidy.lifetime_cap",
        "subsidy.stops_at_loan",
        "subsidy.accrual",
        "interest.settlement_month",
        "subsidy.ageing",
        "subsidy.clean_months",
    )
    return (month, *rates, *(policy[k] for k in keys))


def close_month(
    acc: Accounts,
    policy: Policy,
    month: int,
    aged: np.ndarray,
    *,
    settle: bool,
    group: np.ndarray | None = None,
    groups: int = 1,
) -> MonthEnd:
    """Run the month end of ``month`` for every account in one pass; see the module doc.

    ``aged`` is the open month's aged part (:meth:`Ledger.aged`): the smallest
    month-end in each account's window, which the next month's is updated
    from, and, under ``monthly_average``, what the subsidy accrues on.
    ``settle`` credits interest and the year's ``monthly_average`` subsidy.
    ``group`` gives every account's reporting group, ``0 … groups - 1``
    (checked by :meth:`Ledger.set_groups`); by default all accounts are in
    group 0.
    """
    ends, _ = close_months(
        acc, policy, month, aged, paths=1, settle=settle, group=group, groups=groups
    )
    return ends[0]


def close_months(
    acc: Accounts,
    policy: Policy,
    month: int,
    aged: np.ndarray,
    *,
    paths: int,
    settle: bool,
    group: np.ndarray | None = None,
    groups: int = 1,
) -> tuple[list[MonthEnd], np.ndarray]:
    """:func:`close_month` for ``paths`` ledgers laid end to end in ``acc`` (the rows of path
    ``p`` are ``p * n … (p + 1) * n - 1``), in one pass; one :class:`MonthEnd` per path,
    each equal to the fen and the last bit to that path's own month end
    (:mod:`sim.core.chunks`), and every path's next aged part, written over ``aged`` in place
    (each ``MonthEnd.next_aged`` is a view of its rows). Every path must be under the
    same ``policy``.
    """
    monthly_average = policy["subsidy.accrual"] == "monthly_average"
    if settle and not monthly_average:
        raise ValueError("a settlement_snapshot settlement takes the step-by-step path")
    if len(aged) != acc.n:
        raise ValueError(f"aged part for {len(aged)} accounts, the ledger has {acc.n}")
    if group is None:
        group, groups = np.zeros(acc.n, np.int8), 1
    cap = subsidy.cap_fen(policy)
    n = rows_per_path(acc.n, paths)
    plan = chunk_plan(n, paths)
    rows = Rows(balance=acc.balance, ring=acc.rings.rows, slot=acc.slot,
                interest_accrued=acc.interest_accrued, subsidy_accrued=acc.subsidy_accrued,
                subsidy_total=acc.subsidy_total, is_open=acc.is_open, forfeited=acc.forfeited,
                loan_disbursed=acc.loan_disbursed, ever_opened=acc.ever_opened,
                clean_since=acc.clean_since, group=group, aged=aged)  # fmt: skip
    terms = Terms(groups=groups, column=month % acc.rings.slots, month=month,
                  interest_rate=interest.monthly_rate(policy, month),
                  subsidy_rate=subsidy.monthly_rate(policy, month),
                  accrue_subsidy=monthly_average,
                  stops_at_loan=bool(policy["subsidy.stops_at_loan"]), settle=settle, cap=cap,
                  clean_months=policy["subsidy.clean_months"])  # fmt: skip
    floats, ints, counts, next_aged = _close(plan, rows, terms)
    # the plan is path by path, a path's chunks together: per-path totals in one numpy
    # call each; the floats added chunk by chunk in order from 0.0, as add_in_order does
    per = len(plan) // paths
    ints = ints.reshape(paths, per, ints.shape[1])
    sums, counts = (
        ints.sum(axis=1).tolist(),
        counts.reshape(paths, per, groups + 2).sum(axis=1).tolist(),
    )
    lows, highs = ints[:, :, 3].min(axis=1, initial=0), ints[:, :, 4].max(axis=1, initial=0)
    start = np.zeros((paths, 1, 2))
    floats = np.cumsum(np.concatenate([start, floats.reshape(paths, per, 2)], axis=1), axis=1)[
        :, -1
    ].tolist()
    ends = []
    for p in range(paths):
        totals, count = sums[p], counts[p]
        ends.append(
            MonthEnd(
                interest_accrued=floats[p][0],
                interest_payable=floats[p][1],
                interest_credited=totals[0],
                subsidy_credited=totals[1],
                closing_total=totals[2],
                lowest_balance=min(0, int(lows[p])),
                highest_balance=max(0, int(highs[p])),
                next_aged=next_aged[p * n : (p + 1) * n],
                open_by_group=tuple(count[:groups]),
                at_lifetime_cap=count[groups],
                ever_opened=count[groups + 1],
            )
        )
    return ends, next_aged


@numba.njit(inline="always")
def _window_min(ring, r, smallest, leaving, entering):
    """The smallest month-end in row ``r``'s window after ``entering`` replaced ``leaving``.

    ``smallest`` is the window's minimum before the swap. Unless the month-end
    leaving was that minimum and the one entering is larger, the new minimum
    follows from the two without reading the ring: a balance that stays put
    or falls costs no pass over the 13 month-ends, only a growing one does.
    """
    if leaving > smallest:
        return min(smallest, entering)
    if entering <= smallest:
        return entering
    m = entering
    for k in range(ring.shape[1]):
        m = min(m, np.int64(ring[r, k]))
    return m


@numba.njit(parallel=True, cache=True)
def _close(plan, rows, terms):
    """The fused loop over the chunks of ``plan`` (:func:`sim.core.chunks.chunk_plan`), one
    pass over each chunk's people; per chunk: (accrual, payable) floats, (interest, subsidy,
    total, low, high) and counts (open accounts of each group, accounts at the cap, accounts
    ever opened). An account's ring row is ``offset + slot[i]``; a month-end above the int32
    range is not written (the ledger refuses the month on ``high``). Under X2 no subsidy
    accrues until ``clean_months`` have passed since ``clean_since``."""
    # numba drops writes made through a named tuple's field inside a prange (numba#5872):
    # every array is taken out of its record first, one per line
    balance = rows.balance
    ring = rows.ring
    slot = rows.slot
    interest_accrued = rows.interest_accrued
    subsidy_accrued = rows.subsidy_accrued
    subsidy_total = rows.subsidy_total
    is_open = rows.is_open
    forfeited = rows.forfeited
    loan_disbursed = rows.loan_disbursed
    ever_opened = rows.ever_opened
    clean_since = rows.clean_since
    group = rows.group
    aged = rows.aged
    groups = terms.groups
    column = terms.column
    interest_rate = terms.interest_rate
    subsidy_rate = terms.subsidy_rate
    accrue_subsidy = terms.accrue_subsidy
    stops_at_loan = terms.stops_at_loan
    settle = terms.settle
    cap = terms.cap
    month = terms.month
    clean_months = terms.clean_months
    slots = ring.shape[1]
    opening_slot = (column + slots - 1) % slots
    chunks = len(plan)
    floats = np.zeros((chunks, 2), np.float64)
    ints = np.zeros((chunks, 5), np.int64)
    counts = np.zeros((chunks, groups + 2), np.int64)
    next_aged = aged  # in place: row i's aged part is read before it is written
    for c in numba.prange(chunks):
        lo, hi, offset = np.uint64(plan[c, 1]), np.uint64(plan[c, 2]), plan[c, 3]
        accrual = 0.0
        payable = 0.0
        credited = 0
        paid = 0
        at_cap = 0
        ever = 0
        total = 0
        low = 0
        high = 0
        for i in range(lo, hi):
            b = balance[i]
            if not ever_opened[i]:  # holds nothing; its balance still counts in the books
                total += b
                low = min(low, b)
                high = max(high, b)
                next_aged[i] = 0
                at_cap += subsidy.reached_cap(0, cap)  # nothing paid to a never-opened row
                continue
            ia = interest_accrued[i]
            r = offset + slot[i]
            if is_open[i]:
                counts[c, group[i]] += 1
                ia, x = interest.accrue(ia, np.int64(ring[r, opening_slot]), interest_rate)
                accrual += x
                payable += ia
            sa = subsidy_accrued[i]
            if accrue_subsidy and subsidy.eligible_at(
                is_open[i], forfeited[i], loan_disbursed[i], clean_since[i], month,
                stops_at_loan, clean_months,
            ):  # fmt: skip
                sa = subsidy.accrue(sa, aged[i], subsidy_rate)
            if settle:
                amount = fen_of(ia)
                ia = 0.0
                due = subsidy.settle_capped(sa, forfeited[i], subsidy_total[i], cap)
                sa = 0.0
                subsidy_total[i] += due
                b += amount + due
                balance[i] = b
                credited += amount
                paid += due
            interest_accrued[i] = ia
            subsidy_accrued[i] = sa
            leaving = np.int64(ring[r, column])
            if b <= _MAX_FEN:
                ring[r, column] = b
            next_aged[i] = _window_min(ring, r, aged[i], leaving, b)
            total += b
            low = min(low, b)
            high = max(high, b)
            at_cap += subsidy.reached_cap(subsidy_total[i], cap)
            ever += 1
        floats[c, 0] = accrual
        floats[c, 1] = payable
        ints[c, 0] = credited
        ints[c, 1] = paid
        ints[c, 2] = total
        ints[c, 3] = low
        ints[c, 4] = high
        counts[c, groups] = at_cap
        counts[c, groups + 1] = ever
    return floats, ints, counts, next_aged
