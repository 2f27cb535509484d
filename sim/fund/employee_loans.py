"""The employees' fund loans in monthly vintages on annuity schedules (F6).

One vintage a month of loans granted (plus the opening book, spread over
seasoned vintages): its principal in fen, its number of loans, the months
left and its rate. Each month a vintage pays its annuity's principal
(``payment − interest``, the whole balance in its last month), then a share
defaults (the national HPF overdue level: a few hundredths of a percent a
year, FACTS.md) and a share is prepaid (the prepayment rate, part of which
moves with housing turnover: sales repay loans). A default's principal is
recovered at ``recovery_rate`` × the house-price index (at most 1) and the
rest is a credit loss. Existing loans reprice to the rate in force each
1 January (FACTS.md rates). All amounts are rounded to fen per vintage, so
the book's balance is the exact sum of what it lent less what it was repaid,
recovered and lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LoansMonth:
    """One month of the employees' loans, in fen (counts in loans)."""

    interest: int
    scheduled: int
    prepaid: int
    defaulted: int
    recovered: int
    loss: int
    ended: float  # loans repaid in full or defaulted this month

    @property
    def principal(self) -> int:
        """Principal recovered from borrowers: scheduled and prepaid."""
        return self.scheduled + self.prepaid


def split_fen(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` fen split by ``weights``, largest remainders first; sums to ``total`` exactly."""
    w = np.asarray(weights, float)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(np.int64)
    rest = int(total - out.sum())
    out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out


class Vintages:
    """The employees' loan book (see the module docstring)."""

    def __init__(
        self, balance: int, count: float, remaining_months: int, rate: float, pieces: int = 20
    ) -> None:
        """An opening book of ``balance`` fen in ``pieces`` seasoned vintages whose remaining
        terms spread evenly around ``remaining_months`` (balances in proportion to the term
        left, as an annuity book's are)."""
        r = max(int(remaining_months), 1)
        spread = np.linspace(max(r // 5, 1), max(2 * r - r // 5, 1), pieces) if pieces > 1 else [r]
        left = np.unique(np.asarray(spread).astype(int))
        self.balance = split_fen(int(balance), left) if balance > 0 else np.zeros(len(left), int)
        self.count = float(count) * left / left.sum()
        self.remaining = left.astype(np.int64)
        self.rate = np.full(len(left), float(rate))
        self._fresh = False  # the last vintage is this month's: more loans join it
        self._due: tuple[np.ndarray, np.ndarray] | None = None  # _schedule, until a change

    @property
    def outstanding(self) -> int:
        """Principal outstanding, fen."""
        return int(self.balance.sum())

    @property
    def loans(self) -> float:
        """Loans outstanding."""
        return float(self.count.sum())

    def add(self, amount: int, count: float, term: int, rate: float) -> None:
        """A month's loans granted, as one new vintage (a month's tranches join one)."""
        self._due = None
        if self._fresh:
            self.balance[-1] += np.int64(amount)
            self.count[-1] += float(count)
            return
        self._fresh = True
        self.balance = np.append(self.balance, np.int64(amount))
        self.count = np.append(self.count, float(count))
        self.remaining = np.append(self.remaining, np.int64(term))
        self.rate = np.append(self.rate, float(rate))

    def add_all(self, tranches: list[tuple[int, float]], term: int, rate: float) -> None:
        """:meth:`add` of each ``(amount, count)`` in order, in one step: the same fen and the
        same float count (each added in turn, as ``add`` adds them)."""
        if not tranches:
            return
        if not self._fresh:
            self.add(*tranches[0], term, rate)
            tranches = tranches[1:]
        self._due = None
        balance, count = int(self.balance[-1]), float(self.count[-1])
        for amount, loans in tranches:
            balance += int(amount)
            count += float(loans)
        self.balance[-1], self.count[-1] = balance, count

    def reprice(self, rate: float) -> None:
        """Every loan to the rate in force (1 January, FACTS.md)."""
        self.rate[:] = rate
        self._due = None

    def scheduled(self) -> int:
        """This month's scheduled principal, fen (before defaults and prepayments)."""
        return int(self._schedule()[1].sum())

    def _schedule(self) -> tuple[np.ndarray, np.ndarray]:
        """This month's interest and scheduled principal by vintage (fen), computed once
        between changes to the book: the record's survival horizon reads it at month end and
        the next month's :meth:`step` (``add``, ``reprice`` and ``step`` forget it)."""
        if self._due is None:
            self._due = self._compute_schedule()
        return self._due

    def _compute_schedule(self) -> tuple[np.ndarray, np.ndarray]:
        # np.rint is np.round to 0 decimals (half to even) without its Python wrapper, and
        # minimum(maximum()) np.clip's result on integers, a third of its cost
        b, r, n = self.balance.astype(float), self.rate / 12, self.remaining.astype(float)
        br = b * r
        interest = np.rint(br).astype(np.int64)
        if (r > 0).all():  # every rate above 0 and every term ≥ 1 month: no 0 to divide by
            pay = br / (1 - (1 + r) ** -n)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                pay = np.where(r > 0, br / (1 - (1 + r) ** -n), b / n)
        principal = np.where(n <= 1, b, np.rint(pay - br)).astype(np.int64)
        return interest, np.minimum(np.maximum(principal, 0), self.balance)

    def step(self, *, prepay: float, default: float, recovery: float) -> LoansMonth:
        """One month: schedule, defaults, prepayments (monthly shares); ``recovery`` is the
        share of a default's principal recovered."""
        self._fresh = False
        interest, sched = self._schedule()
        self._due = None
        after = self.balance - sched
        gone = np.rint(after * default).astype(np.int64)
        early = np.rint((after - gone) * prepay).astype(np.int64)
        opening = self.balance
        self.balance = after - gone - early
        interest = np.rint(interest * (1 - default)).astype(np.int64)
        keep = np.where(opening > 0, self.balance / np.maximum(opening, 1), 0.0)
        ended = self.count * (1 - keep)
        self.count = self.count * keep
        self.remaining -= 1
        live = (self.remaining > 0) & (self.balance > 0)
        ended_total = float(ended.sum() + self.count[~live].sum())
        if not live.all():
            self.balance, self.count = self.balance[live], self.count[live]
            self.remaining, self.rate = self.remaining[live], self.rate[live]
        defaulted = int(gone.sum())
        recovered = round(defaulted * recovery)
        return LoansMonth(
            int(interest.sum()),
            int(sched.sum()),
            int(early.sum()),
            defaulted,
            recovered,
            defaulted - recovered,
            ended_total,
        )
