"""The loan book: every fund loan to a flexible depositor, month by month.

State is one row per loan (struct of arrays, money in fen). Each month
(:meth:`LoanBook.collect`):

1. the month's due is computed: interest = outstanding principal × rate ÷ 12,
   rounded to the fen; principal = installment − interest (equal
   installments, the closed-form annuity) or original ÷ term (equal
   principal); the last month takes whatever principal remains;
2. the borrower pays what their capacity allows (income share, plus a
   repayment withdrawal from their fund balance where the caller adds one,
   W1), overdue amounts first, interest before principal;
3. arrears are counted in instalments overdue: the overdue amount ÷ the
   equal instalment (equal principal: ÷ its first, largest, instalment),
   rounded up (:func:`instalments_overdue`; 0, 1, 2, 3+
   in the month's books). A borrower who misses one instalment and pays every
   later one in full stays one instalment behind and never defaults; a loan
   fully paid up returns to current;
4. a loan ``loan.default_after_months`` instalments overdue (the key keeps its
   name: with nothing paid, one instalment falls overdue a month) defaults: the collateral is
   sold at its value under the house-price index × ``loan.recovery_rate``;
   what it does not cover is written off against the loan risk reserve (F4).

Rates are those in force at disbursement (by home and term band, FACTS.md)
and reprice each 1 January to the rates then in force (:meth:`reprice`), the
installment recomputed over the remaining term. Interest is income when
received (cash basis): overdue interest never received is not income.

The book reconciles every month, to the fen: outstanding principal changes
by disbursements − principal repaid − prepaid − written off; else
:class:`LoanBookDoesNotBalance`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from sim.core.money import round_fen
from sim.core.months import format_month
from sim.fund.books import BooksError
from sim.fund.loan_limit import loan_rate
from sim.fund.policy import Policy
from sim.fund.requests import per_ask

ACTIVE, REPAID, DEFAULTED = 0, 1, 2
Due = tuple[np.ndarray, np.ndarray, np.ndarray]
"""A month's :meth:`LoanBook.due`: rows of active loans, interest due, principal due (fen)."""


class LoanBookDoesNotBalance(BooksError):
    """Outstanding principal moved by more or less than the month's flows."""


@dataclass
class LoanMonth:
    """One month of the loan book, in fen."""

    month: int
    opening_principal: int
    disbursed: int = 0
    disbursed_count: int = 0
    interest_due: int = 0
    interest_received: int = 0
    principal_repaid: int = 0
    prepaid: int = 0
    written_off: int = 0  # principal leaving the book on default
    recovered: int = 0  # cash from collateral (principal first, then overdue interest)
    recovered_interest: int = 0  # the part of it that covered overdue interest: income
    loss: int = 0  # principal not recovered: charged to the loan risk reserve
    defaults: int = 0
    repaid_in_full: list = field(default_factory=list)  # person indices whose loan ended
    defaulted: list = field(default_factory=list)  # person indices whose loan defaulted
    arrears: tuple = (0, 0, 0, 0)  # loans current, 1, 2, 3+ months overdue at month end
    closing_principal: int = 0

    @property
    def cash_in(self) -> int:
        """Cash the book brings in this month (repayments, prepayments, recoveries)."""
        return self.interest_received + self.principal_repaid + self.prepaid + self.recovered

    def reconcile(self, closing: int) -> None:
        """Raise unless closing = opening + disbursed − repaid − prepaid − written off."""
        self.closing_principal = int(closing)
        expected = (
            self.opening_principal
            + self.disbursed
            - self.principal_repaid
            - self.prepaid
            - self.written_off
        )
        if expected != self.closing_principal:
            raise LoanBookDoesNotBalance(
                f"{format_month(self.month)}: principal {self.closing_principal} fen, "
                f"flows give {expected} fen (difference {self.closing_principal - expected})"
            )


def annuity_installment(principal, annual_rate, months) -> np.ndarray:
    """The closed-form equal installment, rounded to the fen: P r (1+r)^n / ((1+r)^n − 1)."""
    p = np.asarray(principal, float)
    r = np.asarray(annual_rate, float) / 12.0
    n = np.asarray(months, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = p * r * (1 + r) ** n / ((1 + r) ** n - 1)
    return round_fen(np.where(r > 0, a, p / np.maximum(n, 1)))


def instalments_overdue(overdue_fen, instalment_fen) -> np.ndarray:
    """Arrears as instalments overdue (F4): the overdue amount ÷ the instalment, rounded up,
    so any shortfall counts; a remainder within 1% of a whole instalment does not count again
    (an equal-principal instalment shrinks a little each month)."""
    overdue = np.asarray(overdue_fen, np.int64)
    ratio = overdue / np.maximum(np.asarray(instalment_fen, np.int64), 1)
    count = np.ceil(ratio - 0.01).astype(np.int64)
    return np.where(overdue > 0, np.maximum(count, 1), 0).astype(np.int16)


def split_payment(owed, income_capacity, balance, *, from_balance: bool):
    """How a borrower meets what is owed: income first, then (optionally) the fund balance.

    Returns ``(from_income, from_balance)`` in fen. The second is a repayment
    withdrawal (W1) the caller asks the ledger for, with ``owed`` as its limit.
    """
    owed = np.asarray(owed, np.int64)
    income = np.minimum(np.maximum(np.asarray(income_capacity, np.int64), 0), owed)
    if not from_balance:
        return income, np.zeros_like(income)
    return income, np.minimum(owed - income, np.maximum(np.asarray(balance, np.int64), 0))


class LoanBook:
    """All fund loans of one path; see the module docstring."""

    _FIELDS: ClassVar[dict[str, type]] = {
        "person": np.int64, "original": np.int64, "principal": np.int64, "rate": np.float64,
        "months_left": np.int32, "term": np.int32, "installment": np.int64,
        "equal_principal": bool, "overdue_interest": np.int64, "overdue_principal": np.int64,
        "arrears": np.int16, "status": np.int8, "first_home": bool, "collateral": np.int64,
        "hpi_at_start": np.float64, "disbursed_month": np.int32,
        "written_off": np.int64, "loss": np.int64,
    }  # fmt: skip

    def __init__(self, policy: Policy, capacity: int = 1024):
        self.policy = policy
        self.n = 0
        for name, dtype in self._FIELDS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))
        self.month_books: LoanMonth | None = None
        self._active: tuple | None = None  # (changes, n), status array, active rows
        self._owed: tuple | None = None  # due, (changes, n), what amount_due returned
        self.changes = 0  # counts the methods that changed the book (a due computed is kept
        # while it stands still: :class:`sim.fund.fund.Fund` reuses month end's for the next)

    # -------------------------------------------------------------- new loans
    def disburse(
        self, month: int, person, amount_fen, term_months, first_home, collateral_fen, hpi: float
    ) -> np.ndarray:
        """Add loans; return their row indices. Rates are those in force this month."""
        books = self._books(month)  # opens the month before the book grows
        person = np.atleast_1d(np.asarray(person, np.int64))
        k = len(person)
        self._grow(self.n + k)
        rows = np.arange(self.n, self.n + k)
        amount = per_ask(np.asarray(amount_fen, np.int64), (k,))
        term = per_ask(np.asarray(term_months, np.int32), (k,))
        first = per_ask(np.asarray(first_home, bool), (k,))
        rate = loan_rate(self.policy, month, first, term)
        self.person[rows], self.original[rows], self.principal[rows] = person, amount, amount
        self.rate[rows], self.months_left[rows], self.term[rows] = rate, term, term
        self.equal_principal[rows] = self.policy["loan.schedule"] == "equal_principal"
        self.installment[rows] = annuity_installment(amount, rate, term)
        self.overdue_interest[rows] = self.overdue_principal[rows] = 0
        self.arrears[rows], self.status[rows], self.first_home[rows] = 0, ACTIVE, first
        self.collateral[rows] = per_ask(np.asarray(collateral_fen, np.int64), (k,))
        self.hpi_at_start[rows], self.disbursed_month[rows] = hpi, month
        self.n += k
        self.changes += 1
        books.disbursed += int(amount.sum())
        books.disbursed_count += k
        return rows

    def reprice(self, month: int) -> None:
        """Each 1 January: every active loan takes the rate now in force (FACTS.md)."""
        self.changes += 1
        a = self.active()
        self.rate[a] = loan_rate(self.policy, month, self.first_home[a], self.term[a])
        left = np.maximum(self.months_left[a], 1)
        self.installment[a] = annuity_installment(self.principal[a], self.rate[a], left)

    # -------------------------------------------------------------- the month
    def due(self) -> Due:
        """Rows of active loans, and this month's interest and principal due on them."""
        a = self.active()
        principal = self.principal[a] - self.overdue_principal[a]
        interest = round_fen(self.principal[a] * (self.rate[a] / 12.0))
        scheduled = np.where(
            self.equal_principal[a],
            self.original[a] // np.maximum(self.term[a], 1),
            self.installment[a] - interest,
        )
        last = self.months_left[a] <= 1
        principal_due = np.minimum(np.maximum(np.where(last, principal, scheduled), 0), principal)
        return a, interest, principal_due

    def amount_due(self, due: Due | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Rows of active loans and everything owed this month (overdue included); ``due`` is
        this month's :meth:`due` if the caller has it (the book unchanged since)."""
        if due is None:
            due = self.due()
        kept = self._owed  # the view, the repayments and the record ask for the same month's
        if kept is not None and kept[0] is due and kept[1] == (self.changes, self.n):
            return kept[2]
        a, interest, principal = due
        owed = interest + principal + self.overdue_interest[a] + self.overdue_principal[a]
        owed.flags.writeable = False
        self._owed = (due, (self.changes, self.n), (a, owed))
        return a, owed

    def collect(
        self, month: int, paid_fen: np.ndarray, hpi: float, *, due: Due | None = None
    ) -> LoanMonth:
        """Apply this month's payments (aligned with :meth:`amount_due`'s rows), then
        arrears, defaults and the month's reconciliation. ``hpi`` is the house-price index;
        ``due`` this month's :meth:`due` if the caller has it (the book unchanged since)."""
        a, interest, principal_due = self.due() if due is None else due
        if self.month_books is None:  # the month opens with the book ``due`` was taken from
            self.month_books = LoanMonth(month, int(self.principal[a].sum()))
        books = self.month_books
        self.changes += 1
        books.interest_due += int(interest.sum())
        # interest first (overdue, then current), then principal (overdue, then current)
        owed_interest = self.overdue_interest[a] + interest
        owed_principal = self.overdue_principal[a] + principal_due
        pay = np.minimum(np.asarray(paid_fen, np.int64), owed_interest + owed_principal)
        to_interest = np.minimum(pay, owed_interest)
        to_principal = pay - to_interest
        self.overdue_interest[a] = owed_interest - to_interest
        self.overdue_principal[a] = owed_principal - to_principal
        self.principal[a] -= to_principal
        books.interest_received += int(to_interest.sum())
        books.principal_repaid += int(to_principal.sum())
        self.months_left[a] = np.maximum(self.months_left[a] - 1, 0)
        self.arrears[a] = self._arrears(a)
        self._finish(a, books)
        self._defaults(hpi, books)
        return books

    def prepay(self, month: int, rows: np.ndarray, amount_fen: np.ndarray) -> np.ndarray:
        """Prepay principal (cut to what is outstanding beyond overdue); return what was taken.

        The installment is recomputed over the remaining term.
        """
        books = self._books(month)
        self.changes += 1
        rows = np.asarray(rows, np.int64)
        ok = self.status[rows] == ACTIVE
        room = self.principal[rows] - self.overdue_principal[rows]
        take = np.where(ok, np.clip(np.asarray(amount_fen, np.int64), 0, room), 0)
        self.principal[rows] -= take
        left = np.maximum(self.months_left[rows], 1)
        self.installment[rows] = annuity_installment(self.principal[rows], self.rate[rows], left)
        books.prepaid += int(take.sum())
        self._finish(rows[ok], books)
        return take

    def close_month(self) -> LoanMonth:
        """Reconcile the month's books and start the next."""
        books = self._books(None)
        a = self.active()
        counts = np.bincount(np.minimum(self.arrears[a], 3), minlength=4)
        books.arrears = tuple(int(c) for c in counts)
        books.reconcile(int(self.principal[a].sum()))  # what is outstanding
        self.month_books = None
        return books

    # -------------------------------------------------------------- views
    def active(self) -> np.ndarray:
        """Row indices of loans still being repaid (read-only: kept while the book's methods
        have not changed it, some six calls a month)."""
        key = (self.changes, self.n, self.status)
        kept = self._active
        if kept is None or kept[0] != key[:2] or kept[1] is not key[2]:
            rows = np.flatnonzero(self.status[: self.n] == ACTIVE)
            rows.flags.writeable = False
            self._active = kept = (key[:2], key[2], rows)
        return kept[2]

    def outstanding(self) -> int:
        """Principal outstanding on all active loans, in fen."""
        return int(self.principal[self.active()].sum())

    def nbytes(self) -> int:
        """Memory held by the book's arrays."""
        return sum(getattr(self, f).nbytes for f in self._FIELDS)

    # -------------------------------------------------------------- internals
    def _arrears(self, rows: np.ndarray) -> np.ndarray:
        """Instalments overdue on ``rows``: the overdue amount ÷ the equal instalment; for
        equal principal, whose instalment shrinks, ÷ its first (largest) instalment at
        today's rate, so an instalment missed long ago still counts once."""
        overdue = self.overdue_interest[rows] + self.overdue_principal[rows]
        if not overdue.any():  # everyone paid up (most months): no instalment to divide by
            return np.zeros(len(rows), np.int16)
        equal_principal = self.equal_principal[rows]
        if not equal_principal.any():
            return instalments_overdue(overdue, self.installment[rows])
        first = self.original[rows] // np.maximum(self.term[rows], 1) + round_fen(
            self.original[rows] * (self.rate[rows] / 12.0)
        )
        unit = np.where(equal_principal, first, self.installment[rows])
        return instalments_overdue(overdue, unit)

    def _finish(self, rows: np.ndarray, books: LoanMonth) -> None:
        done = rows[
            (self.principal[rows] == 0)
            & (self.overdue_interest[rows] == 0)
            & (self.status[rows] == ACTIVE)
        ]
        self.status[done] = REPAID
        self.changes += 1
        books.repaid_in_full.extend(self.person[done].tolist())

    def _defaults(self, hpi: float, books: LoanMonth) -> None:
        a = self.active()
        bad = a[self.arrears[a] >= self.policy["loan.default_after_months"]]
        if not len(bad):
            return
        principal = self.principal[bad]
        exposure = principal + self.overdue_interest[bad]
        value = self.collateral[bad] * (hpi / self.hpi_at_start[bad])
        recovered = np.minimum(
            np.floor(value * self.policy["loan.recovery_rate"]).astype(np.int64), exposure
        )
        books.written_off += int(principal.sum())
        books.recovered += int(recovered.sum())
        books.recovered_interest += int(np.maximum(recovered - principal, 0).sum())
        books.loss += int(np.maximum(principal - recovered, 0).sum())
        books.defaults += len(bad)
        books.defaulted.extend(self.person[bad].tolist())
        self.written_off[bad] = principal  # kept per loan, for losses by vintage
        self.loss[bad] = np.maximum(principal - recovered, 0)
        self.principal[bad] = 0
        self.overdue_interest[bad] = self.overdue_principal[bad] = 0
        self.status[bad] = DEFAULTED
        self.changes += 1

    def _books(self, month: int | None) -> LoanMonth:
        if self.month_books is None:
            if month is None:
                raise RuntimeError("no loan-book month is open")
            self.month_books = LoanMonth(month, self.outstanding())
        return self.month_books

    def _grow(self, need: int) -> None:
        cap = len(self.person)
        if need <= cap:
            return
        new = max(need, 2 * cap)
        for name in self._FIELDS:
            old = getattr(self, name)
            arr = np.zeros(new, dtype=old.dtype)
            arr[:cap] = old
            setattr(self, name, arr)
