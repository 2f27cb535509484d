"""The engine: one path of a scenario, month by month, on a SimPy clock.

A path is a :class:`~sim.fund.fund.Fund` and :class:`~sim.agents.people.People`
who meet only through the requests of :mod:`sim.fund.requests`. ``env.now``
counts months from the scenario's start. Every month
(:meth:`Simulation.month_cycle`):

1. the shocks in force (:func:`sim.scenario.shocks.in_force`, a pure function);
2. ``fund.open_month`` — their policy changes and house prices, the books open;
3. ``people.new_tax_year`` — January tax brackets (D3);
4. ``batch.earn`` — this month's income (the income kernel);
5. ``batch.decide`` — everyone's choices, given the fund's view (the
   behaviour kernel);
6. :func:`sim.agents.people.visit` — people send their requests
   (``fund.handle``) and learn from the answers; buyers get quotes, choose
   their financing and apply (``fund.quote``, ``fund.apply``);
7. ``fund.desk()`` — the pool's cash flows and the loan desk (a SimPy process
   serving the first-come queue, F5);
8. ``batch.end_month`` — the accounts' one-pass month end, then
   ``fund.close_month(end)`` — month end of the accounts, the loan book and
   the pool, each book checked (a mismatch aborts the path naming the month
   and every line);
9. the record: the fund's figures (:func:`sim.fund.figures.month_figures`)
   and the people's.

Steps 4, 5 and 8 are the meetings of the path's :class:`~sim.engine.batch.Batch`:
alone, a batch of one; in :func:`simulate_batch`, one kernel call a month for
all its paths.

:meth:`Simulation.policy_switch` switches policy on the scenario's switch
date. :func:`simulate` returns one array per series (:data:`SERIES`), money
in yuan. Values pass between the month's steps as arguments and return
values; what ``self`` holds lasts from month to month.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import simpy

from sim.agents.config import COHORTS
from sim.agents.people import People, Visit, visit
from sim.book.load import checked_book, open_from_book
from sim.engine.batch import Batch
from sim.fund.books import BooksError
from sim.fund.figures import COHORT_SERIES, POOL_FLOW_FEN, POOL_FLOW_SERIES, WITHDRAWAL_SERIES
from sim.fund.fund import Fund, FundMonth
from sim.fund.liquidity import CASH_IN, CASH_OUT
from sim.fund.requests import FundView
from sim.scenario.files import Scenario
from sim.scenario.shocks import in_force

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
    "survival_months", "survival_months_with_line", "loan_queue_amount", "credit_line_balance",
    "credit_line_drawn", "value_added_income",
    "risk_reserve", "reserve_to_loans", "reserve_to_stressed_loss", "reserve_uncovered",
    "defaults_amount", "credit_losses", "defaults", "arrears_3plus", "rationing_level",
    "house_price_index", "members_at_cap", *COHORT_SERIES,
    *(f"members.{c}" for c in COHORTS), *(f"deposits.{c}" for c in COHORTS),
    *(f"cash_in.{k}" for k in CASH_IN), *(f"cash_out.{k}" for k in CASH_OUT),
    "pool_equity", "interest_payable", "unmet_withdrawals", "unpaid_costs", "employee_reserve",
    *SEGMENT_SERIES,
    "active_depositors", "dormant_accounts", "ever_members", "housing_users",
    *WITHDRAWAL_SERIES, *POOL_FLOW_SERIES,
)  # fmt: skip
"""Every monthly series (F7: the centre monitors deposits, withdrawals and loans, by cohort)."""
FEN_SERIES = {
    "deposits", "withdrawals", "subsidy_paid", "bonus_paid", "interest_credited", "tax_forgone",
    "loans_disbursed_amount", "loan_balance", "deposit_balance", "pool_deposit_balance",
    "pool_loan_balance", "cash", "loan_queue_amount", "credit_line_balance", "credit_line_drawn",
    "value_added_income", "risk_reserve", "reserve_uncovered", "defaults_amount", "credit_losses",
    *(n for n in COHORT_SERIES if n != "cohort_defaults_to_date"),
    "pool_equity", "interest_payable", "unmet_withdrawals", "unpaid_costs", "employee_reserve",
    *(f"deposits.{c}" for c in COHORTS),
    *(f"cash_in.{k}" for k in CASH_IN), *(f"cash_out.{k}" for k in CASH_OUT),
    *(name for name in SEGMENT_SERIES if name != "segment_reserve_to_loans"),
    *WITHDRAWAL_SERIES, *POOL_FLOW_FEN,
}  # fmt: skip
"""Series held in fen and written in yuan."""


_FEN_ROWS = np.array([i for i, name in enumerate(SERIES) if name in FEN_SERIES], np.int64)


def path_seed(seed: int, path: int) -> int:
    """The path's own seed: a child of the root ``SeedSequence``, whatever the worker count."""
    return int(np.random.SeedSequence(seed, spawn_key=(path,)).generate_state(1, np.uint64)[0])


class Simulation:
    """One path of a scenario (see the module docstring).

    Alone it is a batch of one; :func:`simulate_batch` runs several on one
    ``env`` as a :class:`~sim.engine.batch.Batch`.
    """

    def __init__(self, scenario: Scenario, path: int, *, env: simpy.Environment | None = None):
        sc = self.scenario = scenario
        self.path = path
        policy = sc.policy_in(sc.start)
        book = checked_book(sc.book, policy) if sc.book else None  # people 0 … B-1 (sim.book)
        n, seed = sc.population_size + (book.n if book else 0), path_seed(sc.seed, path)
        self.env = env or simpy.Environment()
        self.people = People(
            sc.agents, n, seed=seed, path=path, start=sc.start, policy=policy, book=book
        )
        self.fund = Fund(
            self.env,
            policy,
            sc.pool,
            n,
            sc.start,
            repay_from_balance=sc.repay_from_balance,
            group=self.people.pop.cohort,
            draws=(seed, path),
            group_names=tuple(c.name for c in sc.agents.cohorts),
        )
        self.fund.cohort_month = sc.cohort_month
        if book:
            open_from_book(self.fund, book)
        self._table = np.zeros((len(SERIES), sc.horizon))  # a row a series: a month is a column
        self.out = {name: self._table[i] for i, name in enumerate(SERIES)}
        self.batch, self.lane = Batch(self.env, [(self.people, self.fund)]), 0
        self.env.process(self._run())
        if sc.switch_on is not None:
            self.env.process(self.policy_switch())

    def join(self, batch: Batch, lane: int) -> None:
        """Run as path ``lane`` of ``batch`` (before the environment runs)."""
        self.batch, self.lane = batch, lane

    def month_cycle(self):
        """Every month, in the order of the module docstring; the per-person kernels run at
        the batch's meetings (:mod:`sim.engine.batch`), for every path of the batch at once."""
        sc, fund, people, batch, lane = self.scenario, self.fund, self.people, self.batch, self.lane
        for t in range(sc.horizon):
            month = sc.start + t
            shocks = in_force(sc, month)
            fund.open_month(month, shocks)
            view = fund.view(month)
            people.new_tax_year(month, view)
            yield from batch.earn(lane, month, shocks.income)
            hooks = {
                "exit_multiplier": shocks.exit_multiplier,
                "purchase_multiplier": shocks.purchase_multiplier,
                "house_price_index": shocks.house_price_index,
            }
            decisions = yield from batch.decide(lane, month, view, **hooks)
            seen = visit(people, fund, month, view, decisions, **hooks)
            yield from fund.desk()
            end = yield from batch.end_month(lane)
            self._record(t, view, seen, fund.close_month(end))
            yield self.env.timeout(1)

    def _run(self):
        """The month cycle; a failed reconciliation names the path as well as the month (the
        same kind of error: which books failed stays in its type)."""
        try:
            yield from self.month_cycle()
        except BooksError as exc:
            raise type(exc)(f"path {self.path}: {exc}") from exc

    def policy_switch(self):
        """Switch policy at the start of the switch month; a stress's policy changes hold
        (:meth:`~sim.fund.fund.Fund.switch_policy`)."""
        sc = self.scenario
        yield self.env.timeout(sc.switch_on - sc.start)
        self.fund.switch_policy(sc.switch_policy)

    def _record(self, t: int, view: FundView, seen: Visit, closed: FundMonth) -> None:
        """The month's row of every series (:data:`SERIES`), money in yuan."""
        answers, people = seen.answers, self.people
        values = dict(closed.figures)
        values |= {
            "new_members": len(answers.joined),
            "exits": answers.exits,
            "tax_forgone": answers.tax_saved,
            "loan_applications": seen.purchases.applied,
            "loan_refusals": seen.purchases.refused,
        }
        values |= people.deposits_by_cohort(answers)
        values |= people.account_states(view)
        o = self.out
        if t == 0 and values.keys() != o.keys():  # every series written, no other
            raise RuntimeError(
                f"the record: missing {sorted(o.keys() - values.keys())}, "
                f"unknown {sorted(values.keys() - o.keys())}"
            )
        column = np.array([values[name] for name in SERIES], np.float64)
        column[_FEN_ROWS] /= 100  # the same floats as ``value / 100``: fen are below 2^53
        self._table[:, t] = column


def people_of(scenario: Scenario) -> int:
    """How many people a path of ``scenario`` simulates: the population and a book's
    members (its header's count, without reading the book)."""
    if not scenario.book:
        return scenario.population_size
    from sim.book.check import read_header

    return scenario.population_size + read_header(scenario.book).accounts


def simulate(scenario: Scenario, path: int) -> dict[str, np.ndarray]:
    """Run one path to the horizon; one array per series of :data:`SERIES` (money in yuan)."""
    sim = Simulation(scenario, path)
    sim.env.run()
    return sim.out


def simulate_batch(scenario: Scenario, paths: Sequence[int]) -> list[dict[str, np.ndarray]]:
    """Run ``paths`` of one scenario as one batch (:mod:`sim.engine.batch`): each path's series
    bit-identical to :func:`simulate` of that path alone."""
    if not paths:
        return []
    env = simpy.Environment()
    sims = [Simulation(scenario, p, env=env) for p in paths]
    batch = Batch(env, [(s.people, s.fund) for s in sims])
    for lane, s in enumerate(sims):
        s.join(batch, lane)
    env.run()
    batch.check_finished()
    return [s.out for s in sims]
