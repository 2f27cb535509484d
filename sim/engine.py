"""The engine: one path of a scenario, month by month, on a SimPy clock.

``env.now`` counts months from the scenario's start. Processes:

- :meth:`Simulation.month_cycle`: every month, in this order — the shocks in
  force (:func:`sim.shocks.in_force`, a pure function) and the policy
  changes they start; income; leavers, joiners, deposits, housing
  withdrawals and exits (agents ask, the ledger answers); loan repayments,
  arrears and defaults; purchases and loan applications; the pool's cash
  flows, the employee segment and interest (:class:`sim.fund.pool_books.
  PoolBooks`); the loan desk (a SimPy process of its own, serving the
  first-come queue, F5); month end (the ledger accrues, settles in June and
  reconciles; the loan book reconciles); the pool's month end (value-added
  income, the 30 June distribution to each segment's reserve first, F4; the
  balance sheet, checked); the record.
- :meth:`Simulation.policy_switch`: on the scenario's switch date the new
  policy takes over (e.g. ``lyg-2023`` → ``lyg-draft``).

Per-person work is vectorised (``sim.agents``, ``sim.fund``); SimPy handles
the calendar and the loan queue. Every book reconciles every month — the
accounts (``Ledger``), the loan book and the pool's balance sheet — and a
mismatch aborts the path naming the month and every line. :func:`simulate`
returns one array per series (:data:`SERIES`), money in yuan. Values pass
between the month's steps as arguments and return values; what ``self``
holds is state that lasts from month to month.
"""

from __future__ import annotations

from dataclasses import replace

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
from sim.fund.ledger import Ledger
from sim.fund.liquidity import CASH_IN, CASH_OUT, Application
from sim.fund.loan_book import LoanBook, split_payment
from sim.fund.loan_limit import rationing_level
from sim.fund.pool_books import PoolBooks
from sim.fund.reserve import adequacy, stressed_loss
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
    "pool_equity", "interest_payable", "unmet_withdrawals", "unpaid_costs", "employee_reserve",
    *SEGMENT_SERIES,
    *housing.ACCOUNT_SERIES,
)  # fmt: skip
"""Every monthly series (F7: the centre monitors deposits, withdrawals and loans, by cohort)."""
FEN_SERIES = {
    "deposits", "withdrawals", "subsidy_paid", "bonus_paid", "interest_credited", "tax_forgone",
    "loans_disbursed_amount", "loan_balance", "deposit_balance", "pool_deposit_balance",
    "pool_loan_balance", "cash", "credit_line_balance", "credit_line_drawn",
    "value_added_income", "risk_reserve", "reserve_uncovered", "defaults_amount", "credit_losses",
    "pool_equity", "interest_payable", "unmet_withdrawals", "unpaid_costs", "employee_reserve",
    *(f"deposits.{c}" for c in COHORTS),
    *(f"cash_in.{k}" for k in CASH_IN), *(f"cash_out.{k}" for k in CASH_OUT),
    *(name for name in SEGMENT_SERIES if name != "segment_reserve_to_loans"),
    *housing.ACCOUNT_FEN_SERIES,
}  # fmt: skip
"""Series held in fen and written in yuan."""


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
        self.env = simpy.Environment()
        self.money = PoolBooks(self.env, self.policy, sc.pool, start, grant=self._grant)
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

    # ------------------------------------------------------------------ the month
    def _month(self, t: int, month: int):
        sc, pop, st, ledger, money = self.scenario, self.pop, self.state, self.ledger, self.money
        acc = ledger.acc
        shocks = in_force(sc, month)
        self._change_policy(month, shocks.policy_changes)
        self.hpi = shocks.house_price_index
        if calendar_month(month) == 1:
            update_tax_brackets(st, self.income, self.policy)
            self.book.reprice(month)
        step_income(sc.agents, pop, self.income, self.rng, month, st.alive, shocks.income)
        ledger.begin_month()
        opening = money.open_month(month, flexible_deposits=ledger.books.opening_total,
                                   flexible_loans=self.book.outstanding())  # fmt: skip
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
        money.member_flows(books, mortgage_out)
        emp = money.employee_month(month, shocks.employee)
        interest = money.interest(opening)
        balance = books.opening_total + books.inflows - books.withdrawn  # no pass over accounts
        money.observe(flexible_deposits=balance, flexible_loans=self.book.outstanding())
        self._level = rationing_level(self.policy, money.pool.loan_to_deposit())
        yield money.pool.service()
        self._disburse_granted(month)
        ledger_books = ledger.end_month()
        loan_month = self.book.close_month()
        settle = is_settlement_month(month, self.policy["interest.settlement_month"])
        end = money.close_month(month, self.policy, ledger_books, loan_month, emp, interest,
                                opening, settle=settle)  # fmt: skip
        counts = {"new_members": new, "exits": exits, "tax_forgone": tax_forgone,
                  "loan_applications": applications, "loan_refusals": refused,
                  "value_added_income": end.value_added}  # fmt: skip
        self._record(t, ledger_books, loan_month, end, counts, by_cohort)

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
        self.money.loan_receipts(month, loan_month, int(from_balance.sum()))
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
            self.money.pool.submit(Application(int(fund.amount[i]), month, "flexible", payload))
        return fund.applied, fund.refused

    def _grant(self, app: Application) -> bool:
        """The desk grants a loan: the book, and the end of the borrower's subsidy (S3)."""
        if app.segment == "employee":
            self.money.employee.lend(app.amount)
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
        employee = self.money.employee
        rate = max(employee.params.loan_rate - cut, 0.0)
        employee.params = replace(employee.params, loan_rate=rate)

    def _set_policy(self, policy) -> None:
        self.policy = policy
        self.ledger.set_policy(policy)
        self.book.policy = policy
        self.money.set_policy(policy)

    # ------------------------------------------------------------------ the record
    def _record(self, t, lb, loan, end, counts, by_cohort) -> None:
        """The month's row of every series (:data:`SERIES`), money in yuan."""
        o, acc, money = self.out, self.ledger.acc, self.money
        pool, employee, segment = money.pool, money.employee, money.segment
        cash, seg, sheet = end.cash, end.segment, end.sheet
        cap_fen = round(self.policy["subsidy.lifetime_cap"] * 100)
        deposit_balance, loan_balance = lb.closing_total, loan.closing_principal
        pool_dep = deposit_balance + employee.deposit_balance
        pool_loans = loan_balance + employee.loan_balance
        queue_len, _ = pool.queued()
        _, owed = self.book.amount_due()
        employee_due = employee.loan_balance // self.scenario.pool.employee.repayment_months
        scheduled = int(owed.sum()) + employee_due
        stressed = stressed_loss(self.book, self.policy, self.hpi)
        segment_ratios = adequacy(segment.reserve, loan_balance, stressed)
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
            "reserve_uncovered": segment.reserve.uncovered,
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
            "unmet_withdrawals": sheet.unmet_withdrawals, "unpaid_costs": sheet.unpaid_costs,
            "employee_reserve": money.reserve.balance,
            "segment_value_added_income": seg.value_added, "segment_subsidy_cost": seg.subsidy_cost,
            "segment_margin": seg.margin, "segment_reserve": segment.reserve.balance,
            "segment_reserve_to_loans": min(segment_ratios["reserve_to_loans"], 1e6)
            if loan_balance or segment.reserve.balance else 0.0,
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
