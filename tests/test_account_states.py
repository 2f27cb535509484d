"""Account states: active depositors, dormant accounts and closed ones, month by month."""

import numpy as np
import pytest

from sim.agents.behaviour import Behaviour, FundView
from sim.agents.dormancy import log_hazards
from sim.agents.engine_month import Recorder, month_scenario
from sim.agents.income import IncomeState, step_income
from sim.agents.memory import BehaviourState
from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.core.months import calendar_month, parse_month
from sim.core.random import Draws
from sim.engine.simulation import simulate
from sim.fund.policy import load_policy
from sim.scenario.files import load_scenario

CONFIG = load_agent_config()
START = parse_month("2024-01")
N = 40_000
RATES = (0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45)


@pytest.fixture(scope="module")
def people():
    pop = synthesize(CONFIG, N, seed=5, path=0, start_month=START)
    rng = Draws(5, 0, N)
    income = IncomeState.start(CONFIG, pop, rng)
    step_income(CONFIG, pop, income, rng, START, np.ones(N, bool))
    balance = (rng.uniform("test.balance", 0) * 3_000_000).astype(np.int64)
    return pop, rng, income, balance


def _month(people, month, dormant):
    pop, rng, income, balance = people
    st = BehaviourState.start(N)
    st.join_month[:] = START - 5
    st.dormant[:] = dormant
    before = st.dormant.copy()
    view = FundView(0.015, 0.010, 10_000, 500_000, False, RATES, np.ones(N, bool),
                    np.zeros(N, bool), np.zeros(N, bool), balance, balance // 2)  # fmt: skip
    d = Behaviour(CONFIG, pop, rng).decide(month, income, st, view)
    return st, before, d


def test_active_depositors_stop_and_dormant_members_restart_at_their_hazards(people):
    pop, _, income, _ = people
    dormant = np.arange(N) % 2 == 0
    st, before, d = _month(people, START + 1, dormant)
    staying = np.ones(N, bool)
    staying[d.leave] = False
    z = CONFIG.dormancy
    loss = ~income.active | (income.income < 0.5 * np.maximum(income.income_avg, 1.0))
    log_stop = log_hazards(z.stop_annual_rate, CONFIG.cohort_array("stop_hazard_multiplier"), 1)
    p_stop = np.minimum(np.exp(log_stop[pop.cohort] + z.stop_income_loss * loss), 1.0)
    restart = CONFIG.cohort_array("restart_hazard_multiplier")
    p_restart = np.exp(log_hazards(z.restart_annual_rate, restart, 1.0))[pop.cohort]
    for group, p, moved in (
        (~before & staying, p_stop, st.dormant),
        (before & staying, p_restart, ~st.dormant),
    ):
        expected, sd = p[group].sum(), np.sqrt((p[group] * (1 - p[group])).sum())
        assert abs(moved[group].sum() - expected) < 4 * sd


def test_dormant_members_do_not_deposit_but_may_withdraw_and_exit(people):
    march = START + 2
    assert calendar_month(march) == 3  # a rent month
    st, before, d = _month(people, march, np.ones(N, bool))
    still = before & st.dormant
    assert not np.isin(d.deposit_who, np.flatnonzero(still)).any()
    restarted = before & ~st.dormant
    assert np.isin(np.flatnonzero(restarted), d.deposit_who).mean() > 0.5  # a restart deposits
    assert np.isin(d.rent_who, np.flatnonzero(still)).any()
    assert np.isin(d.exit, np.flatnonzero(still)).any(), "exit is a choice apart from stopping"


def test_dormant_accounts_keep_their_balance_and_earn_interest_and_subsidy():
    sc = month_scenario(CONFIG, load_policy("lyg-2023"), n=6_000, months=22, seed=7,
                        start_month=parse_month("2023-09"))  # fmt: skip
    path = Recorder(sc, 0)
    path.env.run(until=21)  # to May 2025: the next month is a settlement month (June)
    acc, st = path.fund.ledger.acc, path.people.state
    dormant = acc.is_open & st.dormant & (acc.balance > 0)
    before = acc.balance.copy()
    subsidy_before = acc.subsidy_total.copy()
    path.env.run(until=22)
    kept = dormant & st.dormant & acc.is_open & (acc.balance >= before)
    assert kept.sum() > 10  # about 25 (15-36 over seeds 7-12): enough to exercise the checks
    assert (acc.balance[kept] > before[kept]).all(), "June credits interest to dormant accounts"
    assert (acc.subsidy_total[kept] > subsidy_before[kept]).any(), "and the subsidy on aged money"


def test_engine_series_of_account_states_and_withdrawals_by_kind_reconcile():
    out = simulate(load_scenario(sets={"population.size": 4_000, "horizon.months": 60}), 0)
    assert (out["active_depositors"] + out["dormant_accounts"] == out["members"]).all()
    assert out["dormant_accounts"][-1] > 0
    for name in ("ever_members", "housing_users"):
        assert (np.diff(out[name]) >= 0).all(), f"{name} is cumulative"
    assert (out["ever_members"] >= out["members"]).all()
    kinds = ("rent", "purchase", "repayment", "exit", "retirement")
    total = sum(out[f"withdrawals.{k}"] for k in kinds)
    assert np.allclose(total, out["withdrawals"], atol=0.005)
    assert all(out[f"withdrawals.{k}"].sum() > 0 for k in kinds)
