"""The fund of one path: accounts, loans, the pool's money, the desk — behind one boundary.

:class:`Fund` owns everything the fund keeps: the members' accounts (the
:class:`~sim.fund.counter.Counter` and its ledger), the flexible loan book,
and the pool's money (:class:`~sim.fund.pool_books.PoolBooks`: cash and the
loan desk, the employee segment, both reserves, the pilot's own books,
equity). People reach it only through :mod:`sim.fund.requests`. A month:

1. :meth:`Fund.open_month` — the shocks' policy changes and house prices,
   the January repricing of loans, the books opened;
2. :meth:`Fund.view` — what people may see (read-only);
3. :meth:`Fund.handle` — the month's requests answered (the counter), then
   loan repayments: borrowers pay from income what they can, the rest from
   their balance if the scenario allows (W1); leavers settle their loans (W4);
   arrears and defaults (F4);
4. :meth:`Fund.quote` and :meth:`Fund.apply` — buyers' quotes; purchase
   withdrawals; applications join the desk's first-come queue (F5);
5. :meth:`Fund.desk` — the pool's cash flows, the employee segment, interest,
   then the desk serves the queue (a SimPy process) and the granted loans are
   disbursed in one batch (the book, and S3 in the ledger);
6. :meth:`Fund.close_month` — the ledger's month end (accrual, June
   settlement, reconciliation), the loan book's, and the pool's (value-added
   income, the 30 June distribution, the balance sheet, checked); returns the
   month's books and figures (:mod:`sim.fund.figures`).

What the object keeps from month to month is its state; what it keeps within
a month is the open month's own books (:class:`OpenMonth`: its opening
balances and the flows its later steps are computed from, like the ledger's
``MonthBooks``), opened by :meth:`open_month` and closed by
:meth:`close_month`. Steps out of order raise, naming the step missing.

Loan repayments take what the borrower cannot pay from income out of their
fund balance when the scenario says so (``repay_from_balance``: members have
signed the centre's auto-debit, W1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.core.lanes import Lane
from sim.core.months import calendar_month, format_month, is_settlement_month
from sim.fund.books import MonthBooks
from sim.fund.counter import Counter
from sim.fund.employee import EmployeeFlows, EmployeeShock
from sim.fund.figures import month_figures
from sim.fund.liquidity import Application
from sim.fund.loan_book import Due, LoanBook, LoanMonth, split_payment
from sim.fund.loan_limit import liquidity_level, rationing_level
from sim.fund.policy import Policy
from sim.fund.pool_books import Opening, PoolBooks, PoolMonthEnd
from sim.fund.pool_config import PoolConfig
from sim.fund.requests import (
    Answers,
    Buyers,
    FundView,
    PurchaseAnswers,
    Purchases,
    Quotes,
    Requests,
)
from sim.fund.value_added import ValueAdded


@dataclass
class OpenMonth:
    """The open month's own books: what its later steps are computed from."""

    month: int
    opening: Opening
    employee_shock: EmployeeShock
    handled: bool = False  # the month's requests and repayments are in
    commercial_repayments: int = 0  # fen withdrawn toward commercial mortgages: leaves the fund
    employee: EmployeeFlows | None = None
    interest: ValueAdded | None = None
    granted: dict[int, Application] = field(default_factory=dict)  # person → application
    employee_granted: list = field(default_factory=list)  # (fen, loans), lent after the desk
    due: Due | None = None  # the loans' instalments, until they are collected (Fund._due)


@dataclass(frozen=True)
class FundMonth:
    """What :meth:`Fund.close_month` returns: the three books' months and the record's row."""

    accounts: MonthBooks
    loans: LoanMonth
    pool: PoolMonthEnd
    figures: dict[str, float]  # every fund series (:func:`sim.fund.figures.month_figures`), fen


class Fund:
    """The fund of one path (see the module docstring).

    ``group`` and ``group_names``: each account's reporting group (the cohort,
    F7) and the groups' names, for the open accounts counted by group; ``draws``:
    the path's (seed, path), for the employees' monthly housing-activity draw; ``lane``: the
    path's rows of a batch (:mod:`sim.core.lanes`), where its accounts are allocated.
    """

    def __init__(
        self,
        env: simpy.Environment,
        policy: Policy,
        config: PoolConfig,
        n: int,
        start: int,
        *,
        repay_from_balance: bool,
        group: np.ndarray | None = None,
        group_names: tuple[str, ...] = (),
        draws: tuple[int, int] = (0, 0),
        lane: Lane | None = None,
    ) -> None:
        self.policy = policy
        self.group_names = group_names  # members.<name> in the record (F7)
        groups = max(len(group_names), 1)
        self.counter = Counter(n, policy, start, group=group, groups=groups, lane=lane)
        self.ledger = self.counter.ledger
        self.book = LoanBook(policy)
        self.money = PoolBooks(env, policy, config, start, grant=self._grant, draws=draws)
        self.repay_from_balance = repay_from_balance
        self.house_price_index = 1.0
        emp = self.money.employee  # the opening 个贷率 sets the first month's level
        opening = emp.loan_balance / max(emp.deposit_balance, 1)
        self.liquidity_level = liquidity_level(policy, opening)
        self.rationing_level = rationing_level(policy, opening)
        # set by each month's desk, read by the next month's quotes and employees' demand
        self.cohort_month: int | None = None  # the stress cohort's cut-off (sim.fund.figures)
        self.held: list = []  # (month, PolicyChange) a shock started: held through switches
        self._open: OpenMonth | None = None
        self._settling = np.zeros(n, bool)  # scratch: borrowers who leave this month (all False)
        self._carried: tuple[int, Due] | None = None  # month end's due, and the book it is of

    # ------------------------------------------------------------------ the month
    def open_month(self, month: int, shocks) -> None:
        """Shocks in force (:class:`sim.scenario.shocks.InForce`): policy changes, house prices; the
        January repricing of loans (F2); the books opened."""
        if self._open is not None:
            raise RuntimeError(f"{format_month(self._open.month)} is still open")
        self._change_policy(month, shocks.policy_changes)
        self.house_price_index = shocks.house_price_index
        if calendar_month(month) == 1:
            self.book.reprice(month)
        self.counter.open_month()
        opening = self.money.open_month(
            month,
            flexible_deposits=self.ledger.books.opening_total,
            flexible_loans=self.book.outstanding(),
        )
        self._open = OpenMonth(month, opening, shocks.employee)

    def view(self, month: int) -> FundView:
        """What people see, with the borrowers who owe an instalment this month and what
        each owes (overdue included)."""
        rows, owed = self.book.amount_due(self._due())
        return self.counter.view(month, due_who=self.book.person[rows], due_fen=owed)

    def handle(self, requests: Requests) -> Answers:
        """The month's requests (:meth:`Counter.handle`), then the loan repayments."""
        m = self._month()
        if m.handled:
            raise RuntimeError(f"{format_month(m.month)}: the month's requests were handled")
        m.handled = True
        answers = self.counter.handle(requests)
        m.commercial_repayments += answers.mortgage_paid_fen
        self._repayments(requests.repayment_capacity, requests.leave)
        return answers

    def quote(self, buyers: Buyers) -> Quotes:
        """Buyers' quotes, at last month's rationing level (F5)."""
        return self.counter.quote(buyers, level=self.rationing_level)

    def apply(self, purchases: Purchases) -> PurchaseAnswers:
        """Purchase withdrawals; the accepted applications join the desk's queue."""
        answers = self.counter.apply(purchases)
        q, month = purchases.quotes, self._month().month
        i, b = np.flatnonzero(answers.loan_fen), q.buyers
        rows = zip(
            answers.loan_fen[i].tolist(),
            b.who[i].tolist(),
            q.term_months[i].tolist(),
            b.first_home[i].astype(bool).tolist(),
            b.price_fen[i].tolist(),
            strict=True,
        )
        for amount, who, term, first, price in rows:
            payload = (who, term, first, price)
            self.money.pool.submit(Application(amount, month, "flexible", payload))
        return answers

    def desk(self):
        """The pool's month and the loan desk (a SimPy process: ``yield from fund.desk()``)."""
        m, money, books = self._month(), self.money, self.ledger.books
        if not m.handled:
            raise RuntimeError(f"{format_month(m.month)}: the desk opens after fund.handle()")
        money.member_flows(books, m.commercial_repayments)
        m.employee = money.employee_month(
            m.month, m.employee_shock, hpi=self.house_price_index, level=self.rationing_level
        )
        m.interest = money.interest(m.opening)
        balance = books.opening_total + books.inflows - books.withdrawn  # no pass over accounts
        money.observe(flexible_deposits=balance, flexible_loans=self.book.outstanding())
        self.liquidity_level = liquidity_level(self.policy, money.pool.loan_to_deposit())
        self.rationing_level = rationing_level(self.policy, money.pool.loan_to_deposit())
        yield money.pool.service()
        money.employee.lend_all(m.month, m.employee_granted)  # nothing read them in between
        self._disburse(m)

    def close_month(self, end=None) -> FundMonth:
        """Month end of the accounts, the loan book and the pool; every book checked.

        ``end`` is the accounts' one-pass month end already run with other paths'
        (``sim.engine.batch``; :meth:`Ledger.end_month`)."""
        m = self._month()
        if m.employee is None:
            raise RuntimeError(
                f"{format_month(m.month)}: the desk has not run (yield from fund.desk() first)"
            )
        accounts = self.counter.close_month(end)
        loans = self.book.close_month()
        due = self.book.due()  # the survival horizon's repayments: next month's, unless the
        self._carried = (self.book.changes, due)  # book changes first (January repricing)
        settle = is_settlement_month(m.month, self.policy["interest.settlement_month"])
        pool = self.money.close_month(
            m.month, self.policy, accounts, loans, m.employee, m.interest, m.opening, settle=settle
        )
        self._open = None
        return FundMonth(accounts, loans, pool, month_figures(self, accounts, loans, pool, due))

    def _month(self) -> OpenMonth:
        if self._open is None:
            raise RuntimeError("no month is open: call open_month() first")
        return self._open

    def _due(self) -> Due:
        """The loans' instalments this month (:meth:`LoanBook.due`), computed once for the
        view, the repayments and their collection: nothing changes the book in between."""
        m = self._month()
        if m.due is None:
            carried, self._carried = self._carried, None
            fresh = carried is None or carried[0] != self.book.changes
            m.due = self.book.due() if fresh else carried[1]
        return m.due

    # ------------------------------------------------------------------ loans
    def _repayments(self, capacity: np.ndarray, leavers: np.ndarray) -> None:
        """Borrowers pay from income, then (optionally) from their fund balance (W1). A
        borrower who leaves (W4: retirement, death, emigration) settles the loan in full:
        a full withdrawal needs the loan repaid (结清), from the home's sale or the estate."""
        book, acc, m, due = self.book, self.ledger.acc, self._month(), self._due()
        rows, owed = book.amount_due(due)
        person = book.person[rows]
        if len(capacity) != len(person):
            raise ValueError(f"{len(capacity)} repayment capacities for {len(person)} borrowers")
        from_income, from_balance = split_payment(
            owed, capacity, acc.balance[person], from_balance=self.repay_from_balance
        )
        mark = self._settling  # np.isin(person, leavers), in three fancy indexings
        mark[leavers] = True
        settling = mark[person]
        mark[leavers] = False
        from_income[settling], from_balance[settling] = owed[settling], 0
        take = from_balance > 0
        if take.any():
            codes = self.ledger.withdraw(person[take], from_balance[take], "repayment", owed[take])
            from_balance[np.flatnonzero(take)[codes != 0]] = 0
        loan_month = book.collect(
            m.month, from_income + from_balance, self.house_price_index, due=due
        )
        m.due = None  # collected: the book has moved on
        if settling.any():
            book.prepay(m.month, rows[settling], book.principal[rows[settling]])
        self.money.loan_receipts(m.month, loan_month, int(from_balance.sum()))
        ended = loan_month.repaid_in_full + loan_month.defaulted
        if ended:
            self.ledger.loan_repaid(np.unique(np.array(ended, np.int64)))

    def _grant(self, app: Application) -> bool:
        """The desk grants a loan: the employee segment's when the desk closes, a member's at
        month end (both in the order granted)."""
        if app.segment == "employee":  # lent when the desk closes, as granted (Fund.desk)
            self._month().employee_granted.append((app.amount, app.payload))
            return True
        person, granted = app.payload[0], self._month().granted
        acc = self.ledger.acc
        if not acc.is_open[person] or acc.loan_outstanding[person] or person in granted:
            return False  # the applicant left or borrowed meanwhile: the application lapses
        granted[person] = app
        return True

    def _disburse(self, m: OpenMonth) -> None:
        """The month's granted flexible loans, in one batch: the book, and S3 in the ledger."""
        if not m.granted:
            return
        apps = list(m.granted.values())
        person, term, first, price = (
            np.array(x) for x in zip(*(a.payload for a in apps), strict=True)
        )
        amount = np.array([a.amount for a in apps], np.int64)
        self.book.disburse(m.month, person, amount, term, first, price, self.house_price_index)
        self.ledger.disburse_loan(person)

    # ------------------------------------------------------------------ policy
    def _change_policy(self, month: int, changes) -> None:
        """Policy changes a shock starts this month (:mod:`sim.scenario.shocks`), in order; each
        is kept and held through every later scheduled switch (:meth:`switch_policy`)."""
        for change in changes:
            self.held.append((month, change))  # the employees' book reads the cut loan rates
            self.set_policy(_held_policy(self.policy, month, change))

    def switch_policy(self, policy: Policy) -> None:
        """A scheduled switch (the scenario's ``switch_on``): the new policy, with every policy
        change a stress has started held on top of it — a stress stays in force to the horizon,
        as its effect does (:meth:`sim.scenario.shock.Shock.effect`)."""
        for month, change in self.held:
            policy = _held_policy(policy, month, change)
        self.set_policy(policy)

    def set_policy(self, policy: Policy) -> None:
        """A new policy in force, for every book (a switch date or a shock)."""
        self.policy = policy
        self.counter.set_policy(policy)
        self.book.policy = policy
        self.money.set_policy(policy)


LOAN_RATE_KEYS = ("loan.rate_first_short", "loan.rate_first_long", "loan.rate_second_short",
                  "loan.rate_second_long")  # fmt: skip


def _held_policy(policy: Policy, month: int, change) -> Policy:
    """``policy`` with a shock's change from ``month``: a new holding-subsidy rate, or loan rates
    cut (every rate dated from ``month`` on, and the one in force then: new loans at once,
    existing ones next 1 January, F2)."""
    origin = f"shock {change.shock}"
    if change.kind == "holding_rate":
        return policy.with_overrides({"subsidy.holding_rate": change.value}, origin=origin)
    changes = {}
    for key in LOAN_RATE_KEYS:
        table = {
            f"{format_month(m)}-01": max(v - change.value, 0.0) if m >= month else v
            for m, v in policy.params[key].dated
        }
        table[f"{format_month(month)}-01"] = max(policy.at(key, month) - change.value, 0.0)
        changes[key] = dict(sorted(table.items()))
    return policy.with_overrides(changes, origin=origin)
