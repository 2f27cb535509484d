"""The financing choice at a purchase, and saving up before it."""

import math

import numpy as np

from sim.agents.behaviour import Behaviour, FundView
from sim.agents.financing import choose_fund_loan, instalment_fen, interest_per_yuan
from sim.agents.income import IncomeState, step_income
from sim.agents.memory import BehaviourState
from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.core.months import parse_month
from sim.core.random import Draws

CONFIG = load_agent_config()
F = CONFIG.financing
MAY_2024 = parse_month("2024-05")


def test_interest_and_instalments_follow_the_annuity_schedule():
    assert interest_per_yuan(0.0, 120) == 0.0
    assert math.isclose(interest_per_yuan(0.12, 1), 0.01)
    # 120,000 yuan at 0% over 120 months: 1,000 yuan a month
    assert instalment_fen(12_000_000, 0.0, 120) == 100_000
    # 10,000 yuan at 12% over 2 months: 10,000 x 0.01 / (1 - 1.01^-2) = 5,075.12 yuan
    assert instalment_fen(1_000_000, 0.12, 2) == 507_513


def _choose(limit_yuan, **kw):
    args = {
        "need_fen": 80_000_000, "limit_fen": limit_yuan * 100, "fund_rate": 0.0285,
        "term_months": 360, "holding_rate": 0.01, "kept_balance_fen": 0, "monthly_deposit_fen": 0,
    }  # fmt: skip
    args.update(kw)
    return int(choose_fund_loan(F, MAY_2024, **args))


def test_a_buyer_takes_the_fund_loan_when_it_saves_more_than_it_costs():
    assert F.commercial_rate_at(MAY_2024) == 0.0365
    # 200,000 yuan at 2.85% instead of 3.65% over 30 years saves about 30,000 yuan
    saving = 200_000 * (interest_per_yuan(0.0365, 360) - interest_per_yuan(0.0285, 360))
    assert 25_000 < saving < 35_000
    assert _choose(200_000) == 200_000 * 100  # a combination: the rest is commercial
    assert _choose(900_000) == 800_000 * 100  # the need, not the limit: a pure fund loan


def test_a_fund_loan_below_the_minimum_or_worth_less_than_its_costs_is_not_asked_for():
    assert _choose(49_999) == 0  # under min_fund_loan (50,000 yuan)
    # at equal rates there is no saving to pay for the paperwork
    assert _choose(200_000, fund_rate=0.0365) == 0
    # the subsidy lost on borrowing (S3): 1% x 5 years x (600,000 kept + 2.5 x 12 x 0) = 30,000
    assert _choose(200_000, kept_balance_fen=60_000_000) == 0


def test_a_buyer_saves_up_in_the_months_before_a_planned_purchase():
    n, start = 20_000, parse_month("2024-01")
    pop = synthesize(CONFIG, n, seed=9, path=0, start_month=start)
    rng = Draws(9, 0, n)
    income = IncomeState.start(CONFIG, pop, rng)
    step_income(CONFIG, pop, income, rng, start, np.ones(n, bool))
    balance = np.full(n, 1_000_000, np.int64)
    amounts, buys = {}, {}
    for plan in (-1, start + 4, start + 1):
        st = BehaviourState.start(n)
        st.join_month[:] = start - 5
        st.plan_month[:] = plan
        view = FundView(0.015, 0.010, 10_000, 50_000_000, False, (0.03,), np.ones(n, bool),
                        np.zeros(n, bool), np.zeros(n, bool), balance, balance // 2)  # fmt: skip
        d = Behaviour(CONFIG, pop, rng).decide(start + 1, income, st, view)
        amounts[plan] = dict(zip(d.deposit_who, d.deposit_fen, strict=True))
        buys[plan] = d.applications.who
    usual, saving = amounts[-1], amounts[start + 4]
    both = [w for w in usual if w in saving and usual[w] > 100_000]
    assert len(both) > 1_000
    ratio = np.array([saving[w] / usual[w] for w in both])
    assert np.allclose(ratio, F.saving_up_factor, atol=0.01)
    assert len(saving) > len(usual), "planners do not stop depositing"
    assert len(buys[start + 4]) == 0
    assert len(buys[start + 1]) > 0.95 * n, "the purchase happens in its month"


def test_prices_and_so_loan_needs_follow_the_house_price_index():
    n, start = 20_000, parse_month("2024-01")
    pop = synthesize(CONFIG, n, seed=9, path=0, start_month=start)
    behaviour = Behaviour(CONFIG, pop, Draws(9, 0, n))
    who = np.arange(0, n, 7)
    base = behaviour._applications(start, who, 1.0).price_fen
    fallen = behaviour._applications(start, who, 0.8).price_fen
    assert np.allclose(fallen / base, 0.8, atol=1e-4)
