"""The month's choices of every person, in one pass.

Each choice is a small documented model in its own module (``joining``,
``depositing``, ``withdrawing``, ``buying``); this module runs them together
in one numba kernel over people — the fastest shape measured here, since
each person's state is read once and the models' scalar functions are
inlined. The kernel reads the account state the fund reports (open,
forfeited, loan outstanding, balance, aged part) but never changes it: it
returns *requests* (:class:`Decisions`), which the fund then checks and
carries out or refuses. The one state it updates is people's own habit flag:
at each deposit decision ``deposited_last`` is cleared, and the caller sets it
again for deposits the fund accepts.

The subsidy rate reaches behaviour through three documented channels only:
the joining return (``joining``), the deposit odds and amount
(``depositing``) and the exit hazard (``withdrawing``). Draws are keyed by
person and month (``sim.random``), so at two rates the same person faces the
same uniform: a higher rate can only turn a "no" into a "yes" for joining and
depositing, and a "yes" into a "no" for exit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from sim.agents.buying import Applications, purchase_probability
from sim.agents.config import AgentConfig
from sim.agents.depositing import deposit_amount_fen, deposit_probability
from sim.agents.joining import join_table, monthly_from_annual
from sim.agents.population import Population
from sim.agents.withdrawing import exit_probability, rent_request_fen
from sim.fund.params import EDUCATION_LEVELS
from sim.months import calendar_month
from sim.random import Draws, uniform_at

_BACHELOR = EDUCATION_LEVELS.index("bachelor")


@dataclass(frozen=True)
class FundView:
    """What people can see of the fund this month: published terms and their own account."""

    deposit_rate: float
    holding_rate: float
    floor_fen: int
    cap_fen: int
    quarterly_allowed: bool
    tax_rates: tuple[float, ...]  # marginal rate of each income-tax bracket (D3)
    is_open: np.ndarray
    forfeited: np.ndarray
    loan_outstanding: np.ndarray
    balance: np.ndarray  # int64 fen
    aged: np.ndarray  # int64 fen


@dataclass
class BehaviourState:
    """What people remember between months."""

    alive: np.ndarray  # bool: not yet retired, dead or emigrated
    deposited_last: np.ndarray  # bool: deposited in their last deposit cycle (habit)
    join_month: np.ndarray  # int32: month the current account was opened (-1: none)
    tax_bracket: np.ndarray  # int8: 0 untaxed, k = k-th bracket of D3's table; each January
    join_refused: np.ndarray  # bool: the fund refused them; they stop asking

    @classmethod
    def start(cls, n: int) -> BehaviourState:
        """Everyone alive, nobody a member yet."""
        return cls(
            np.ones(n, bool),
            np.zeros(n, bool),
            np.full(n, -1, np.int32),
            np.zeros(n, np.int8),
            np.zeros(n, bool),
        )


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


@numba.njit(parallel=True, cache=True, fastmath=True)
def _decide(
    month, cal, cohort, birth_month, retirement_month, tenure, intends, share, quarterly,
    rent_user, rent, active, income, log_income, income_avg, alive, deposited_last, join_month,
    tax_bracket, join_refused, is_open, forfeited, loan_out, balance, aged, log_mean_income,
    floor_fen, cap_fen, quarterly_allowed, join_p, d_logit, d_idle_logit, d_inc, d_habit,
    d_rate_term, d_rate_factor, x_log_h, x_loss, x_rate_term, x_aged, leave_p, b_int, b_other,
    b_peak, b_width, b_inc, b_renter, b_bal, exit_bound, b_bounded, mean_income, k_join, k_dep,
    k_exit, k_buy, k_leave,
    out_leave, out_join, out_dep, out_months, out_rent, out_exit, out_buy,
):  # fmt: skip
    rent_month = cal == 3 or cal == 6 or cal == 9 or cal == 12
    for i in numba.prange(len(cohort)):
        out_leave[i] = False
        out_join[i] = False
        out_dep[i] = 0
        out_months[i] = 1
        out_rent[i] = 0
        out_exit[i] = False
        out_buy[i] = False
        if not alive[i]:
            continue
        if month >= retirement_month[i] or uniform_at(k_leave, i) < leave_p:
            out_leave[i] = True
            continue
        c = cohort[i]
        inc = income[i]
        avg = max(income_avg[i], 1.0)
        member = is_open[i]
        joining = False
        if not member and not join_refused[i]:
            p = join_p[tax_bracket[i], 1 if intends[i] else 0, 1 if forfeited[i] else 0]
            joining = uniform_at(k_join, i) < p
            out_join[i] = joining
        if not (member or joining):
            continue
        # deposits (depositing.py)
        months = 1
        decide = True
        if quarterly[i] and quarterly_allowed:
            months = 3
            start = join_month[i] if member else month
            decide = (month - start) % 3 == 0
        if decide:
            last = deposited_last[i]
            deposited_last[i] = False  # set again by the caller if the fund accepts the deposit
            base = inc if (active[i] and months == 1) else avg
            if joining:
                p = 1.0
            elif active[i]:
                ratio = log_income[i] - log_mean_income[c]
                p = deposit_probability(d_logit, d_inc, ratio, d_habit, last, d_rate_term)
            else:
                p = deposit_probability(d_idle_logit, 0.0, 0.0, 0.0, False, d_rate_term)
            if uniform_at(k_dep, i) < p:
                out_dep[i] = deposit_amount_fen(
                    share[i], base, months, d_rate_factor, floor_fen, cap_fen
                )
                out_months[i] = months
        if not member:
            continue
        # rent (withdrawing.py)
        if rent_month and rent_user[i] and tenure[i] == 0:
            out_rent[i] = rent_request_fen(rent[i], balance[i])
        # exit (withdrawing.py)
        # Both hazards are small: a cheap upper bound on p skips the exact
        # computation whenever the draw is above it (the decision is the same).
        if not loan_out[i]:
            loss = (not active[i]) or inc < 0.5 * avg
            u = uniform_at(k_exit, i)
            if u < exit_bound:
                p = exit_probability(x_log_h, loss, x_loss, x_rate_term, x_aged, aged[i] / 100.0)
                if u < p:
                    out_exit[i] = True
                    continue
            # buying (buying.py)
            rate = b_int if intends[i] else b_other
            renter = b_renter if tenure[i] == 0 else 1.0
            u = uniform_at(k_buy, i)
            bound = 1.0
            if b_bounded:  # income and balance elasticities <= 1
                bound = rate * renter * max(1.0, avg / mean_income[c])
                bound *= (1.0 + balance[i] / 1e6) / 12.0
            if u < bound:
                age = (month - birth_month[i]) / 12.0
                ratio = math.log(np.float32(avg)) - log_mean_income[c]
                p = purchase_probability(
                    rate, age, b_peak, b_width, ratio, b_inc, renter, balance[i] / 100.0, b_bal
                )
                out_buy[i] = u < p


class Behaviour:
    """Runs the month's choices for a population (one path)."""

    def __init__(self, config: AgentConfig, pop: Population, rng: Draws):
        self.config, self.pop, self.rng = config, pop, rng
        n = pop.n
        self._out = (
            np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, np.int32), np.ones(n, np.int8),
            np.zeros(n, np.int32), np.zeros(n, bool), np.zeros(n, bool),
        )  # fmt: skip

    def decide(
        self,
        month: int,
        income,
        state: BehaviourState,
        fund: FundView,
        *,
        exit_multiplier: float = 1.0,
        purchase_multiplier: float = 1.0,
    ) -> Decisions:
        """Everyone's requests for ``month``; see the module docstring.

        The two multipliers are the stress hooks for behaviour: a run of exits
        multiplies the exit hazard, a housing stimulus the purchase hazard.
        """
        cfg, pop = self.config, self.pop
        j, d, w, b = cfg.joining, cfg.depositing, cfg.withdrawing, cfg.buying
        rate_pp = 100.0 * (fund.holding_rate - d.reference_rate)
        exit_pp = 100.0 * (fund.holding_rate - w.reference_rate)
        key = self.rng.key
        leave, join, dep, months, rent, exit_, buy = self._out
        _decide(
            month, calendar_month(month), pop.cohort, pop.birth_month, pop.retirement_month,
            pop.tenure, pop.intends_to_buy, pop.deposit_share, pop.quarterly, pop.rent_user,
            pop.rent, income.active, income.income, income.log_income, income.income_avg,
            state.alive, state.deposited_last, state.join_month, state.tax_bracket,
            state.join_refused, fund.is_open, fund.forfeited, fund.loan_outstanding, fund.balance,
            fund.aged, np.log(cfg.cohort_array("income_mean")), fund.floor_fen, fund.cap_fen,
            fund.quarterly_allowed,
            join_table(j, fund.deposit_rate, fund.holding_rate, (0.0, *fund.tax_rates)),
            _logit(d.base_probability), _logit(d.idle_probability), d.income_elasticity, d.habit,
            d.rate_semi_elasticity * rate_pp, max(1.0 + d.amount_rate_elasticity * rate_pp, 0.1),
            _log(monthly_from_annual(w.exit_annual_rate) * exit_multiplier), w.exit_income_loss,
            w.exit_rate_semi_elasticity * exit_pp, w.exit_aged_elasticity,
            monthly_from_annual(w.leave_annual_rate), b.annual_rate_intending * purchase_multiplier,
            b.annual_rate_other * purchase_multiplier, b.age_peak, b.age_width, b.income_elasticity,
            b.renter_multiplier, b.balance_elasticity,
            min(1.0, math.exp(_log(monthly_from_annual(w.exit_annual_rate) * exit_multiplier)
                              - w.exit_rate_semi_elasticity * exit_pp + w.exit_income_loss)),
            b.income_elasticity <= 1 and b.balance_elasticity <= 1,
            cfg.cohort_array("income_mean"),
            key("join", month), key("deposit", month), key("exit", month), key("buy", month),
            key("leave", month), leave, join, dep, months, rent, exit_, buy,
        )  # fmt: skip
        dep_who, rent_who = np.flatnonzero(dep), np.flatnonzero(rent)
        return Decisions(
            leave=np.flatnonzero(leave),
            join=np.flatnonzero(join),
            deposit_who=dep_who,
            deposit_fen=dep[dep_who].astype(np.int64),
            deposit_months=months[dep_who].astype(np.int64),
            rent_who=rent_who,
            rent_fen=rent[rent_who].astype(np.int64),
            exit=np.flatnonzero(exit_),
            applications=self._applications(month, np.flatnonzero(buy)),
        )

    def _applications(self, month: int, who: np.ndarray) -> Applications:
        b, pop = self.config.buying, self.pop
        z = self.rng.normal("buy.price", month, who)
        price = b.price_mean * np.exp(b.price_sigma * z - b.price_sigma**2 / 2)
        first = pop.tenure[who] == 0
        green = self.rng.uniform("buy.green", month, who) < b.green_or_upgrade_share
        return Applications(
            who=who,
            price_fen=(np.floor(price) * 100).astype(np.int64),
            first_home=first,
            green_or_upgrade=~first | green,
            talent=first & (pop.education[who] >= _BACHELOR),
        )


def _log(x: float) -> float:
    """A log that takes a hazard switched off (a shock's multiplier of 0) to −∞."""
    return math.log(x) if x > 0 else -math.inf


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
