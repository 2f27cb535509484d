"""Many paths of one scenario in one batch: the per-person kernels run once for all of them.

A Monte Carlo runs hundreds of paths of the same scenario. Each path is an
ordinary :class:`~sim.engine.simulation.Simulation` — its own people, fund and record —
but the paths of a batch share one SimPy environment and their per-person
arrays are laid end to end in shared arrays: path ``p`` of the batch owns rows
``p * n … (p + 1) * n - 1`` of every array (:mod:`sim.core.chunks`). The joined
arrays are allocated first (:class:`~sim.core.lanes.Lanes`) and each path's
people and accounts are built over their rows (``lane=``), so the batch is a
client of its paths: it reads the joined arrays, and never swaps a path's.
Twice a month the paths meet
(:class:`Meeting`), and the last to arrive runs one kernel call for all:

1. ``earn_and_decide`` — this month's income, then every person's choices, a
   chunk of people at a time (:func:`sim.agents.monthly.earn_and_choose`), read
   back by each path as its own decisions;
2. ``end_month`` — the ledgers' one-pass month end
   (:func:`sim.fund.month_end.close_months`), which each path's fund then
   checks and books as its own (:meth:`Ledger.end_month`).

Between the meetings each path's fund objects are touched once a month as
when it runs alone (its requests, the desk, its books). A path's draws are
keyed by its own seed and path number and by the row *within* the path, and
its float totals are summed chunk by chunk in its own order, so its numbers
are bit-identical alone, in a batch of any size, or on another worker
(``tests/test_batch.py``). A path alone is a batch of one.

Every path must run the same scenario (the same month, shocks and published
terms at each meeting); a meeting that finds otherwise raises rather than
run one path under another's terms.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import simpy

from sim.agents.behaviour import Behaviour
from sim.agents.monthly import earn_and_choose
from sim.agents.people import CHOICES, INCOME, MEMORY, POPULATION, People
from sim.core.lanes import Lanes
from sim.core.months import is_settlement_month
from sim.fund.accounts import Accounts
from sim.fund.fund import Fund
from sim.fund.ledger import AGED, GROUP
from sim.fund.month_end import close_months
from sim.fund.requests import FundView, own_accounts

_TERMS = ("deposit_rate", "holding_rate", "floor_fen", "cap_fen", "quarterly_allowed",
          "tax_rates")  # fmt: skip
"""What a fund shows every person alike: paths deciding in one kernel call must agree."""


class Meeting:
    """A point in the month where the paths of a batch wait for one another.

    ``arrive(path, *args)`` returns the SimPy event the path waits for
    (``meet`` waits for it, in a process). When the last path arrives, ``step``
    runs once with every path's arguments (in path order) and returns one
    result per path, which becomes the value of that path's event.
    """

    def __init__(
        self,
        env: simpy.Environment,
        paths: int,
        step: Callable[[list], list],
        name: str = "meeting",
    ) -> None:
        self.env, self.paths, self.step, self.name = env, paths, step, name
        self._args: dict[int, tuple] = {}
        self._events: dict[int, simpy.Event] = {}

    def meet(self, path: int, *args: Any):
        """Wait here (``yield from``) and return this path's result; a path alone does not
        wait (no SimPy event)."""
        if self.paths == 1:
            return self.step([args])[0]
        return (yield self.arrive(path, *args))

    def waiting(self) -> list[int]:
        """The paths here now, waiting for the others."""
        return sorted(self._args)

    def arrive(self, path: int, *args: Any) -> simpy.Event:
        """Path ``path`` is here with ``args``; wait for the event."""
        if path in self._args:
            raise RuntimeError(f"path {path} arrived twice before the others")
        self._args[path] = args
        event = self._events[path] = self.env.event()
        if len(self._args) == self.paths:
            args_by_path, events = self._args, self._events
            self._args, self._events = {}, {}
            results = self.step([args_by_path[p] for p in range(self.paths)])
            for p in range(self.paths):
                events[p].succeed(results[p])
        return event


class Batch:
    """``paths`` paths (each a ``People`` and a ``Fund`` on one ``env``) run as one batch;
    see the module docstring. Several paths are built over the rows of ``lanes``
    (:mod:`sim.core.lanes`), which the batch's kernels read whole."""

    def __init__(
        self,
        env: simpy.Environment,
        paths: Sequence[tuple[People, Fund]],
        lanes: Lanes | None = None,
    ):
        self.people = [p for p, _ in paths]
        self.funds = [f for _, f in paths]
        self.paths = len(paths)
        self.n = self.people[0].pop.n
        if any(p.pop.n != self.n for p in self.people):
            raise ValueError("the paths of a batch must have the same number of people")
        if any(p.config is not self.people[0].config for p in self.people):
            raise ValueError("the paths of a batch must run the same scenario")
        ledgers = [f.ledger for f in self.funds]
        self.lanes = lanes
        if self.paths == 1:  # a path alone: its own arrays and choices, looked up each month
            self.pop = self.income = self.state = self.acc = self.behaviour = None
            self.group, self.aged = ledgers[0].group, ledgers[0].aged
        else:
            _check_built_over(lanes, self.people, ledgers)
            first = self.people[0]
            self.pop = lanes.joined(POPULATION, first.pop)
            self.income = lanes.joined(INCOME, first.income)
            self.state = lanes.joined(MEMORY, first.state)
            self.acc = Accounts.joined(lanes, ledgers[0].acc)
            self.group, whole_aged = lanes.whole(GROUP), lanes.whole(AGED)
            outputs = lanes.joined(CHOICES, first.behaviour.outputs)
            self.behaviour = Behaviour(
                first.config, self.pop, [p.rng for p in self.people], outputs=outputs
            )

            def aged() -> np.ndarray:  # each ledger brings its rows up to date
                for ledger in ledgers:
                    ledger.aged()
                return whole_aged

            self.aged = aged
        self.living = Meeting(env, self.paths, self._earn_and_decide, "income and choices")
        self.ending = Meeting(env, self.paths, self._end_month, "month end")

    def check_finished(self) -> None:
        """After the run: no path may be left waiting for others that had stopped (paths of
        different horizons are not one scenario)."""
        for meeting in (self.living, self.ending):
            if meeting.waiting():
                raise RuntimeError(
                    f"paths {meeting.waiting()} of the batch were left waiting "
                    f"at the {meeting.name}: a batch runs one scenario"
                )

    # ------------------------------------------------------------------ the meetings
    # In a SimPy process: ``value = yield from batch.earn_and_decide(...)``.
    def earn_and_decide(self, path: int, month: int, shock, view: FundView, **hooks: float):
        """This month's income of every path (after their January tax brackets) and every
        path's choices, in one kernel call; returns this path's ``Decisions``."""
        return (yield from self.living.meet(path, month, shock, view, hooks))

    def end_month(self, path: int):
        """The ledgers' one-pass month end, after every path's desk; returns this path's
        ``MonthEnd``, or ``None`` where the month end takes the step-by-step path
        (:meth:`Ledger.closes_in_one_pass`)."""
        return (yield from self.ending.meet(path))

    def _earn_and_decide(self, args: list) -> list:
        what = "month, income shock, published terms and stress hooks"
        month, shock, view, hooks = _same(args, what, _live_key)
        hpi = hooks.get("house_price_index", 1.0)
        choice = {k: v for k, v in hooks.items() if k != "house_price_index"}
        if self.paths == 1:
            p = self.people[0]
            out = earn_and_choose(p.behaviour, p.income, p.state, month, shock, view, **choice)
            return [p.behaviour.decisions(month, out, hpi)]
        # the batch's view: the same terms, every account over all paths' rows
        view = dataclasses.replace(view, **own_accounts(self.acc, self.aged()))
        earn_and_choose(self.behaviour, self.income, self.state, month, shock, view, **choice)
        return [p.behaviour.decisions(month, p.behaviour.outputs, hpi) for p in self.people]

    def _end_month(self, args: list) -> list:
        ledgers = [f.ledger for f in self.funds]
        if not all(ledger.closes_in_one_pass() for ledger in ledgers):
            return [None] * self.paths
        if self.paths > 1:
            _same(
                [(ledger.month_end_terms(),) for ledger in ledgers], "month-end terms", lambda a: a
            )
        first = ledgers[0]
        month = first.month
        settle = is_settlement_month(month, first.policy["interest.settlement_month"])
        acc = first.acc if self.paths == 1 else self.acc
        ends, _ = close_months(
            acc,
            first.policy,
            month,
            self.aged(),  # the next month's written over it, in every ledger's rows
            paths=self.paths,
            settle=settle,
            group=self.group,
            groups=first.groups,
        )
        return ends


def _check_built_over(lanes: Lanes | None, people: Sequence[People], ledgers: Sequence) -> None:
    """Every path's people and accounts are its rows of ``lanes`` (:mod:`sim.core.lanes`)."""
    try:
        cohort, balance = lanes.whole(f"{POPULATION}.cohort"), lanes.whole("acc.balance")
    except (AttributeError, KeyError):  # no lanes, or none laid out there
        cohort = balance = None
    if (
        cohort is None
        or not all(np.may_share_memory(p.pop.cohort, cohort) for p in people)
        or not all(np.may_share_memory(g.acc.balance, balance) for g in ledgers)
    ):
        raise ValueError("the paths of a batch must be built over its lanes (sim.core.lanes)")


def _same(args: list, what: str, key: Callable) -> tuple:
    """The arguments every path brought to a meeting, which must agree (by ``key``)."""
    if len(args) == 1:
        return args[0]
    first = key(args[0])
    for a in args[1:]:
        if key(a) != first:
            raise ValueError(
                f"the paths of a batch disagree on the {what}: a batch runs one scenario"
            )
    return args[0]


def _live_key(args: tuple) -> tuple:
    month, shock, view, hooks = args
    return (_shock_key((month, shock)), _decide_key((month, view, hooks)))


def _shock_key(args: tuple) -> tuple:
    month, shock = args
    if shock is None:
        return (month, None)
    return (
        month,
        tuple(np.asarray(shock.level).tolist()),
        tuple(np.asarray(shock.idle_multiplier).tolist()),
    )


def _decide_key(args: tuple) -> tuple:
    month, view, hooks = args
    return (month, tuple(getattr(view, t) for t in _TERMS), tuple(sorted(hooks.items())))
