"""The engine: one path of a scenario, month by month, on a SimPy clock.

A path is a :class:`~sim.fund.fund.Fund` and :class:`~sim.agents.people.People`
who meet only through the requests of :mod:`sim.fund.requests`. ``env.now``
counts months from the scenario's start. Every month
(:meth:`Simulation.month_cycle`):

1. the shocks in force (:func:`sim.scenario.shocks.in_force`, a pure function);
2. ``fund.open_month`` — their policy changes and house prices, the books open;
3. ``people.new_tax_year`` — January tax brackets (D3);
4. ``batch.earn_and_decide`` — this month's income, then everyone's choices
   given the fund's view, a chunk of people at a time in one kernel
   (:mod:`sim.agents.monthly`);
5. :func:`sim.agents.people.visit` — people send their requests
   (``fund.handle``) and learn from the answers; buyers get quotes, choose
   their financing and apply (``fund.quote``, ``fund.apply``);
6. ``fund.desk()`` — the pool's cash flows and the loan desk (a SimPy process
   serving the first-come queue, F5);
7. ``batch.end_month`` — the accounts' one-pass month end, then
   ``fund.close_month(end)`` — month end of the accounts, the loan book and
   the pool, each book checked (a mismatch aborts the path naming the month
   and every line);
8. the record: the fund's figures (:func:`sim.fund.figures.month_figures`)
   and the people's.

Steps 4 and 7 are the meetings of the path's :class:`~sim.engine.batch.Batch`:
alone, a batch of one; in :func:`simulate_batch`, one kernel call a month for
all its paths.

:meth:`Simulation.policy_switch` switches policy on the scenario's switch
date. :func:`simulate` returns one array per series (:data:`SERIES`, in the
order and with the units of :mod:`sim.engine.series`), money in yuan. Values
pass between the month's steps as arguments and return values; what ``self``
holds lasts from month to month.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import simpy

from sim.agents.people import People, Visit, visit
from sim.book.load import checked_book, open_from_book
from sim.core.lanes import Lane, Lanes
from sim.engine.batch import Batch
from sim.engine.series import FEN_SERIES, SERIES
from sim.fund.books import BooksError
from sim.fund.fund import Fund, FundMonth
from sim.fund.requests import FundView
from sim.scenario.files import Scenario
from sim.scenario.shocks import in_force

_FEN_ROWS = np.array([i for i, name in enumerate(SERIES) if name in FEN_SERIES], np.int64)


def path_seed(seed: int, path: int) -> int:
    """The path's own seed: a child of the root ``SeedSequence``, whatever the worker count."""
    return int(np.random.SeedSequence(seed, spawn_key=(path,)).generate_state(1, np.uint64)[0])


class Simulation:
    """One path of a scenario (see the module docstring).

    Alone it is a batch of one; :func:`simulate_batch` runs several on one
    ``env`` as a :class:`~sim.engine.batch.Batch`.
    """

    def __init__(
        self,
        scenario: Scenario,
        path: int,
        *,
        env: simpy.Environment | None = None,
        lane: Lane | None = None,
    ):
        sc = self.scenario = scenario
        self.path = path
        policy = sc.policy_in(sc.start)
        book = checked_book(sc.book, policy) if sc.book else None  # people 0 … B-1 (sim.book)
        n, seed = sc.population_size + (book.n if book else 0), path_seed(sc.seed, path)
        self.env = env or simpy.Environment()
        self.people = People(
            sc.agents, n, seed=seed, path=path, start=sc.start, policy=policy, book=book,
            lane=lane,
        )  # fmt: skip
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
            lane=lane,
        )
        self.fund.cohort_month = sc.cohort_month
        if book:
            open_from_book(self.fund, book)
        self._table = np.zeros((len(SERIES), sc.horizon))  # a row a series: a month is a column
        self.out = {name: self._table[i] for i, name in enumerate(SERIES)}
        self.batch, self.index = Batch(self.env, [(self.people, self.fund)]), 0
        self.env.process(self._run())
        if sc.switch_on is not None and sc.switch_on < sc.start + sc.horizon:  # in the run
            self.env.process(self.policy_switch())

    def join(self, batch: Batch, index: int) -> None:
        """Run as path ``index`` of ``batch`` (before the environment runs)."""
        self.batch, self.index = batch, index

    def month_cycle(self):
        """Every month, in the order of the module docstring; the per-person kernels run at
        the batch's meetings (:mod:`sim.engine.batch`), for every path of the batch at once."""
        sc, fund, people, batch, k = self.scenario, self.fund, self.people, self.batch, self.index
        for t in range(sc.horizon):
            month = sc.start + t
            shocks = in_force(sc, month)
            fund.open_month(month, shocks)
            view = fund.view(month)
            people.new_tax_year(month, view)
            hooks = {
                "exit_multiplier": shocks.exit_multiplier,
                "purchase_multiplier": shocks.purchase_multiplier,
                "house_price_index": shocks.house_price_index,
            }
            decisions = yield from batch.earn_and_decide(k, month, shocks.income, view, **hooks)
            seen = visit(people, fund, month, view, decisions, **hooks)
            yield from fund.desk()
            end = yield from batch.end_month(k)
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


def build_batch(
    paths: Sequence[tuple[Scenario, int]],
    *,
    env: simpy.Environment | None = None,
    kind: type[Simulation] = Simulation,
) -> tuple[list[Simulation], Batch]:
    """``paths`` (each a scenario and a path number) built over one batch's rows
    (:class:`~sim.core.lanes.Lanes`) and joined to it, ready for ``env.run()``; ``kind`` is
    the class of each path (a :class:`Simulation`)."""
    env = env or simpy.Environment()
    lanes = Lanes(len(paths), people_of(paths[0][0]))
    sims = [kind(sc, p, env=env, lane=lanes.lane(k)) for k, (sc, p) in enumerate(paths)]
    batch = Batch(env, [(s.people, s.fund) for s in sims], lanes)
    for k, s in enumerate(sims):
        s.join(batch, k)
    return sims, batch


def simulate_batch(scenario: Scenario, paths: Sequence[int]) -> list[dict[str, np.ndarray]]:
    """Run ``paths`` of one scenario as one batch (:mod:`sim.engine.batch`): each path's series
    bit-identical to :func:`simulate` of that path alone."""
    if not paths:
        return []
    sims, batch = build_batch([(scenario, p) for p in paths])
    sims[0].env.run()
    batch.check_finished()
    return [s.out for s in sims]
