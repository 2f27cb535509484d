"""The shared pool's cash, its loan queue (轮候) and its credit line (F5, F6).

Flexible and employee depositors share one pool of cash (B §3(5)22). Each
month money comes in (:meth:`Pool.receive`) and goes out (:meth:`Pool.pay`),
each flow under a fixed name (:data:`CASH_IN`, :data:`CASH_OUT`), so that the
month's cash book — and the ``cash_in.*`` / ``cash_out.*`` columns of the
results — say where every fen came from and went.

**The credit line** (F6) pays what cash cannot, up to its limit
(``fund.credit_line_limit``); a payment beyond cash and the line's room is
not made: a withdrawal waits as an **unmet withdrawal** (a debt to the members
or employees who asked), the fund's own bill (costs, credit-line interest) as an
**unpaid cost** — both liabilities of the pool — and cash never goes negative.
Receipts pay waiting withdrawals first, then unpaid costs, then repay the line.
Loans are never paid from the credit line, and the desk lends nothing while
anything is owed.

**Loan applications** wait in one first-come queue (:class:`Queue`). The
desk (:func:`loan_desk`, a SimPy process) opens once a month after the cash
flows: it serves the queue in arrival order while the head application fits
what may be lent — cash above the floor (``liquidity.cash_floor_share`` of
the pool's deposits), nothing while the credit line is drawn or withdrawals
wait, and no more than keeps the pool's 个贷率 within
``liquidity.max_loan_to_deposit`` (F5). The first application that does not
fit stops the desk: later, smaller ones wait their turn (strict 轮候). From
the centre's line ``liquidity.flexible_cap_level`` on, flexible workers'
applications also wait while their segment's loans would pass
``liquidity.flexible_cap_ratio`` × its deposits (F5: A §3(6)1 sets what they
may borrow from their own deposits, withdrawals and loans).

**Survival horizon** (:meth:`Pool.survival_months`): the months the cash in hand lasts with no
new deposits and no new lending — cash divided by the projected monthly net outflow (withdrawals
asked, at their average of the last 12 months, less scheduled loan repayments), capped at
:data:`SURVIVAL_CAP` months. It is zero only when the cash is gone. Two figures sit beside it and
are never folded into it: the horizon counting the undrawn credit line as well
(:meth:`Pool.survival_months_with_line`: cash plus the line's room), and the loan applications
waiting in the queue (their count and amount): a queued application is a request the desk may
still refuse (F5: it lends only cash above the floor, and nothing while anything is owed), not a
payment the pool owes, so subtracting it would read the queue as an outflow.
The anchor is the survival horizon of bank liquidity stress tests: the Basel III LCR (BCBS 238,
2013) asks that liquid assets cover 30 days of stressed net outflows, and supervisors' survival
horizons (e.g. the ECB's 2019 liquidity stress test, ``days until the counterbalancing capacity
is used up''; Hong Kong's and China's 生存期 measures) count the cash and the committed lines
separately, with outflows net of contractual inflows — as here, in months.

The cash book's own sum (closing = opening + in − out) is a consistency check
of this class; the check that can catch money made or lost elsewhere is the
pool's balance sheet (:mod:`sim.fund.balance_sheet`), built from balances.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import simpy

from sim.core.money import round_yuan_to_fen
from sim.core.months import format_month
from sim.fund.books import BooksError
from sim.fund.loan_limit import rationing_level
from sim.fund.policy import Policy
from sim.fund.pool_config import FundParams
from sim.fund.withdrawals import Kind

SURVIVAL_CAP = 600.0

CASH_IN = (
    "deposits", "transfers_in", "repayments", "recoveries", "employee_deposits",
    "employee_repayments", "employee_recoveries", "bank_interest", "credit_line",
)  # fmt: skip
"""Every kind of cash coming into the pool (``credit_line``: drawn on the bank line)."""
CASH_OUT = (
    *(f"withdrawals.{k}" for k in Kind),
    "employee_withdrawals", "unmet_withdrawals_paid", "unpaid_costs_paid", "loans.flexible",
    "loans.employee",
    "management_costs", "credit_line_interest", "value_added_distribution", "credit_line",
)  # fmt: skip
"""Every kind of cash leaving the pool. ``withdrawals.repayment`` is only what is paid out
to repay a loan elsewhere (a commercial mortgage, W1): a repayment withdrawal toward a fund
loan moves money inside the fund, from the member's balance to the loan (no cash moves)."""
WITHDRAWALS = frozenset(
    {*(k for k in CASH_OUT if k.startswith("withdrawals.")), "employee_withdrawals"}
)


class PoolDoesNotBalance(BooksError):
    """The pool's cash, or its balance sheet, does not add up."""


@dataclass
class Application:
    """A loan application waiting at the desk."""

    amount: int  # fen
    arrival: int  # month index
    segment: str  # "flexible" or "employee"
    payload: Any = None  # what the granting callback needs (person, term, price, …)
    served: int | None = None  # month it was granted


class Queue:
    """The first-come line of loan applications (轮候, F5): ``items`` in arrival order.

    A plain line, not a ``simpy.Store``: joining it and being served are not
    clock events of their own — the desk's month is one (:func:`loan_desk`) —
    so a month of twenty employee tranches costs one event, not forty.
    """

    def __init__(self) -> None:
        self.items: deque[Application] = deque()


@dataclass
class PoolMonth:
    """One month of the pool's cash, in fen: ``cash_in`` and ``cash_out`` by kind."""

    month: int
    opening_cash: int
    cash_in: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CASH_IN, 0))
    cash_out: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CASH_OUT, 0))
    asked: int = 0  # withdrawals asked for (paid or not), for the survival horizon
    unmet: int = 0  # withdrawals asked for this month that could not be paid
    served: list = field(default_factory=list)
    cancelled: list = field(default_factory=list)
    closing_cash: int = 0

    @property
    def credit_drawn(self) -> int:
        """Drawn on the credit line this month."""
        return self.cash_in["credit_line"]

    def reconcile(self, closing: int) -> None:
        """Raise unless closing = opening + Σ cash in − Σ cash out."""
        self.closing_cash = int(closing)
        expected = self.opening_cash + sum(self.cash_in.values()) - sum(self.cash_out.values())
        if expected != self.closing_cash or self.closing_cash < 0:
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
        credit_line: int = 0,
    ):
        self.env, self.policy, self.fund, self.grant = env, policy, fund, grant
        self.cash = int(cash)
        self.credit_line = int(credit_line)
        self.credit_limit = round_yuan_to_fen(fund.credit_line_limit)
        self.unmet_withdrawals = 0  # fen owed to people whose withdrawal waits for cash
        self.unpaid_costs = 0  # fen of the fund's own bills waiting for cash
        self.queue = Queue()
        self.deposits = 0  # pool deposit balance, set by observe()
        self.loans = 0  # pool loan balance, set by observe()
        self.flexible = (0, 0)  # the flexible segment's deposits and loans, set by observe()
        self.month_books: PoolMonth | None = None
        self._withdrawals: deque[int] = deque(maxlen=12)

    # -------------------------------------------------------------- cash
    def begin_month(self, month: int) -> PoolMonth:
        """Open the month's cash book."""
        self.month_books = PoolMonth(month, self.cash)
        return self.month_books

    def receive(self, kind: str, amount: int) -> None:
        """Money in; pays waiting withdrawals first, then repays the credit line (F6)."""
        books = self._books()
        if kind not in CASH_IN or kind == "credit_line":
            raise ValueError(f"unknown cash-in kind {kind!r}")
        amount = int(amount)
        books.cash_in[kind] += amount
        self.cash += amount
        backlog = min(self.unmet_withdrawals, self.cash)
        if backlog > 0:
            self.unmet_withdrawals -= backlog
            self.cash -= backlog
            books.cash_out["unmet_withdrawals_paid"] += backlog
        bills = min(self.unpaid_costs, self.cash)
        if bills > 0:
            self.unpaid_costs -= bills
            self.cash -= bills
            books.cash_out["unpaid_costs_paid"] += bills
        repay = min(self.credit_line, self.cash)
        if repay > 0:
            self.credit_line -= repay
            self.cash -= repay
            books.cash_out["credit_line"] += repay

    def pay(self, kind: str, amount: int) -> int:
        """Money out; a shortfall is drawn on the credit line within its limit, and what the
        line cannot cover waits, as an unmet withdrawal or an unpaid cost (F6). Returns the
        amount paid now."""
        books = self._books()
        if kind not in CASH_OUT or kind == "credit_line" or kind.startswith("loans."):
            raise ValueError(f"unknown cash-out kind {kind!r}")
        amount = int(amount)
        if kind in WITHDRAWALS:
            books.asked += amount
        short = max(amount - self.cash, 0)
        draw = min(short, self.credit_limit - self.credit_line)
        if draw > 0:
            self.credit_line += draw
            self.cash += draw
            books.cash_in["credit_line"] += draw
        unmet = short - max(draw, 0)
        paid = amount - unmet
        self.cash -= paid
        books.cash_out[kind] += paid
        if unmet and kind in WITHDRAWALS:
            self.unmet_withdrawals += unmet
            books.unmet += unmet
        elif unmet:
            self.unpaid_costs += unmet
        return paid

    def end_month(self) -> PoolMonth:
        """Close the month's cash book (its own sum: see the module docstring)."""
        books = self._books()
        books.reconcile(self.cash)
        self._withdrawals.append(books.asked)
        self.month_books = None
        return books

    # -------------------------------------------------------------- loans
    def observe(
        self, *, deposits: int, loans: int, flexible_deposits: int = 0, flexible_loans: int = 0
    ) -> None:
        """The pool's deposit and loan balances now (both segments, and the flexible
        segment's own), for the desk's limits."""
        self.deposits, self.loans = int(deposits), int(loans)
        self.flexible = (int(flexible_deposits), int(flexible_loans))

    def flexible_room(self) -> int | None:
        """What flexible workers may still borrow under the F5 ceiling set from their own
        deposits, withdrawals and loans (A §3(6)1): from the line
        ``liquidity.flexible_cap_level`` on, their loans stay within
        ``liquidity.flexible_cap_ratio`` × their deposits (net of withdrawals). None below
        that line (or with ``liquidity.rationing`` off)."""
        level = self.policy["liquidity.flexible_cap_level"]
        if not level or rationing_level(self.policy, self.loan_to_deposit()) < level:
            return None
        deposits, loans = self.flexible
        return max(0, int(self.policy["liquidity.flexible_cap_ratio"] * deposits) - loans)

    def loan_to_deposit(self) -> float:
        """The pool's 个贷率 (loan balance ÷ deposit balance)."""
        return self.loans / self.deposits if self.deposits > 0 else float("inf")

    def lendable(self) -> int:
        """What the desk may lend now (F5): cash above the floor, within the 个贷率 limit."""
        if self.credit_line > 0 or self.unmet_withdrawals > 0 or self.unpaid_costs > 0:
            return 0
        floor = self.policy["liquidity.cash_floor_share"] * self.deposits
        by_ratio = self.policy["liquidity.max_loan_to_deposit"] * self.deposits - self.loans
        return max(0, int(min(self.cash - floor, by_ratio)))

    def submit(self, app: Application) -> None:
        """An application joins the back of the queue."""
        self.queue.items.append(app)

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
    def net_outflow(self, scheduled_repayments: int) -> float:
        """The projected monthly net outflow (fen): withdrawals asked, at their average of the
        last 12 months (this month included), less scheduled repayments."""
        done = list(self._withdrawals)
        if self.month_books is not None:
            done.append(self.month_books.asked)
        return sum(done) / max(len(done), 1) - scheduled_repayments

    def survival_months(self, scheduled_repayments: int, *, with_line: bool = False) -> float:
        """Months the cash (``with_line``: and the undrawn credit line) lasts at the projected
        net outflow, with no new deposits (see the module docstring); 0 only with nothing left."""
        available = self.cash + (self.credit_limit - self.credit_line if with_line else 0)
        if available <= 0:
            return 0.0
        net = self.net_outflow(scheduled_repayments)
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
    cash and loan balance move here. The desk serves at one instant of the
    month and then closes (one event on the clock, whatever the queue holds).
    """
    books, queue = pool._books(), pool.queue.items
    budget, room = pool.lendable(), pool.flexible_room()
    lent = dict.fromkeys(_LOAN_KINDS, 0)  # by segment: the cash moves once the desk closes
    served, month, grant = books.served, books.month, pool.grant  # (grants read no cash)
    while queue and queue[0].amount <= budget:
        app = queue[0]
        if app.segment == "flexible" and room is not None:
            if app.amount > room:
                break  # the F5 ceiling: it waits, and so does the line behind it (轮候)
            room -= app.amount
        queue.popleft()
        app.served = month
        if grant(app) is False:
            books.cancelled.append(app)
            continue
        lent[app.segment] += app.amount
        served.append(app)
        budget -= app.amount
    for segment, kind in _LOAN_KINDS.items():
        books.cash_out[kind] += lent[segment]
        pool.cash -= lent[segment]
        pool.loans += lent[segment]
    yield pool.env.timeout(0)


_LOAN_KINDS = {"flexible": "loans.flexible", "employee": "loans.employee"}
