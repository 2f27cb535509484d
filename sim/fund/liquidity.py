"""The shared pool's cash, its loan queue (轮候) and its credit line (F5, F6).

Flexible and employee depositors share one pool of cash (B §3(5)22). Each
month money comes in (deposits, loan repayments, recoveries, interest on
cash) and goes out (withdrawals, costs, the distribution of value-added
income) through :meth:`Pool.receive` and :meth:`Pool.pay`. Withdrawals are
always paid: when cash would go below zero the **bank credit line** is drawn
for the difference (F6), and repaid first from later receipts. Loans are
never paid from the credit line.

**Loan applications** wait in one first-come queue, a ``simpy.Store``. The
desk (:func:`loan_desk`, a SimPy process) opens once a month after the cash
flows: it serves the queue in arrival order while the head application fits
what may be lent — cash above the floor (``liquidity.cash_floor_share`` of
the pool's deposits), nothing while the credit line is drawn, and no more
than keeps the pool's 个贷率 within ``liquidity.max_loan_to_deposit`` (F5). The
first application that does not fit stops the desk: later, smaller ones wait
their turn (strict 轮候). As repayments and deposits refill the pool, waiting
applications are served; their waiting time is recorded.

**Survival horizon**: the months the cash lasts with no new deposits — cash
minus committed loans (the queue), divided by the monthly net contractual
outflow (withdrawals at their average of the last 12 months, less scheduled
repayments), capped at :data:`SURVIVAL_CAP` months.

The pool's cash reconciles every month: closing = opening + receipts −
payments + credit drawn − credit repaid, to the fen.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import simpy

from sim.fund.books import BooksError
from sim.fund.policy import Policy
from sim.fund.pool_config import FundParams
from sim.months import format_month

SURVIVAL_CAP = 600.0


class PoolDoesNotBalance(BooksError):
    """The pool's cash moved by more or less than its recorded flows."""


@dataclass
class Application:
    """A loan application waiting at the desk."""

    amount: int  # fen
    arrival: int  # month index
    segment: str  # "flexible" or "employee"
    payload: Any = None  # what the granting callback needs (person, term, price, …)
    served: int | None = None  # month it was granted


@dataclass
class PoolMonth:
    """One month of the pool's cash, in fen."""

    month: int
    opening_cash: int
    receipts: dict[str, int] = field(default_factory=dict)
    payments: dict[str, int] = field(default_factory=dict)
    credit_drawn: int = 0
    credit_repaid: int = 0
    withdrawals: int = 0  # members' withdrawals among the payments (for the survival horizon)
    lent: dict[str, int] = field(default_factory=dict)
    served: list = field(default_factory=list)
    cancelled: list = field(default_factory=list)
    closing_cash: int = 0

    def reconcile(self, closing: int) -> None:
        """Raise unless closing = opening + receipts − payments − loans + drawn − repaid."""
        self.closing_cash = int(closing)
        expected = (
            self.opening_cash
            + sum(self.receipts.values())
            - sum(self.payments.values())
            - sum(self.lent.values())
            + self.credit_drawn
            - self.credit_repaid
        )
        if expected != self.closing_cash:
            raise PoolDoesNotBalance(
                f"{format_month(self.month)}: cash {self.closing_cash} fen, flows give "
                f"{expected} fen (difference {self.closing_cash - expected})"
            )


class Pool:
    """The shared pool: cash, credit line and loan queue (see the module docstring)."""

    def __init__(
        self,
        env: simpy.Environment,
        policy: Policy,
        fund: FundParams,
        *,
        cash: int,
        grant: Callable[[Application], None],
    ):
        self.env, self.policy, self.fund, self.grant = env, policy, fund, grant
        self.cash = int(cash)
        self.credit_line = 0
        self.credit_limit = round(fund.credit_line_limit * 100)
        self.queue = simpy.Store(env)
        self.deposits = 0  # pool deposit balance, set by observe()
        self.loans = 0  # pool loan balance, set by observe()
        self.month_books: PoolMonth | None = None
        self._withdrawals: deque[int] = deque(maxlen=12)

    # -------------------------------------------------------------- cash
    def begin_month(self, month: int) -> PoolMonth:
        """Open the month's cash book."""
        self.month_books = PoolMonth(month, self.cash)
        return self.month_books

    def receive(self, kind: str, amount: int) -> None:
        """Money in; repays any credit-line draw first (F6)."""
        books = self._books()
        amount = int(amount)
        books.receipts[kind] = books.receipts.get(kind, 0) + amount
        self.cash += amount
        repay = min(self.credit_line, self.cash)
        if repay > 0:
            self.credit_line -= repay
            self.cash -= repay
            books.credit_repaid += repay

    def pay(self, kind: str, amount: int, *, withdrawal: bool = False) -> None:
        """Money out; a shortfall is drawn on the credit line (F6)."""
        books = self._books()
        amount = int(amount)
        books.payments[kind] = books.payments.get(kind, 0) + amount
        if withdrawal:
            books.withdrawals += amount
        self.cash -= amount
        if self.cash < 0:
            books.credit_drawn += -self.cash
            self.credit_line += -self.cash
            self.cash = 0

    def end_month(self) -> PoolMonth:
        """Reconcile the month's cash book."""
        books = self._books()
        books.reconcile(self.cash)
        self._withdrawals.append(books.withdrawals)
        self.month_books = None
        return books

    # -------------------------------------------------------------- loans
    def observe(self, *, deposits: int, loans: int) -> None:
        """The pool's deposit and loan balances now (both segments), for the desk's limits."""
        self.deposits, self.loans = int(deposits), int(loans)

    def loan_to_deposit(self) -> float:
        """The pool's 个贷率 (loan balance ÷ deposit balance)."""
        return self.loans / self.deposits if self.deposits > 0 else float("inf")

    def lendable(self) -> int:
        """What the desk may lend now (F5): cash above the floor, within the 个贷率 limit."""
        if self.credit_line > 0:
            return 0
        floor = self.policy["liquidity.cash_floor_share"] * self.deposits
        by_ratio = self.policy["liquidity.max_loan_to_deposit"] * self.deposits - self.loans
        return max(0, int(min(self.cash - floor, by_ratio)))

    def submit(self, app: Application) -> None:
        """An application joins the back of the queue."""
        self.queue.put(app)

    def service(self) -> simpy.Process:
        """Open the desk for this month: a SimPy process that ends when it has served.

        Inside a SimPy process: ``yield pool.service()``. Outside one:
        ``env.run(until=pool.service())``.
        """
        return self.env.process(loan_desk(self))

    def queued(self) -> tuple[int, int]:
        """Applications waiting and their total amount, in fen."""
        return len(self.queue.items), sum(a.amount for a in self.queue.items)

    def oldest_wait(self, month: int) -> int:
        """Months the head of the queue has waited (0 if none waits)."""
        return month - self.queue.items[0].arrival if self.queue.items else 0

    # -------------------------------------------------------------- indicators
    def survival_months(self, scheduled_repayments: int) -> float:
        """Months the cash lasts with no new deposits (see the module docstring)."""
        _, committed = self.queued()
        done = list(self._withdrawals)
        if self.month_books is not None:
            done.append(self.month_books.withdrawals)
        outflow = sum(done) / max(len(done), 1)
        net = outflow - scheduled_repayments
        available = self.cash - committed
        if available <= 0:
            return 0.0
        if net <= 0:
            return SURVIVAL_CAP
        return min(available / net, SURVIVAL_CAP)

    def _books(self) -> PoolMonth:
        if self.month_books is None:
            raise RuntimeError("no pool month is open: call begin_month() first")
        return self.month_books


def loan_desk(pool: Pool):
    """One month of the desk, as a SimPy process: serve the queue first come, first served.

    ``pool.grant`` carries out each loan (the loan book, the ledger's S3
    flag) and returns False to cancel one whose applicant has gone; the pool's
    cash and loan balance move here.
    """
    books = pool._books()
    budget = pool.lendable()
    while pool.queue.items and pool.queue.items[0].amount <= budget:
        app = yield pool.queue.get()
        app.served = books.month
        if pool.grant(app) is False:
            books.cancelled.append(app)
            continue
        books.lent[app.segment] = books.lent.get(app.segment, 0) + app.amount
        books.served.append(app)
        pool.cash -= app.amount
        pool.loans += app.amount
        budget -= app.amount
