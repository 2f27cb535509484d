"""The month's choices of every person, in one pass.

Each choice is a small documented model in its own module (``joining``, ``dormancy``,
``depositing``, ``withdrawing``, ``buying``, ``financing``); this module runs them together
in one numba kernel over people — the fastest shape measured here, since each person's
state is read once and the models' scalar functions are inlined. The kernel reads the
account state the fund reports (open, forfeited, loan outstanding, balance, aged part) but
never changes it: it returns *requests* (:class:`Decisions`), which the fund then checks and
carries out or refuses. The state it updates is people's own: the habit flag (at each
deposit decision ``deposited_last`` is cleared, and the caller sets it again for deposits
the fund accepts), whether they are dormant, and the month of a planned purchase.

The subsidy rate reaches behaviour only through the rate response in force
(``response``): the joining and exit hazards (participation), and the deposit
odds and amount, stopping and restarting (contribution). Draws are keyed by
person and month (``sim.core.random``), so at two rates the same person faces the
same uniform: a higher rate can only turn a "no" into a "yes" for joining,
depositing and restarting, and a "yes" into a "no" for exit and stopping.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numba
import numpy as np

from sim.agents import purposes
from sim.agents.buying import Applications, purchase_probability
from sim.agents.config import RENTING, AgentConfig
from sim.agents.depositing import deposit_probability, styled_amount_fen
from sim.agents.dormancy import stop_probability
from sim.agents.kernel_params import (
    BUY,
    EXIT,
    JOIN,
    LEAVE,
    QUARTERLY,
    Account,
    Choices,
    DrawKeys,
    ModelParams,
    memory_of,
    people_of,
)
from sim.agents.memory import BehaviourState
from sim.agents.population import LUMP_SUMS, Population
from sim.agents.withdrawing import exit_probability, rent_request_fen, repayment_request_fen
from sim.core.chunks import chunk_plan, rows_per_path
from sim.core.months import calendar_month
from sim.core.random import Draws, uniform_at
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


@numba.njit(cache=True, fastmath=True)
def choice_rows(lo, hi, offset, path, month, cal, people, earned, state, fund, p, keys, out):
    """The choices of rows ``lo … hi - 1`` (one chunk of path ``path``, its rows ``i - offset``
    keying the draws), written compactly from the chunk's first row: one entry per person
    with a request (:class:`Choices`); returns how many. Serial: the kernels call it once a
    chunk (:func:`_decide`, and ``sim.agents.monthly`` right after the chunk's income). It
    updates people's habit, dormancy and planned purchase."""
    rows = out.rows
    kinds_out = out.kinds
    deposit_out = out.deposit
    rent_out = out.rent
    repay_out = out.repay
    dormant = state.dormant
    deposited_last = state.deposited_last
    plan_month = state.plan_month
    rent_month = cal == 3 or cal == 6 or cal == 9 or cal == 12
    k_leave, k_join, k_dormancy = keys.leave[path], keys.join[path], keys.dormancy[path]
    k_deposit, k_exit, k_buy = keys.deposit[path], keys.exit[path], keys.buy[path]
    k = lo
    for i in range(lo, hi):
        row = i - offset  # within the path: keys the draws
        kinds, deposit_fen, rent_fen, repay_fen = 0, 0, 0, 0
        for _ in range(1):  # one person's choices; ``break`` ends them (a function call
            # a person, passing the records, costs more than the choices)
            if not state.alive[i]:
                break
            if month >= people.retirement_month[i] or uniform_at(k_leave, row) < p.leave_p:
                kinds = LEAVE
                break
            c = people.cohort[i]
            inc = earned.income[i]
            avg = max(earned.income_avg[i], 1.0)
            active = earned.active[i]
            member = fund.is_open[i]
            joining = False
            if not member and not state.join_refused[i]:
                prob = p.join_p[
                    state.tax_bracket[i],
                    1 if people.intends_to_buy[i] else 0,
                    1 if fund.forfeited[i] else 0,
                ]
                joining = uniform_at(k_join, row) < prob
                if joining:
                    kinds = JOIN
            if not (member or joining):
                break
            loss = (not active) or inc < 0.5 * avg
            planning = member and plan_month[i] >= 0
            # stopping and restarting (dormancy.py)
            restarted = False
            if joining or planning:
                dormant[i] = False
            elif dormant[i]:
                if uniform_at(k_dormancy, row) < math.exp(p.log_restart[c]):
                    dormant[i] = False
                    restarted = True
            elif uniform_at(k_dormancy, row) < stop_probability(p.log_stop[c], loss, p.stop_loss):
                dormant[i] = True
            # deposits (depositing.py)
            if not dormant[i]:
                months = 1
                decide = True
                if people.quarterly[i] and fund.quarterly_allowed:
                    months = 3
                    start = state.join_month[i] if member else month
                    decide = (month - start) % 3 == 0
                if decide:
                    last = deposited_last[i]
                    deposited_last[i] = False  # set again by the caller if the fund accepts it
                    base = inc if (active and months == 1) else avg
                    style = people.deposit_style[i]
                    if joining or restarted:
                        prob = 1.0
                    elif active:
                        ratio = earned.log_income[i] - p.log_mean_income[c]
                        prob = deposit_probability(
                            p.deposit_logit, p.deposit_income, ratio, p.habit, last, p.rate_term
                        )
                    else:
                        prob = deposit_probability(p.idle_logit, 0.0, 0.0, 0.0, False, p.rate_term)
                    if style == LUMP_SUMS and not (joining or restarted):
                        prob /= p.lump_months
                    if uniform_at(k_deposit, row) < prob:
                        factor = p.rate_factor * p.saving_factor if planning else p.rate_factor
                        share = people.deposit_share[i]
                        deposit_fen = styled_amount_fen(
                            style,
                            share,
                            base,
                            months,
                            factor,
                            fund.floor_fen,
                            fund.cap_fen,
                            p.minimum_fen,
                            p.lump_months,
                        )
                        if months == 3:
                            kinds |= QUARTERLY
            if not member:
                break
            # rent and commercial-mortgage repayments (withdrawing.py)
            renting = people.tenure[i] == RENTING
            if rent_month and people.rent_user[i] and renting:
                rent_fen = rent_request_fen(people.rent[i], fund.balance[i])
            if (
                rent_month
                and state.repayment_user[i]
                and state.mortgage_fen[i] > 0
                and month < state.mortgage_end[i]
                and not fund.loan_outstanding[i]
            ):
                repay_fen = repayment_request_fen(state.mortgage_fen[i], fund.balance[i])
            if fund.loan_outstanding[i]:
                break
            # buying (buying.py, financing.py): a planned purchase happens on its month
            if planning:
                if month >= plan_month[i]:
                    kinds |= BUY
                    plan_month[i] = -1
                break
            # exit (withdrawing.py)
            # Both hazards are small: a cheap upper bound on the chance skips the
            # exact computation whenever the draw is above it (the decision is the same).
            u = uniform_at(k_exit, row)
            if u < p.exit_bound[c] and u < exit_probability(
                p.exit_log_h[c], loss, p.exit_loss, p.exit_aged, fund.aged[i] / 100.0
            ):
                kinds |= EXIT
                break
            rate = p.buy_intending if people.intends_to_buy[i] else p.buy_other
            renter = p.renter_multiplier if renting else 1.0
            u = uniform_at(k_buy, row)
            bound = 1.0
            if p.buy_bounded:  # income and balance elasticities <= 1
                bound = rate * renter * max(1.0, avg / p.mean_income[c])
                bound *= (1.0 + fund.balance[i] / 1e6) / 12.0
            if u < bound:
                age = (month - people.birth_month[i]) / 12.0
                ratio = math.log(np.float32(avg)) - p.log_mean_income[c]
                prob = purchase_probability(
                    rate,
                    age,
                    p.age_peak,
                    p.age_width,
                    ratio,
                    p.buy_income,
                    renter,
                    fund.balance[i] / 100.0,
                    p.buy_balance,
                )
                if u < prob:
                    if p.saving_months > 0:
                        plan_month[i] = month + p.saving_months  # saving up starts next month
                    else:
                        kinds |= BUY
        if kinds != 0 or deposit_fen != 0 or rent_fen != 0 or repay_fen != 0:
            rows[k] = row
            kinds_out[k] = kinds
            deposit_out[k] = deposit_fen
            rent_out[k] = rent_fen
            repay_out[k] = repay_fen
            k += 1
    return k - lo


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
