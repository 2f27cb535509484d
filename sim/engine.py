"""The engine: one path of a scenario, month by month, on a SimPy clock.

``env.now`` counts months from the scenario's start. Processes:

- :meth:`Simulation.month_cycle`: every month, in this order — policy in
  force, shocks in force; income; leavers, joiners, deposits, rent
  withdrawals and exits (agents ask, the ledger answers); loan repayments,
  arrears and defaults; purchases and loan applications; the employee
  segment's flows; the fund's costs; the loan desk (a SimPy process of its
  own, serving the first-come queue, F5); month end (the ledger accrues,
  settles in June and reconciles); value-added income; the record.
- the 30 June settlement: the ledger credits interest and subsidies at the
  June month end (F1, S5); then :meth:`Simulation.settlement` sends the year's
  value-added income first to the loan risk reserve, the rest out of the
  fund (F4), inside June's cash book.
- :meth:`Simulation.policy_switch`: on the scenario's switch date the new
  policy takes over (e.g. ``lyg-2023`` → ``lyg-draft``).
- :meth:`Simulation.shock`: one per scenario shock; it announces the window's
  start and end (the month cycle reads each shock's strength).

Per-person work is vectorised (``sim.agents``, ``sim.fund``); SimPy handles
the calendar and the loan queue. Every book reconciles every month — the
accounts (``Ledger``), the loan book and the pool's cash — and a mismatch
aborts the path naming the month and amounts. :func:`simulate` returns one
array per series (:data:`SERIES`), money in yuan.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import simpy

from sim.agents import housing
from sim.agents.behaviour import Behaviour, BehaviourState, FundView
from sim.agents.config import COHORTS
from sim.agents.income import IncomeState, step_income
from sim.agents.population import synthesize
from sim.agents.repaying import repayment_capacity_fen
from sim.agents.world import join, update_tax_brackets
from sim.book.load import checked_book, open_from_book, people_from_book
from sim.fund.balance_sheet import BalanceSheet
from sim.fund.employee import EmployeeSegment
from sim.fund.ledger import Ledger
from sim.fund.liquidity import CASH_IN, CASH_OUT, Application, Pool
from sim.fund.loan_book import LoanBook, split_payment
from sim.fund.loan_limit import rationing_level
from sim.fund.reserve import Reserve, adequacy, stressed_loss
from sim.fund.segment import SegmentBooks, SegmentMonth, segment_month
from sim.fund.value_added import ValueAdded, month_value_added, year_end
from sim.months import calendar_month, format_month, is_settlement_month
from sim.random import Draws
from sim.scenario import Scenario
from sim.shocks import in_force

SEGMENT_SERIES = (
    "segment_value_added_income", "segment_subsidy_cost", "segment_margin", "segment_reserve",
    "segment_reserve_to_loans", "segment_net_funding", "segment_loan_interest",
    "segment_funding_income", "segment_interest_cost", "segment_costs",
)  # fmt: skip
"""The flexible segment's own accounts (A §3(6)2, B 21; :mod:`sim.fund.segment`)."""
SERIES = (
    "members", "new_members", "exits", "deposits", "withdrawals", "subsidy_paid",
    "bonus_paid", "interest_credited", "tax_forgone", "deposit_refusals", "loan_applications",
    "loan_refusals", "loans_disbursed", "loans_disbursed_amount", "loan_queue_length",
    "loan_queue_wait_months", "loan_balance", "deposit_balance", "loan_to_deposit",
    "pool_deposit_balance", "pool_loan_balance", "pool_loan_to_deposit", "cash",
    "survival_months", "credit_line_balance", "credit_line_drawn", "value_added_income",
    "risk_reserve", "reserve_to_loans", "reserve_to_stressed_loss", "reserve_uncovered",
    "defaults_amount", "credit_losses", "defaults", "arrears_3plus", "rationing_level",
    "house_price_index", "members_at_cap",
    *(f"members.{c}" for c in COHORTS), *(f"deposits.{c}" for c in COHORTS),
    *(f"cash_in.{k}" for k in CASH_IN), *(f"cash_out.{k}" for k in CASH_OUT),
    "pool_equity", "interest_payable", "unmet_withdrawals", "employee_reserve",
    *SEGMENT_SERIES,
    *housing.ACCOUNT_SERIES,
)  # fmt: skip
"""Every monthly series (F7: the centre monitors deposits, withdrawals and loans, by cohort)."""
FEN_SERIES = {
    "deposits", "withdrawals", "subsidy_paid", "bonus_paid", "interest_credited", "tax_forgone",
    "loans_disbursed_amount", "loan_balance", "deposit_balance", "pool_deposit_balance",
    "pool_loan_balance", "cash", "credit_line_balance", "credit_line_drawn",
    "value_added_income", "risk_reserve", "reserve_uncovered", "defaults_amount", "credit_losses",
    "pool_equity", "interest_payable", "unmet_withdrawals", "employee_reserve",
    *(name for name in SERIES if name.startswith(("cash_in.", "cash_out.", "segment_"))),
} - {"segment_reserve_to_loans"} | {f"deposits.{c}" for c in COHORTS} \
    | housing.ACCOUNT_FEN_SERIES  # fmt: skip


EMPLOYEE_TRANCHES = 20
"""Employee loan demand queues as this many applications a month (of whole loans)."""


@dataclass(frozen=True)
class _Opening:
    """Balances at the month's opening, in fen: what interest, costs and the segment's
    funding income are computed on."""

    cash: int
    credit_line: int
    flexible_deposits: int
    flexible_loans: int
    employee_deposits: int
    employee_loans: int


def path_seed(seed: int, path: int) -> int:
    """The path's own seed: a child of the root ``SeedSequence``, whatever the worker count."""
    return int(np.random.SeedSequence(seed, spawn_key=(path,)).generate_state(1, np.uint64)[0])


class Simulation:
    """One path of a scenario (see the module docstring)."""

    def __init__(self, scenario: Scenario, path: int):
        sc = self.scenario = scenario
        self.policy = sc.policy_in(sc.start)
        book = checked_book(sc.book, self.policy) if sc.book else None  # people 0 … B-1 (sim.book)
        n, start = sc.population_size + (book.n if book else 0), sc.start
        seed = path_seed(sc.seed, path)
        self.rng = Draws(seed, path, n)
        self.pop = synthesize(sc.agents, n, seed=seed, path=path, start_month=start)
        if book:
            people_from_book(book, self.pop, sc.agents, seed=seed, path=path, month=start)
        self.income = IncomeState.start(sc.agents, self.pop, self.rng)
        self.state = BehaviourState.start(n, config=sc.agents, pop=self.pop, income=self.income,
                                          rng=self.rng, month=start)  # fmt: skip
        self.behaviour = Behaviour(sc.agents, self.pop, self.rng)
        self.ledger = Ledger(n, self.policy, start)
        update_tax_brackets(self.state, self.income, self.policy)
        self._level = 0
        self._granted: dict[int, Application] = {}
        self.book = LoanBook(self.policy)
        fund = sc.pool.fund
        self.employee = EmployeeSegment(sc.pool.employee, self.policy, start)
        self.env = simpy.Environment()
        self.pool = Pool(
            self.env,
            self.policy,
            fund,
            cash=round(fund.start_cash * 100),
            grant=self._grant,
            credit_line=round(fund.start_credit_line * 100),
        )
        self.reserve = Reserve(balance=round(fund.start_reserve * 100))  # the employees' loans
        self.segment = SegmentBooks.start()
        self.equity = round(fund.start_equity * 100)
        self.year_vai = ValueAdded()
        self.hpi = 1.0
        self.out = {name: np.zeros(sc.horizon) for name in SERIES}
        if book:
            open_from_book(self, book)
        self.env.process(self.month_cycle())
        if sc.switch_on is not None:
            self.env.process(self.policy_switch())

    # ------------------------------------------------------------------ processes
    def month_cycle(self):
        """Every month, in the documented order."""
        sc = self.scenario
        for t in range(sc.horizon):
            month = sc.start + t
            yield from self._month(t, month)
            yield self.env.timeout(1)

    def policy_switch(self):
        """Switch policy at the start of the switch month."""
        sc = self.scenario
        yield self.env.timeout(sc.switch_on - sc.start)
        self._set_policy(sc.switch_policy)

    def settlement(self) -> None:
        """30 June, after month end: each segment's year's value-added income to its own
        reserve first, the rest out of the fund unless the pool is borrowing (F4)."""
        fund, pool = self.scenario.pool.fund, self.pool
        borrowing = pool.credit_line > 0 or pool.unmet_withdrawals > 0
        end = year_end(
            self.policy, pool_income=self.year_vai.total,
            segment_income=self.segment.year_value_added,
            segment_reserve=self.segment.reserve.balance, segment_loans=self.book.outstanding(),
            employee_reserve=self.reserve.balance, employee_loans=self.employee.loan_balance,
            distributable=0 if borrowing and not fund.distribute_while_borrowing
            else max(pool.cash, 0) + (pool.credit_limit - pool.credit_line) * borrowing,
        )  # fmt: skip
        self.segment.reserve.add(end.segment_provision)
        self.reserve.add(end.employee_provision)
        if end.distributed > 0:
            pool.pay("value_added_distribution", end.distributed)
        self.equity -= end.segment_provision + end.employee_provision + end.distributed
        self.year_vai = ValueAdded()
        self.segment.year_value_added = 0

    # ------------------------------------------------------------------ the month
    def _month(self, t: int, month: int):
        sc, pop, st, ledger, pool = self.scenario, self.pop, self.state, self.ledger, self.pool
        acc = ledger.acc
        shocks = in_force(sc, month)
        self._change_policy(month, shocks.policy_changes)
        self.hpi = shocks.house_price_index
        if calendar_month(month) == 1:
            update_tax_brackets(st, self.income, self.policy)
            self.book.reprice(month)
        step_income(sc.agents, pop, self.income, self.rng, month, st.alive, shocks.income)
        ledger.begin_month()
        pool.begin_month(month)
        opening = _Opening(
            cash=pool.cash, credit_line=pool.credit_line,
            flexible_deposits=ledger.books.opening_total, flexible_loans=self.book.outstanding(),
            employee_loans=self.employee.loan_balance,
            employee_deposits=self.employee.deposit_balance,
        )  # fmt: skip
        view = FundView(
            deposit_rate=self.policy.at("interest.deposit_rate", month),
            holding_rate=self.policy.at("subsidy.holding_rate", month),
            floor_fen=self.policy.floor_fen(month), cap_fen=self.policy.cap_fen(month),
            quarterly_allowed=3 in self.policy["deposit.allowed_months"],
            tax_rates=self.policy["tax.iit_rates"], is_open=acc.is_open, forfeited=acc.forfeited,
            loan_outstanding=acc.loan_outstanding, balance=acc.balance, aged=ledger.aged(),
        )  # fmt: skip
        d = self.behaviour.decide(month, self.income, st, view,
                                  exit_multiplier=shocks.exit_multiplier,
                                  purchase_multiplier=shocks.purchase_multiplier,
                                  house_price_index=self.hpi)  # fmt: skip
        st.alive[d.leave] = False
        ledger.close(d.leave[acc.is_open[d.leave]], "full")
        new = join(ledger, pop, st, self.policy, month, d.join)
        opened = acc.is_open[d.deposit_who]
        who, amount = d.deposit_who[opened], d.deposit_fen[opened]
        ok = ledger.deposit(who, amount, d.deposit_months[opened]) == 0
        st.deposited_last[who[ok]] = True
        n_cohorts = len(sc.agents.cohorts)
        by_cohort = np.bincount(pop.cohort[who[ok]], amount[ok], n_cohorts)
        rates = np.array((0.0, *self.policy["tax.iit_rates"]))
        tax_forgone = float((amount[ok] * rates[st.tax_bracket[who[ok]]]).sum())
        mortgage_out = housing.withdraw_for_housing(ledger, st, d)  # W1; leaves the fund
        exits = int((ledger.close(d.exit, "exit") == 0).sum())
        self._repayments(month)
        applications, refused = self._applications(month, d.applications)
        books = ledger.books
        pool.receive("deposits", books.deposits)
        pool.receive("transfers_in", books.transfers_in)
        for kind, amount in books.withdrawals.items():
            if kind != "repayment":  # a repayment from the balance moves no cash (W1)
                pool.pay(f"withdrawals.{kind}", amount)
        pool.pay("withdrawals.repayment", mortgage_out)  # a commercial mortgage (W1)
        emp = self.employee.step(month, shocks.employee)
        pool.receive("employee_deposits", emp.deposits)
        pool.pay("employee_withdrawals", emp.withdrawals)
        pool.receive("employee_repayments", emp.principal_repaid + emp.interest_received)
        average = round(sc.pool.employee.average_loan * 100)
        loans = emp.loan_demand // average
        if loans > 0:
            for tranche in np.array_split(np.arange(loans), min(loans, EMPLOYEE_TRANCHES)):
                pool.submit(Application(len(tranche) * average, month, "employee"))
        vai = month_value_added(
            sc.pool.fund, loan_interest=0, depositor_interest=0, subsidies=0,
            cash=opening.cash, deposits=0, credit_line=opening.credit_line,
        )  # fmt: skip
        pool.receive("bank_interest", vai.bank_interest)
        pool.pay("credit_line_interest", vai.credit_line_interest)
        balance = books.opening_total + books.inflows - books.withdrawn  # no pass over accounts
        pool.observe(deposits=balance + self.employee.deposit_balance,
                     loans=self.book.outstanding() + self.employee.loan_balance)  # fmt: skip
        self._level = rationing_level(self.policy, pool.loan_to_deposit())
        yield pool.service()
        self._disburse_granted(month)
        ledger_books = ledger.end_month()
        loan_month = self.book.close_month()
        seg, month_vai = self._account_value_added(ledger_books, loan_month, emp, vai, opening)
        if is_settlement_month(month, self.policy["interest.settlement_month"]):
            self.settlement()
        cash_books = pool.end_month()
        sheet = self._balance_sheet(month, ledger_books, loan_month)
        counts = {"new_members": new, "exits": exits, "tax_forgone": tax_forgone,
                  "loan_applications": applications, "loan_refusals": refused,
                  "value_added_income": month_vai}  # fmt: skip
        self._record(t, ledger_books, loan_month, cash_books, counts, by_cohort, seg, sheet)

    def _repayments(self, month: int) -> None:
        """Borrowers pay from income, then (optionally) from their fund balance (W1)."""
        book, acc = self.book, self.ledger.acc
        rows, owed = book.amount_due()
        person = book.person[rows]
        capacity = repayment_capacity_fen(self.scenario.agents.repaying, self.income.income[person])
        from_income, from_balance = split_payment(
            owed, capacity, acc.balance[person], from_balance=self.scenario.repay_from_balance
        )
        take = from_balance > 0
        if take.any():
            codes = self.ledger.withdraw(person[take], from_balance[take], "repayment",
                                         owed[take])  # fmt: skip
            from_balance[np.flatnonzero(take)[codes != 0]] = 0
        loan_month = book.collect(month, from_income + from_balance, self.hpi)
        paid = loan_month.interest_received + loan_month.principal_repaid + loan_month.prepaid
        self.pool.receive("repayments", paid - int(from_balance.sum()))
        self.pool.receive("recoveries", loan_month.recovered)
        self.equity -= self.segment.reserve.write_off(loan_month.loss, month)
        ended = loan_month.repaid_in_full + loan_month.defaulted
        self.ledger.loan_repaid(np.unique(np.array(ended, np.int64)))

    def _applications(self, month: int, apps) -> tuple[int, int]:
        """Purchases: the buyer's financing choice and withdrawal (``sim.agents.housing``); fund
        loan applications go to the queue, which decides when."""
        if not len(apps):
            return 0, 0
        fund = housing.buy_homes(self.ledger, self.pop, self.state, self.income, self.policy,
                         self.scenario.agents, month, apps, level=self._level)  # fmt: skip
        for i in range(len(fund.who)):
            payload = (int(fund.who[i]), int(fund.term[i]), bool(fund.first_home[i]),
                       int(fund.price[i]))  # fmt: skip
            self.pool.submit(Application(int(fund.amount[i]), month, "flexible", payload))
        return fund.applied, fund.refused

    def _grant(self, app: Application) -> bool:
        """The desk grants a loan: the book, and the end of the borrower's subsidy (S3)."""
        if app.segment == "employee":
            self.employee.lend(app.amount)
            return True
        person = app.payload[0]
        acc = self.ledger.acc
        if not acc.is_open[person] or acc.loan_outstanding[person] or person in self._granted:
            return False  # the applicant left or borrowed meanwhile: the application lapses
        self._granted[person] = app
        return True

    def _disburse_granted(self, month: int) -> None:
        """The month's granted flexible loans, in one batch: the book, and S3 in the ledger."""
        if not self._granted:
            return
        apps = list(self._granted.values())
        person, term, first, price = (
            np.array(x) for x in zip(*(a.payload for a in apps), strict=True)
        )
        amount = np.array([a.amount for a in apps], np.int64)
        self.book.disburse(month, person, amount, term, first, price, self.hpi)
        self.ledger.disburse_loan(person)
        self._granted = {}

    def _account_value_added(
        self, ledger_books, loan_month, emp, vai, opening
    ) -> tuple[SegmentMonth, int]:
        """The month's value-added income, the pool's and the flexible segment's (F3)."""
        fund = self.scenario.pool.fund
        deposits = ledger_books.closing_total + self.employee.deposit_balance
        flexible_interest = loan_month.interest_received + loan_month.recovered_interest
        month_vai = month_value_added(
            fund, loan_interest=flexible_interest + emp.interest_received,
            depositor_interest=ledger_books.interest_expense + emp.interest_accrued,
            subsidies=ledger_books.subsidy_credited + ledger_books.bonus_credited,
            cash=opening.cash, deposits=deposits, credit_line=opening.credit_line,
        )  # fmt: skip
        self.pool.pay("management_costs", month_vai.management_costs)
        self.year_vai.add(month_vai)
        self.equity += month_vai.total
        seg = segment_month(
            loan_interest=flexible_interest, interest_cost=ledger_books.interest_expense,
            subsidy_cost=ledger_books.subsidy_credited + ledger_books.bonus_credited,
            credit_losses=loan_month.loss, deposits=opening.flexible_deposits,
            loans=opening.flexible_loans,
            pool_deposits=opening.flexible_deposits + opening.employee_deposits,
            other_income=emp.interest_received + vai.bank_interest,
            other_assets=opening.employee_loans + opening.cash,
            pool_costs=month_vai.management_costs + month_vai.credit_line_interest,
        )  # fmt: skip
        self.segment.add(seg)
        return seg, month_vai.total

    def _balance_sheet(self, month: int, ledger_books, loan_month) -> BalanceSheet:
        """The pool's balance sheet from balances, checked (:mod:`sim.fund.balance_sheet`)."""
        pool = self.pool
        return BalanceSheet(
            month=month, cash=pool.cash,
            loans=loan_month.closing_principal + self.employee.loan_balance,
            deposits=ledger_books.closing_total + self.employee.deposit_balance,
            interest_payable=ledger_books.interest_payable,
            unmet_withdrawals=pool.unmet_withdrawals, credit_line=pool.credit_line,
            risk_reserve=self.reserve.balance + self.segment.reserve.balance, equity=self.equity,
        ).check()  # fmt: skip

    # ------------------------------------------------------------------ shocks and policy
    def _change_policy(self, month: int, changes) -> None:
        """Policy changes a shock starts this month (:mod:`sim.shocks`), in the scenario's order."""
        for change in changes:
            if change.kind == "holding_rate":
                rate = {"subsidy.holding_rate": change.value}
                self._set_policy(self.policy.with_overrides(rate, origin=f"shock {change.shock}"))
            else:
                self._cut_loan_rates(month, change.value, change.shock)

    def _cut_loan_rates(self, month: int, cut: float, name: str) -> None:
        """A loan-rate cut from ``month``: new loans at once, existing ones next 1 January."""
        changes = {}
        for key in ("loan.rate_first_short", "loan.rate_first_long", "loan.rate_second_short",
                    "loan.rate_second_long"):  # fmt: skip
            table = {f"{format_month(m)}-01": v for m, v in self.policy.params[key].dated}
            table[f"{format_month(month)}-01"] = max(self.policy.at(key, month) - cut, 0.0)
            changes[key] = dict(sorted(table.items()))
        self._set_policy(self.policy.with_overrides(changes, origin=f"shock {name}"))
        rate = max(self.employee.params.loan_rate - cut, 0.0)
        self.employee.params = replace(self.employee.params, loan_rate=rate)

    def _set_policy(self, policy) -> None:
        self.policy = policy
        self.ledger.set_policy(policy)
        self.book.policy = policy
        self.pool.policy = policy
        self.employee.policy = policy

    # ------------------------------------------------------------------ the record
    def _record(self, t, lb, loan, cash, counts, by_cohort, seg, sheet) -> None:
        """The month's row of every series (:data:`SERIES`), money in yuan."""
        o, pool, acc = self.out, self.pool, self.ledger.acc
        cap_fen = round(self.policy["subsidy.lifetime_cap"] * 100)
        deposit_balance, loan_balance = lb.closing_total, loan.closing_principal
        pool_dep = deposit_balance + self.employee.deposit_balance
        pool_loans = loan_balance + self.employee.loan_balance
        queue_len, _ = pool.queued()
        _, owed = self.book.amount_due()
        employee = self.employee.loan_balance // self.scenario.pool.employee.repayment_months
        scheduled = int(owed.sum()) + employee
        stressed = stressed_loss(self.book, self.policy, self.hpi)
        segment_ratios = adequacy(self.segment.reserve, loan_balance, stressed)
        waits = [a.served - a.arrival for a in cash.served if a.segment == "flexible"]
        values = {
            **counts,
            "deposits": lb.deposits, "withdrawals": lb.withdrawn,
            "subsidy_paid": lb.subsidy_credited, "bonus_paid": lb.bonus_credited,
            "interest_credited": lb.interest_credited,
            "deposit_refusals": sum(lb.refused.values()),
            "loans_disbursed": loan.disbursed_count,
            "loans_disbursed_amount": loan.disbursed, "loan_queue_length": queue_len,
            "loan_queue_wait_months": float(np.mean(waits)) if waits else 0.0,
            "loan_balance": loan_balance, "deposit_balance": deposit_balance,
            "loan_to_deposit": loan_balance / deposit_balance if deposit_balance else 0.0,
            "pool_deposit_balance": pool_dep, "pool_loan_balance": pool_loans,
            "pool_loan_to_deposit": pool_loans / pool_dep if pool_dep else 0.0,
            "cash": pool.cash, "survival_months": pool.survival_months(scheduled),
            "credit_line_balance": pool.credit_line, "credit_line_drawn": cash.credit_drawn,
            "risk_reserve": sheet.risk_reserve,
            "reserve_to_loans": sheet.risk_reserve / pool_loans if pool_loans else 0.0,
            "reserve_to_stressed_loss": min(segment_ratios["reserve_to_stressed_loss"], 1e6),
            "reserve_uncovered": self.segment.reserve.uncovered,
            "defaults_amount": loan.written_off,
            "credit_losses": loan.loss,
            "defaults": loan.defaults, "arrears_3plus": loan.arrears[3],
            "rationing_level": self._level, "house_price_index": self.hpi,
            "members_at_cap": int((acc.subsidy_total >= cap_fen).sum()),
        }  # fmt: skip
        values |= {f"cash_in.{k}": v for k, v in cash.cash_in.items()}
        values |= {f"cash_out.{k}": v for k, v in cash.cash_out.items()}
        values |= {
            "pool_equity": sheet.equity, "interest_payable": sheet.interest_payable,
            "unmet_withdrawals": sheet.unmet_withdrawals, "employee_reserve": self.reserve.balance,
            "segment_value_added_income": seg.value_added, "segment_subsidy_cost": seg.subsidy_cost,
            "segment_margin": seg.margin, "segment_reserve": self.segment.reserve.balance,
            "segment_reserve_to_loans": min(segment_ratios["reserve_to_loans"], 1e6)
            if loan_balance or self.segment.reserve.balance else 0.0,
            "segment_net_funding": deposit_balance - loan_balance,
            "segment_loan_interest": seg.loan_interest,
            "segment_funding_income": seg.funding_income,
            "segment_interest_cost": seg.interest_cost, "segment_costs": seg.costs,
        }  # fmt: skip
        names = [c.name for c in self.scenario.agents.cohorts]
        members = np.bincount(self.pop.cohort[acc.is_open], minlength=len(names))
        values["members"] = int(members.sum())
        for i, c in enumerate(names):
            values[f"members.{c}"] = int(members[i])
            values[f"deposits.{c}"] = float(by_cohort[i])
        values.update(housing.account_series(self.state, acc, lb))
        for name, value in values.items():
            o[name][t] = value / 100 if name in FEN_SERIES else value


def simulate(scenario: Scenario, path: int) -> dict[str, np.ndarray]:
    """Run one path to the horizon; one array per series of :data:`SERIES` (money in yuan)."""
    sim = Simulation(scenario, path)
    sim.env.run()
    return sim.out
