"""The month's choices of every person, in one pass.

Each choice is a small documented model in its own module (``joining``,
``dormancy``, ``depositing``, ``withdrawing``, ``buying``, ``financing``);
this module runs them together
in one numba kernel over people — the fastest shape measured here, since
each person's state is read once and the models' scalar functions are
inlined. The kernel reads the account state the fund reports (open,
forfeited, loan outstanding, balance, aged part) but never changes it: it
returns *requests* (:class:`Decisions`), which the fund then checks and
carries out or refuses. The state it updates is people's own: the habit flag
(at each deposit decision ``deposited_last`` is cleared, and the caller sets
it again for deposits the fund accepts), whether they are dormant, and the
month of a planned purchase.

The subsidy rate reaches behaviour only through the rate response in force
(``response``): the joining and exit hazards (participation), and the deposit
odds and amount, stopping and restarting (contribution). Draws are keyed by
person and month (``sim.random``), so at two rates the same person faces the
same uniform: a higher rate can only turn a "no" into a "yes" for joining,
depositing and restarting, and a "yes" into a "no" for exit and stopping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numba
import numpy as np

from sim.agents.buying import Applications, purchase_probability
from sim.agents.config import AgentConfig
from sim.agents.depositing import deposit_amount_fen, deposit_probability
from sim.agents.dormancy import log_hazards, stop_probability
from sim.agents.joining import join_table, monthly_from_annual
from sim.agents.population import Population
from sim.agents.response import rate_pull
from sim.agents.withdrawing import exit_probability, rent_request_fen, repayment_request_fen
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
    dormant: np.ndarray = None  # bool: a member who has stopped depositing (dormancy)
    plan_month: np.ndarray = None  # int32: month of a planned purchase (-1: none)
    mortgage_fen: np.ndarray = None  # int32: monthly instalment of a commercial mortgage
    mortgage_end: np.ndarray = None  # int32: month the commercial mortgage ends
    repayment_user: np.ndarray = None  # bool: withdraws for a commercial mortgage (W1)
    housing_user: np.ndarray = None  # bool: ever a rent, purchase or repayment withdrawal

    def __post_init__(self):
        n = len(self.alive)
        starts = {"dormant": (False, bool), "plan_month": (-1, np.int32),
                  "mortgage_fen": (0, np.int32), "mortgage_end": (0, np.int32),
                  "repayment_user": (False, bool), "housing_user": (False, bool)}  # fmt: skip
        for name, (value, dtype) in starts.items():
            if getattr(self, name) is None:
                setattr(self, name, np.full(n, value, dtype))

    @classmethod
    def start(cls, n: int, *, config: AgentConfig | None = None, pop: Population | None = None,
              income=None, rng: Draws | None = None, month: int = 0) -> BehaviourState:  # fmt: skip
        """Everyone alive, nobody a member yet.

        Given the population, people who own with a mortgage at the start
        carry a commercial mortgage of ``financing.mortgage_share_of_income``
        of their average income, with 1-240 months left; a share
        ``financing.repayment_user_share`` of everyone would withdraw for it.
        """
        st = cls(np.ones(n, bool), np.zeros(n, bool), np.full(n, -1, np.int32),
                 np.zeros(n, np.int8), np.zeros(n, bool))  # fmt: skip
        if config is not None:
            f = config.financing
            st.repayment_user[:] = rng.uniform("repayment.user", 0) < f.repayment_user_share
            owe = pop.tenure == 2
            yuan = f.mortgage_share_of_income * income.income_avg[owe]
            st.mortgage_fen[owe] = np.floor(yuan).astype(np.int64) * 100
            left = 1 + np.floor(240 * rng.uniform("mortgage.left", 0)[owe]).astype(np.int32)
            st.mortgage_end[owe] = month + left
        return st


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
def _decide(
    month, cal, cohort, birth_month, retirement_month, tenure, intends, share, quarterly,
    rent_user, rent, active, income, log_income, income_avg, alive, deposited_last, join_month,
    tax_bracket, join_refused, dormant, plan_month, mortgage_fen, mortgage_end, repayment_user,
    is_open, forfeited, loan_out, balance, aged, log_mean_income,
    floor_fen, cap_fen, quarterly_allowed, join_p, d_logit, d_idle_logit, d_inc, d_habit,
    d_rate_term, d_rate_factor, log_stop, stop_loss, log_restart, x_log_h, x_loss, x_aged,
    exit_bound, leave_p, b_int, b_other, b_peak, b_width, b_inc, b_renter, b_bal, b_bounded,
    mean_income, lead, saving_factor, k_join, k_dep, k_exit, k_buy, k_leave, k_dorm,
    out_leave, out_join, out_dep, out_months, out_rent, out_exit, out_buy, out_repay,
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
        out_repay[i] = 0
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
        loss = (not active[i]) or inc < 0.5 * avg
        planning = member and plan_month[i] >= 0
        # stopping and restarting (dormancy.py)
        restarted = False
        if joining or planning:
            dormant[i] = False
        elif dormant[i]:
            if uniform_at(k_dorm, i) < math.exp(log_restart[c]):
                dormant[i] = False
                restarted = True
        elif uniform_at(k_dorm, i) < stop_probability(log_stop[c], loss, stop_loss):
            dormant[i] = True
        # deposits (depositing.py)
        if not dormant[i]:
            months = 1
            decide = True
            if quarterly[i] and quarterly_allowed:
                months = 3
                start = join_month[i] if member else month
                decide = (month - start) % 3 == 0
            if decide:
                last = deposited_last[i]
                deposited_last[i] = False  # set again by the caller if the fund accepts it
                base = inc if (active[i] and months == 1) else avg
                if joining or restarted:
                    p = 1.0
                elif active[i]:
                    ratio = log_income[i] - log_mean_income[c]
                    p = deposit_probability(d_logit, d_inc, ratio, d_habit, last, d_rate_term)
                else:
                    p = deposit_probability(d_idle_logit, 0.0, 0.0, 0.0, False, d_rate_term)
                if uniform_at(k_dep, i) < p:
                    factor = d_rate_factor * saving_factor if planning else d_rate_factor
                    out_dep[i] = deposit_amount_fen(share[i], base, months, factor, floor_fen,
                                                    cap_fen)  # fmt: skip
                    out_months[i] = months
        if not member:
            continue
        # rent and commercial-mortgage repayments (withdrawing.py)
        if rent_month and rent_user[i] and tenure[i] == 0:
            out_rent[i] = rent_request_fen(rent[i], balance[i])
        if (rent_month and repayment_user[i] and mortgage_fen[i] > 0 and month < mortgage_end[i]
                and not loan_out[i]):  # fmt: skip
            out_repay[i] = repayment_request_fen(mortgage_fen[i], balance[i])
        if loan_out[i]:
            continue
        # buying (buying.py, financing.py): a planned purchase happens on its month
        if planning:
            if month >= plan_month[i]:
                out_buy[i] = True
                plan_month[i] = -1
            continue
        # exit (withdrawing.py)
        # Both hazards are small: a cheap upper bound on p skips the exact
        # computation whenever the draw is above it (the decision is the same).
        u = uniform_at(k_exit, i)
        if u < exit_bound[c] and u < exit_probability(
            x_log_h[c], loss, x_loss, x_aged, aged[i] / 100.0
        ):
            out_exit[i] = True
            continue
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
            if u < p:
                if lead > 0:
                    plan_month[i] = month + lead  # saving up starts next month
                else:
                    out_buy[i] = True


class Behaviour:
    """Runs the month's choices for a population (one path)."""

    def __init__(self, config: AgentConfig, pop: Population, rng: Draws):
        self.config, self.pop, self.rng = config, pop, rng
        n = pop.n
        self._out = (
            np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, np.int32), np.ones(n, np.int8),
            np.zeros(n, np.int32), np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, np.int32),
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
        house_price_index: float = 1.0,
    ) -> Decisions:
        """Everyone's requests for ``month``; see the module docstring.

        The two multipliers are the stress hooks for behaviour: a run of exits
        multiplies the exit hazard, a housing stimulus the purchase hazard.
        Prices of homes bought move with ``house_price_index``.
        """
        cfg, pop = self.config, self.pop
        j, d, w, b, z = cfg.joining, cfg.depositing, cfg.withdrawing, cfg.buying, cfg.dormancy
        pull = rate_pull(cfg.response, fund.holding_rate)
        at_zero = rate_pull(cfg.response, 0.0).participation
        key = self.rng.key
        leave, join, dep, months, rent, exit_, buy, repay = self._out
        x_log_h = log_hazards(w.exit_annual_rate,
                              cfg.cohort_array("exit_hazard_multiplier") * exit_multiplier,
                              1.0 / max(pull.participation, 1e-9))  # fmt: skip
        exit_bound = np.minimum(1.0, np.exp(x_log_h + w.exit_income_loss))
        _decide(
            month, calendar_month(month), pop.cohort, pop.birth_month, pop.retirement_month,
            pop.tenure, pop.intends_to_buy, pop.deposit_share, pop.quarterly, pop.rent_user,
            pop.rent, income.active, income.income, income.log_income, income.income_avg,
            state.alive, state.deposited_last, state.join_month, state.tax_bracket,
            state.join_refused, state.dormant, state.plan_month, state.mortgage_fen,
            state.mortgage_end, state.repayment_user, fund.is_open, fund.forfeited,
            fund.loan_outstanding, fund.balance, fund.aged,
            np.log(cfg.cohort_array("income_mean")), fund.floor_fen, fund.cap_fen,
            fund.quarterly_allowed,
            join_table(j, fund.deposit_rate, (0.0, *fund.tax_rates),
                       multiplier=pull.participation, forfeited_multiplier=at_zero),
            _logit(d.base_probability), _logit(d.idle_probability), d.income_elasticity, d.habit,
            math.log(max(pull.contribution, 1e-9)), max(pull.contribution, 0.0),
            log_hazards(z.stop_annual_rate, cfg.cohort_array("stop_hazard_multiplier"),
                        1.0 / max(pull.contribution, 1e-9)),
            z.stop_income_loss,
            log_hazards(z.restart_annual_rate, cfg.cohort_array("restart_hazard_multiplier"),
                        pull.contribution),
            x_log_h, w.exit_income_loss, w.exit_aged_elasticity, exit_bound,
            monthly_from_annual(w.leave_annual_rate), b.annual_rate_intending * purchase_multiplier,
            b.annual_rate_other * purchase_multiplier, b.age_peak, b.age_width, b.income_elasticity,
            b.renter_multiplier, b.balance_elasticity,
            b.income_elasticity <= 1 and b.balance_elasticity <= 1,
            cfg.cohort_array("income_mean"), cfg.financing.saving_up_months,
            cfg.financing.saving_up_factor,
            key("join", month), key("deposit", month), key("exit", month), key("buy", month),
            key("leave", month), key("dormancy", month),
            leave, join, dep, months, rent, exit_, buy, repay,
        )  # fmt: skip
        dep_who, rent_who = np.flatnonzero(dep), np.flatnonzero(rent)
        repay_who = np.flatnonzero(repay)
        return Decisions(
            leave=np.flatnonzero(leave),
            join=np.flatnonzero(join),
            deposit_who=dep_who,
            deposit_fen=dep[dep_who].astype(np.int64),
            deposit_months=months[dep_who].astype(np.int64),
            rent_who=rent_who,
            rent_fen=rent[rent_who].astype(np.int64),
            exit=np.flatnonzero(exit_),
            applications=self._applications(month, np.flatnonzero(buy), house_price_index),
            repay_who=repay_who,
            repay_fen=repay[repay_who].astype(np.int64),
        )

    def _applications(self, month: int, who: np.ndarray, hpi: float) -> Applications:
        b, pop = self.config.buying, self.pop
        z = self.rng.normal("buy.price", month, who)
        price = hpi * b.price_mean * np.exp(b.price_sigma * z - b.price_sigma**2 / 2)
        first = pop.tenure[who] == 0
        green = self.rng.uniform("buy.green", month, who) < b.green_or_upgrade_share
        return Applications(
            who=who,
            price_fen=(np.floor(price) * 100).astype(np.int64),
            first_home=first,
            green_or_upgrade=~first | green,
            talent=first & (pop.education[who] >= _BACHELOR),
        )


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
