"""The people of one path, and their month at the fund.

:class:`People` holds who they are (``population``), what they earn
(``income``), what they remember (``behaviour.BehaviourState``) and how they
choose (``behaviour``, ``financing``). :func:`visit` is their month at the
engine's :class:`~sim.fund.fund.Fund`, through the boundary of
:mod:`sim.fund.requests`:

1. they look at the fund's read-only view and choose (:meth:`People.ask`);
2. the fund answers their requests and they learn from the answers (who
   joined, whose deposit was taken, who used the account for housing);
3. buyers change tenure, members among them ask for a quote, choose a fund,
   commercial or combination loan (``financing``) and withdraw toward the down
   payment (W1); the commercial part becomes a mortgage they may repay from
   the account later.

People write only their own arrays; the fund writes only its own.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numba
import numpy as np

from sim.agents.account_states import count_states
from sim.agents.behaviour import Behaviour, Decisions
from sim.agents.buying import Applications
from sim.agents.config import MORTGAGE, AgentConfig
from sim.agents.financing import choose_fund_loan
from sim.agents.housing import start_mortgages, term_of
from sim.agents.income import CommonShock, IncomeState, step_income
from sim.agents.kernel_params import Choices
from sim.agents.memory import BehaviourState
from sim.agents.population import synthesize
from sim.agents.repaying import next_buffer_fen, repayment_capacity_fen, start_buffers
from sim.book.impute import people_from_book, state_from_book
from sim.core.lanes import Lane
from sim.core.months import calendar_month
from sim.core.prefetch import AHEAD, prefetch
from sim.core.random import Draws
from sim.fund.loan_limit import max_loan_fen
from sim.fund.policy import Policy
from sim.fund.requests import (
    Answers,
    Buyers,
    Counterparty,
    FundView,
    Joins,
    PurchaseAnswers,
    Purchases,
    Quotes,
    Requests,
)
from sim.fund.tax import tax_bracket

_MONTHS_WITH_INCOME = np.array([bin(k).count("1") for k in range(4096)], np.int64)
"""Months with income of the last 12, by ``BehaviourState.income_record``."""

ACCOUNT_STATES = ("active_depositors", "dormant_accounts", "housing_users")
POPULATION, INCOME, MEMORY, CHOICES = "pop", "income", "state", "choices"
"""The keys of a batch's joined records of people (:mod:`sim.core.lanes`)."""
"""People's account states each month (:meth:`People.account_states`)."""


@dataclass(frozen=True)
class Visit:
    """One month at the fund: the choices, and the fund's answers."""

    decisions: Decisions
    answers: Answers
    purchases: PurchaseAnswers


class People:
    """``n`` people of one path from ``start`` (see the module docstring).

    ``policy`` is the rules in force at the start (for the first year's tax
    brackets, D3); ``book`` a fund's own book whose members are people
    ``0 … B-1`` (:mod:`sim.book`); ``lane`` the path's rows of a batch, over which its
    records are built (:mod:`sim.core.lanes`).
    """

    def __init__(
        self,
        config: AgentConfig,
        n: int,
        *,
        seed: int,
        path: int,
        start: int,
        policy: Policy,
        book=None,
        lane: Lane | None = None,
    ) -> None:
        self.config = config
        self.rng = Draws(seed, path, n)
        pop = synthesize(config, n, seed=seed, path=path, start_month=start)
        if book is not None:
            people_from_book(book, pop, config, seed=seed, path=path, month=start)
        income = IncomeState.start(config, pop, self.rng)
        state = BehaviourState.start(n, config=config, pop=pop, income=income, rng=self.rng,
                                     month=start)  # fmt: skip
        outputs = Choices.empty(n)
        if lane is not None:  # a path of a batch: its records over its rows (sim.core.lanes)
            pop, income = lane.hold(POPULATION, pop), lane.hold(INCOME, income)
            state, outputs = lane.hold(MEMORY, state), lane.hold(CHOICES, outputs)
        self.pop, self.income, self.state = pop, income, state
        self.behaviour = Behaviour(config, pop, self.rng, outputs=outputs)
        update_tax_brackets(self.state, self.income, policy)
        if book is not None:
            state_from_book(self.state, book)

    def new_month(self, month: int, view: FundView, shock: CommonShock | None = None) -> None:
        """Each January the tax bracket of last year's income (D3); then this month's income."""
        self.new_tax_year(month, view)
        self.earn(month, shock)

    def earn(self, month: int, shock: CommonShock | None = None) -> None:
        """This month's income of everyone alive (``income``)."""
        step_income(self.config, self.pop, self.income, self.rng, month, self.state.alive, shock)

    def new_tax_year(self, month: int, view: FundView) -> None:
        """Each January: the tax bracket of last year's income (D3), before this month's."""
        if calendar_month(month) == 1:
            if view.policy is None:
                raise ValueError("People.new_month: a January view must carry the policy (D3)")
            update_tax_brackets(self.state, self.income, view.policy)

    def ask(
        self, month: int, view: FundView, decisions: Decisions | None = None, **shocks: float
    ) -> tuple[Decisions, Requests]:
        """Everyone's choices (``behaviour``) and the requests they send the fund.

        ``shocks`` are the behaviour hooks of :meth:`Behaviour.decide`
        (``exit_multiplier``, ``purchase_multiplier``, ``house_price_index``);
        ``decisions`` the choices already made with other paths' (``sim.engine.batch``).
        """
        pop, st = self.pop, self.state
        _shift_record(st.income_record, self.income.active)
        d = decisions or self.behaviour.decide(month, self.income, st, view, **shocks)
        st.alive[d.leave] = False
        j = d.join
        birth, retirement, good, hmt, children, education, veteran = _joiners(
            j, pop.birth_month, pop.retirement_month, pop.good_credit, pop.hmt_or_foreign,
            pop.children, pop.education, pop.veteran_months,
        )  # fmt: skip
        joins = Joins(
            who=j,
            age=(month - birth) // 12,
            retirement_age=(retirement - birth) // 12,
            good_credit=good,
            in_employee_pension=np.zeros(len(j), bool),
            hmt_or_foreign=hmt,
            children=children,
            education=education,
            veteran_months=veteran,
        )
        requests = Requests(
            leave=d.leave,
            joins=joins,
            deposit_who=d.deposit_who,
            deposit_fen=d.deposit_fen,
            deposit_months=d.deposit_months,
            deposit_bracket=st.tax_bracket[d.deposit_who],
            rent_who=d.rent_who,
            rent_fen=d.rent_fen,
            repay_who=d.repay_who,
            repay_fen=d.repay_fen,
            repay_due_fen=3 * st.mortgage_fen[d.repay_who].astype(np.int64),
            exit=d.exit,
            repayment_capacity=self._repayment_capacity(view),
        )
        return d, requests

    def _repayment_capacity(self, view: FundView) -> np.ndarray:
        """What each borrower due this month can pay from income and their buffer
        (``repaying``); the buffer moves on as the fund will take it (income first)."""
        who, cfg = view.due_who, self.config.repaying
        income, buffer = self.income.income[who], self.state.repay_buffer_fen[who]
        capacity = repayment_capacity_fen(cfg, income, buffer)
        if len(view.due_fen) == len(who):
            self.state.repay_buffer_fen[who] = next_buffer_fen(cfg, income, buffer, view.due_fen)
        return capacity

    def learn(self, month: int, answers: Answers) -> None:
        """What the fund's answers change in people's memory."""
        st = self.state
        st.join_refused[answers.join_refused] = True  # a refused person stops asking
        st.join_month[answers.joined] = month
        st.deposited_last[answers.deposited] = True  # the habit (``depositing``)
        st.housing_user[answers.rent_paid] = True
        st.housing_user[answers.mortgage_paid] = True

    def buy(self, view: FundView, apps: Applications, month: int) -> tuple[np.ndarray, Buyers]:
        """Buyers now own with a mortgage; the members among them (mask) ask for a quote."""
        pop, st = self.pop, self.state
        pop.tenure[apps.who] = MORTGAGE
        pop.intends_to_buy[apps.who] = False
        st.plan_month[apps.who] = -1
        members = view.is_open[apps.who]
        who = apps.who[members]
        return members, Buyers(
            who=who,
            price_fen=apps.price_fen[members],
            first_home=apps.first_home[members],
            green_or_upgrade=apps.green_or_upgrade[members],
            talent=apps.talent[members],
            age_months=month - pop.birth_month[who],
            retirement_age_months=pop.retirement_month[who] - pop.birth_month[who],
            good_credit=pop.good_credit[who],
            income_fen=np.floor(self.income.income_avg[who] * 100).astype(np.int64),
            income_months=_MONTHS_WITH_INCOME[st.income_record[who]],
        )

    def finance(self, month: int, view: FundView, quotes: Quotes) -> Purchases:
        """Withdraw toward the down payment what the balance allows in whole yuan (W1), and
        choose the fund loan (``financing``)."""
        who, price = quotes.buyers.who, quotes.buyers.price_fen
        balance = view.balance[who]
        take = np.minimum((balance // 100) * 100, price - quotes.max_loan_fen)
        monthly = np.floor(self.pop.deposit_share[who] * self.income.income_avg[who]) * 100
        loan = choose_fund_loan(
            self.config.financing,
            month,
            need_fen=quotes.max_loan_fen,
            limit_fen=quotes.limit_fen,
            fund_rate=quotes.rate,
            term_months=quotes.term_months,
            holding_rate=view.holding_rate,
            kept_balance_fen=balance - take,
            monthly_deposit_fen=monthly,
        )
        return Purchases(quotes, take, loan)

    def settle(
        self,
        month: int,
        view: FundView,
        apps: Applications,
        members: np.ndarray,
        quotes: Quotes,
        answers: PurchaseAnswers,
    ) -> None:
        """After the fund's answer: what a fund loan does not cover becomes a commercial
        mortgage; a purchase withdrawal makes a housing user."""
        self.state.housing_user[answers.withdrawn] = True
        start_buffers(self.state, self.config.repaying, answers, quotes)
        commercial = max_loan_fen(view.policy, apps.price_fen, apps.first_home)
        commercial[members] -= answers.loan_fen
        start_mortgages(
            self.state,
            self.config,
            apps.who,
            commercial,
            month,
            term_of(apps.who, members, quotes.term_months),
        )

    def deposits_by_cohort(self, answers: Answers) -> dict[str, float]:
        """The month's accepted deposits by cohort, in fen (F7: ``deposits.<cohort>``)."""
        names = _deposit_names(tuple(c.name for c in self.config.cohorts))
        fen = np.zeros(len(names))
        if not _sum_by_group(fen, self.pop.cohort, answers.deposited, answers.deposited_fen):
            raise ValueError(f"a depositor's cohort is not one of the {len(names)} cohorts")
        return dict(zip(names, fen.tolist(), strict=True))

    def account_states(self, view: FundView) -> dict[str, int]:
        """Active depositors (open, not dormant), dormant accounts, and housing users (ever a
        rent, purchase or repayment withdrawal, or a fund loan), in one pass."""
        st = self.state
        counts = count_states(view.is_open, view.loan_disbursed, st.dormant, st.housing_user)
        return dict(zip(ACCOUNT_STATES, counts, strict=True))


def visit(
    people: People,
    fund: Counterparty,
    month: int,
    view: FundView,
    decisions: Decisions | None = None,
    **shocks: float,
) -> Visit:
    """People's month at ``fund``, whose ``view`` they see: ask, learn; buyers get quotes,
    finance, apply. ``decisions``: the choices already made (:meth:`People.ask`)."""
    d, requests = people.ask(month, view, decisions, **shocks)
    answers = fund.handle(requests)
    people.learn(month, answers)
    bought = PurchaseAnswers.none()
    apps = d.applications
    if len(apps):
        members, buyers = people.buy(view, apps, month)
        quotes = fund.quote(buyers)
        bought = fund.apply(people.finance(month, view, quotes))
        people.settle(month, view, apps, members, quotes, bought)
    return Visit(d, answers, bought)


@numba.njit(cache=True)
def _shift_record(rec: np.ndarray, active: np.ndarray) -> None:
    """The months-with-income record moves on a month: ``((rec << 1) | active) & 0xFFF``,
    in place, in one pass (three numpy passes over everyone before)."""
    for i in range(len(rec)):
        rec[i] = ((rec[i] << 1) | active[i]) & 0xFFF


@numba.njit(cache=True)
def _joiners(who, birth, retirement, good, hmt, children, education, veteran):
    """The joiners' rows of seven population arrays (``a[who]`` each), in one pass with each
    row asked for :data:`~sim.core.prefetch.AHEAD` joiners ahead: a few thousand joiners
    scattered over a million people are a cache miss an item (a tenth of a millisecond a
    month as seven numpy gathers)."""
    n = len(who)
    out = (np.empty(n, birth.dtype), np.empty(n, retirement.dtype), np.empty(n, good.dtype),
           np.empty(n, hmt.dtype), np.empty(n, children.dtype), np.empty(n, education.dtype),
           np.empty(n, veteran.dtype))  # fmt: skip
    for k in range(n):
        if k + AHEAD < n:
            p = who[k + AHEAD]
            prefetch(birth, p)
            prefetch(retirement, p)
            prefetch(good, p)
            prefetch(hmt, p)
            prefetch(children, p)
            prefetch(education, p)
            prefetch(veteran, p)
        i = who[k]
        out[0][k] = birth[i]
        out[1][k] = retirement[i]
        out[2][k] = good[i]
        out[3][k] = hmt[i]
        out[4][k] = children[i]
        out[5][k] = education[i]
        out[6][k] = veteran[i]
    return out


@numba.njit(cache=True)
def _sum_by_group(out: np.ndarray, group: np.ndarray, who: np.ndarray, fen: np.ndarray) -> bool:
    """``out += np.bincount(group[who], fen, len(out))`` (the same float sums, in the same
    order) in one pass, without the gathered groups; False if a group is out of range."""
    for j in range(len(who)):
        g = group[who[j]]
        if g < 0 or g >= len(out):
            return False
        out[g] += np.float64(fen[j])
    return True


@functools.cache
def _deposit_names(cohorts: tuple[str, ...]) -> tuple[str, ...]:
    """The record's ``deposits.<cohort>`` names, made once."""
    return tuple(f"deposits.{c}" for c in cohorts)


def update_tax_brackets(st: BehaviourState, income: IncomeState, policy: Policy) -> None:
    """Each January: the income-tax bracket of the last year's average income (D3)."""
    tax_bracket(policy, 12.0 * income.income_avg, out=st.tax_bracket)
