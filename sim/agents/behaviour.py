"""The month's choices of every person, in one kernel.

Each choice is a small documented model in its own module (``joining``, ``dormancy``,
``depositing``, ``withdrawing``, ``buying``, ``financing``); this module runs them together
in one numba kernel over people, a chunk at a time (``choosing.choice_rows``: everyone's
leaving and joining, then the members' choices), the models' scalar functions inlined. The
kernel reads the account state the fund reports (open, forfeited, loan outstanding, balance,
aged part) but never changes it: it returns *requests* (:class:`Decisions`), which the fund
then checks and carries out or refuses. The state it updates is people's own: the habit flag
(at each deposit decision ``deposited_last`` is cleared, and the caller sets it again for
deposits the fund accepts), whether they are dormant, and the month of a planned purchase.

The subsidy rate reaches behaviour only through the rate response in force
(``response``): the joining and exit hazards (participation), and the deposit
odds and amount, stopping and restarting (contribution). Draws are keyed by
person and month (``sim.core.random``), so at two rates the same person faces the
same uniform: a higher rate can only turn a "no" into a "yes" for joining,
depositing and restarting, and a "yes" into a "no" for exit and stopping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numba
import numpy as np

from sim.agents import purposes
from sim.agents.buying import Applications
from sim.agents.choosing import choice_rows
from sim.agents.config import RENTING, AgentConfig
from sim.agents.kernel_params import Account, Choices, DrawKeys, ModelParams, memory_of, people_of
from sim.agents.memory import BehaviourState
from sim.agents.population import Population
from sim.core.chunks import chunk_plan, rows_per_path
from sim.core.months import calendar_month
from sim.core.random import Draws
from sim.fund.params import EDUCATION_LEVELS
from sim.fund.requests import FundView

_BACHELOR = EDUCATION_LEVELS.index("bachelor")


@dataclass(frozen=True)
class Decisions:
    """This month's requests, as person indices (and amounts in fen)."""

    leave: np.ndarray
    join: np.ndarray
    deposit_who: np.ndarray
    deposit_fen: np.ndarray
    deposit_months: np.ndarray
    rent_who: np.ndarray
    rent_fen: np.ndarray
    exit: np.ndarray
    applications: Applications
    repay_who: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # W1 repayments
    repay_fen: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # of mortgages


@numba.njit(parallel=True, cache=True, fastmath=True)
def _decide(plan, month, cal, people, earned, state, fund, p, keys, out):
    """Every person's choices for ``month``; the arguments are ``kernel_params``'s records,
    over the rows of ``plan``'s paths (:mod:`sim.core.chunks`), each path under its own keys,
    a chunk at a time (:func:`choice_rows`)."""
    counts = out.counts  # written in the prange: a local (numba#5872)
    for chunk in numba.prange(len(plan)):
        path, lo, hi, offset = plan[chunk, 0], plan[chunk, 1], plan[chunk, 2], plan[chunk, 3]
        counts[chunk] = choice_rows(
            lo, hi, offset, path, month, cal, people, earned, state, fund, p, keys, out
        )


class Behaviour:
    """Runs the month's choices for a population: one path, or paths laid end to end.

    ``rng`` is the path's draws, or one per path for paths laid end to end in ``pop``'s
    arrays (:mod:`sim.core.chunks`): :meth:`choose` then runs them all in one kernel call,
    and each path's own ``Behaviour`` reads its decisions from its rows of the kernel's
    entries, its ``outputs`` (reused month after month; :mod:`sim.core.lanes`).
    """

    def __init__(
        self,
        config: AgentConfig,
        pop: Population,
        rng: Draws | Sequence[Draws],
        *,
        outputs: Choices | None = None,
    ):
        self.config, self.pop = config, pop
        self.draws = [rng] if isinstance(rng, Draws) else list(rng)
        self.rng = self.draws[0]
        self.outputs = Choices.empty(pop.n, len(self.draws)) if outputs is None else outputs
        self._params: dict[tuple, ModelParams] = {}

    def decide(
        self,
        month: int,
        income,
        state: BehaviourState,
        fund: FundView,
        *,
        exit_multiplier: float = 1.0,
        purchase_multiplier: float = 1.0,
        house_price_index: float = 1.0,
    ) -> Decisions:
        """Everyone's requests for ``month``; see the module docstring.

        The two multipliers are the stress hooks for behaviour: a run of exits
        multiplies the exit hazard, a housing stimulus the purchase hazard.
        Prices of homes bought move with ``house_price_index``.
        """
        out = self.choose(
            month,
            income,
            state,
            fund,
            exit_multiplier=exit_multiplier,
            purchase_multiplier=purchase_multiplier,
        )
        return self.decisions(month, out, house_price_index)

    def choose(
        self,
        month: int,
        income,
        state: BehaviourState,
        fund: FundView,
        *,
        exit_multiplier: float = 1.0,
        purchase_multiplier: float = 1.0,
    ) -> Choices:
        """The kernel's pass: every person's requests as arrays (reused month after month)."""
        _decide(
            *self.kernel_args(
                month,
                income,
                state,
                fund,
                exit_multiplier=exit_multiplier,
                purchase_multiplier=purchase_multiplier,
            )
        )
        return self.outputs

    def kernel_args(
        self,
        month: int,
        income,
        state: BehaviourState,
        fund: FundView,
        *,
        exit_multiplier: float = 1.0,
        purchase_multiplier: float = 1.0,
    ) -> tuple:
        """The choices kernel's arguments for ``month``: the chunk plan, the month, its
        calendar month, then ``kernel_params``'s records (the outputs last)."""
        # the parameters change only with these (ModelParams.of): built once for each
        key = (fund.deposit_rate, fund.holding_rate, tuple(fund.tax_rates), exit_multiplier,
               purchase_multiplier, self.config.joining.pace_at(month))  # fmt: skip
        params = self._params.get(key)
        if params is None:
            if len(self._params) > 64:
                self._params.clear()
            params = self._params[key] = ModelParams.of(
                self.config,
                fund,
                exit_multiplier=exit_multiplier,
                purchase_multiplier=purchase_multiplier,
                month=month,
            )
        plan = chunk_plan(rows_per_path(self.pop.n, len(self.draws)), len(self.draws))
        return (
            plan,
            month,
            calendar_month(month),
            people_of(self.pop),
            income.arrays(),
            memory_of(state),
            Account.of(fund),
            params,
            DrawKeys.of(self.draws, month),
            self.outputs,
        )

    def decisions(self, month: int, out: Choices, house_price_index: float = 1.0) -> Decisions:
        """This path's requests as person indices, from the kernel's entries for its people."""
        (leave, join, dep_who, dep_fen, dep_months, rent_who, rent_fen, exit_, buy,
         repay_who, repay_fen) = out.requests()  # fmt: skip
        return Decisions(
            leave=leave,
            join=join,
            deposit_who=dep_who,
            deposit_fen=dep_fen,
            deposit_months=dep_months,
            rent_who=rent_who,
            rent_fen=rent_fen,
            exit=exit_,
            applications=self._applications(month, buy, house_price_index),
            repay_who=repay_who,
            repay_fen=repay_fen,
        )

    def _applications(self, month: int, who: np.ndarray, hpi: float) -> Applications:
        b, pop = self.config.buying, self.pop
        z = self.rng.normal(purposes.BUY_PRICE, month, who)
        price = hpi * b.price_mean * np.exp(b.price_sigma * z - b.price_sigma**2 / 2)
        first = pop.tenure[who] == RENTING
        green = self.rng.uniform(purposes.BUY_GREEN, month, who) < b.green_or_upgrade_share
        return Applications(
            who=who,
            price_fen=(np.floor(price) * 100).astype(np.int64),
            first_home=first,
            green_or_upgrade=~first | green,
            talent=first & (pop.education[who] >= _BACHELOR),
        )
