"""The engine's own month, for calibration and the rate response (issue 21).

Calibration (``sim.agents.calibration``, ``sim.agents.fitting``) and ``hpfsim response``
(``sim.agents.response``) run :class:`sim.engine.simulation.Simulation` — the month the committee's
numbers come from: the fund's counter, its loan desk and loan book, the pool with the
employee segment, repayments and defaults — on a scenario made from the baseline's
(:func:`month_scenario`): its fund file and ``repay_from_balance``, with the population,
policy, size, months, seed and start given, and no policy switch, no shocks and no book.

:class:`Recorder` is a :class:`~sim.engine.simulation.Simulation` that also keeps, each month, the
series calibration measures (:data:`SERIES`): what the month's books and answers say, and
what it derives from people's accounts (dormancy, restarts, the rent year, new loans by
borrower). :func:`record_paths` runs paths as batches (:mod:`sim.engine.batch`) of at most
:data:`BATCH_PEOPLE` people.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import simpy

from sim.agents.config import AgentConfig
from sim.core.lanes import Lane
from sim.core.months import is_settlement_month
from sim.engine.simulation import Simulation, build_batch
from sim.fund.policy import Policy
from sim.scenario.files import Scenario, load_scenario

DORMANT_AFTER = 6
"""Months without a deposit after which an open account counts as dormant (KiwiSaver's
'contribution holiday' is any stop; six months separates a stop from irregular timing)."""

BATCH_PEOPLE = 200_000
"""At most this many people (paths × people) in one batch, as the engine's runs."""

COUNTS = {
    "members": "open accounts at month end",
    "new_members": "accounts opened this month",
    "exits": "voluntary exits (W3)",
    "leavers": "people retiring, dying or emigrating this month",
    "deposit_requests": "deposits asked for by members",
    "deposits": "deposits the fund took",
    "deposits_fen": "deposits taken (fen)",
    "rent_fen": "rent withdrawn (fen)",
    "exit_fen": "exit withdrawals (fen)",
    "applications": "purchases (members or not)",
    "loans_granted": "fund loans disbursed this month",
    "loans_fen": "fund loans disbursed this month (fen)",
    "active_share": "share of people alive working this month",
    "mean_income": "mean income of people alive (yuan)",
    "active_depositors": "open accounts not dormant (behaviour's own state)",
    "dormant_accounts": "open accounts dormant (behaviour's own state)",
    "subsidy_fen": "holding subsidy and opening bonus credited (fen)",
}
"""The month's counts and sums from its books and answers."""

DICTS = {"refused": "refusals by reason", "withdrawals_fen": "withdrawals by kind (fen)"}
"""Series by key (``refused.below_floor``, ``withdrawals_fen.rent``, …)."""

DERIVED = {
    "alive": "people not retired, dead or emigrated",
    "people": "people simulated (those who might join), alive or not",
    "income_yuan": "total income of people alive (yuan)",
    "ever_members": "people who ever opened an account (cumulative)",
    "dormant": f"open accounts with no deposit in the last {DORMANT_AFTER} months",
    "stops": "open accounts becoming dormant this month",
    "restarts": "dormant open accounts depositing again this month",
    "deposit_income_fen": "depositors' average monthly income x months their deposit covers (fen)",
    "members_at_settlement": "open accounts in the settlement month (else 0)",
    "rent_withdrawers_year": "accounts with a rent withdrawal in the fund year, at its settlement",
    "rent_fen_year": "rent withdrawn in the fund year, at its settlement (fen)",
    "loans_under_40": "fund loans disbursed this month to borrowers under 40",
    "loans_first_home": "fund loans disbursed this month for a first home",
}
"""Series derived from people's accounts each month."""

SERIES = {**COUNTS, **DERIVED}
Series = dict[str, np.ndarray]
"""One path's recorded series, one value a month."""


@functools.lru_cache(maxsize=1)
def _baseline() -> Scenario:
    return load_scenario()


def month_scenario(
    config: AgentConfig,
    policy: Policy,
    *,
    n: int,
    months: int,
    seed: int,
    start_month: int,
    base: Scenario | None = None,
) -> Scenario:
    """The baseline scenario (or ``base``) with these people, this policy throughout, ``n``
    people, ``months`` months from ``start_month``; no switch, shocks or book."""
    return replace(
        base or _baseline(),
        agents=config,
        policy=policy,
        switch_on=None,
        switch_policy=None,
        population_size=n,
        horizon=months,
        seed=seed,
        start=start_month,
        shocks=(),
        book=None,
        paths=1,
    )


class Recorder(Simulation):
    """A path of the engine that also records :data:`SERIES` each month (:meth:`series`)."""

    def __init__(
        self,
        scenario: Scenario,
        path: int,
        *,
        env: simpy.Environment | None = None,
        lane: Lane | None = None,
    ):
        super().__init__(scenario, path, env=env, lane=lane)
        n = self.people.pop.n
        self.rows: dict[str, list[float]] = {}
        self._last_deposit = np.full(n, -(10**6), np.int64)
        self._months_before = np.zeros(n, np.int32)
        self._was_dormant = np.zeros(n, bool)

    def series(self) -> dict[str, np.ndarray]:
        """Every recorded series, one value a month (float64)."""
        return {k: np.asarray(v, np.float64) for k, v in self.rows.items()}

    def _record(self, t, view, seen, closed) -> None:
        super()._record(t, view, seen, closed)
        row = self._counts(t, seen, closed) | self._derived(t, closed)
        for key, v in row.items():
            self.rows.setdefault(key, [0.0] * t).append(float(v))
        for v in self.rows.values():
            v.extend([0.0] * (t + 1 - len(v)))

    def _counts(self, t: int, seen, closed) -> dict[str, float]:
        d, answers, books = seen.decisions, seen.answers, closed.accounts
        alive, income = self.people.state.alive, self.people.income
        book, m = self.fund.book, self.scenario.start + t
        new = np.flatnonzero(book.disbursed_month[: book.n] == m)
        row = {
            "members": int(self.fund.ledger.acc.is_open.sum()),
            "new_members": len(answers.joined),
            "exits": answers.exits,
            "leavers": len(d.leave),
            "deposit_requests": answers.deposit_asks,
            "deposits": len(answers.deposited),
            "deposits_fen": books.deposits,
            "rent_fen": books.withdrawals.get("rent", 0),
            "exit_fen": books.withdrawals.get("exit", 0),
            "applications": len(d.applications),
            "loans_granted": len(new),
            "loans_fen": int(book.original[new].sum()),
            "active_share": float(income.active[alive].mean()) if alive.any() else 0.0,
            "mean_income": float(income.income[alive].mean()) if alive.any() else 0.0,
            "active_depositors": self.out["active_depositors"][t],
            "dormant_accounts": self.out["dormant_accounts"][t],
            "subsidy_fen": books.subsidy_credited + books.bonus_credited,
        }
        row |= {f"refused.{k}": v for k, v in books.refused.items()}
        row |= {f"withdrawals_fen.{k}": v for k, v in books.withdrawals.items()}
        self._new_loans = new
        return row

    def _derived(self, t: int, closed) -> dict[str, float]:
        acc, pop, st = self.fund.ledger.acc, self.people.pop, self.people.state
        m, book, new = self.scenario.start + t, self.fund.book, self._new_loans
        depositing = acc.deposit_months > self._months_before
        covered = np.maximum(acc.deposit_months - self._months_before, 0)
        self._last_deposit[depositing] = m
        new_open = acc.is_open & (acc.opened_month == m)
        dormant = acc.is_open & (m - self._last_deposit >= DORMANT_AFTER)
        age = (m - pop.birth_month[book.person[new]]) / 12.0
        settling = is_settlement_month(m, self.fund.policy["interest.settlement_month"])
        row = {
            "alive": int(st.alive.sum()),
            "people": pop.n,
            "income_yuan": float(self.people.income.income[st.alive].sum()),
            "ever_members": int(acc.ever_opened.sum()),
            "dormant": int(dormant.sum()),
            "stops": int((dormant & ~self._was_dormant & ~new_open).sum()),
            "restarts": int((self._was_dormant & depositing & acc.is_open & ~new_open).sum()),
            "deposit_income_fen": 100.0 * float((self.people.income.income_avg * covered).sum()),
            "members_at_settlement": int(acc.is_open.sum()) if settling else 0,
            "rent_withdrawers_year": int((acc.rent_this_year > 0).sum()) if settling else 0,
            "rent_fen_year": float(acc.rent_this_year.sum()) if settling else 0.0,
            "loans_under_40": int((age < 40).sum()),
            "loans_first_home": int(book.first_home[new].sum()),
        }
        self._months_before = acc.deposit_months.copy()
        self._was_dormant = dormant
        return row


def record_paths(
    config: AgentConfig,
    policy: Policy,
    *,
    n: int,
    months: int,
    seed: int,
    start_month: int,
    paths: Sequence[int],
) -> list[Series]:
    """Each path's monthly :data:`SERIES` through the engine's month (see the module
    docstring), in batches of at most :data:`BATCH_PEOPLE` people."""
    sc = month_scenario(config, policy, n=n, months=months, seed=seed, start_month=start_month)
    per_batch = max(1, BATCH_PEOPLE // max(n, 1))
    out: list[Series] = []
    paths = list(paths)
    for i in range(0, len(paths), per_batch):
        sims, batch = build_batch([(sc, p) for p in paths[i : i + per_batch]], kind=Recorder)
        sims[0].env.run()
        batch.check_finished()
        out.extend(s.series() for s in sims)
    return out
