"""Irregular income: the activity chain, idle spells, seasonality, levels and the shock hook."""

import numpy as np
import pytest

from sim.agents.income import CommonShock, IncomeState, step_income
from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.core.months import parse_month
from sim.core.random import Draws

CONFIG = load_agent_config()
START = parse_month("2024-01")
N = 30_000
NAMES = [c.name for c in CONFIG.cohorts]


def _run(months: int, seed: int = 3):
    pop = synthesize(CONFIG, N, seed=seed, path=0, start_month=START)
    rng = Draws(seed, 0, N)
    state = IncomeState.start(CONFIG, pop, rng)
    alive = np.ones(N, bool)
    history = []
    for m in range(START, START + months):
        step_income(CONFIG, pop, state, rng, m, alive)
        history.append((state.active.copy(), state.income.copy()))
    return pop, history


@pytest.fixture(scope="module")
def year():
    return _run(24)


def _cohort(name):
    return next(c for c in CONFIG.cohorts if c.name == name)


def test_active_share_is_the_chains_stationary_share(year):
    pop, history = year
    for name in ("gig", "petrochemical"):
        c = _cohort(name)
        who = pop.cohort == NAMES.index(name)
        expected = c.p_idle_to_active / (c.p_active_to_idle + c.p_idle_to_active)
        got = history[-1][0][who].mean()
        assert abs(got - expected) < 4 * np.sqrt(expected * (1 - expected) / who.sum()), name


def test_idle_months_cluster_into_spells(year):
    pop, history = year
    gig = pop.cohort == NAMES.index("gig")
    c = _cohort("gig")
    before, after = ~history[-2][0][gig], ~history[-1][0][gig]
    stay = after[before].mean()  # P(idle now | idle last month) = 1 - p_idle_to_active
    n = before.sum()
    assert abs(stay - (1 - c.p_idle_to_active)) < 4 * np.sqrt(0.21 / n)
    assert stay > 3 * after.mean(), "an idle month makes the next one far likelier to be idle"


def test_seasonality_peaks_where_the_cohort_says(year):
    pop, history = year
    for name, peak in (("ecommerce", 11), ("agriculture_tourism", 8)):
        who = pop.cohort == NAMES.index(name)
        means = [history[k][1][who].mean() for k in range(12, 24)]  # 2025, calendar months 1-12
        assert int(np.argmax(means)) + 1 == peak, name


def test_mean_active_income_is_the_cohorts_mean(year):
    pop, history = year
    c = _cohort("gig")
    who = pop.cohort == NAMES.index("gig")
    active, income = history[15]  # April 2025: the gig season term is cos(pi/2) = 0
    x = income[who & active]
    assert abs(x.mean() - c.income_mean) < 4 * x.std() / np.sqrt(len(x))


def test_common_shock_cuts_income_and_raises_idleness_with_the_same_draws():
    pop = synthesize(CONFIG, N, seed=9, path=0, start_month=START)
    alive = np.ones(N, bool)
    runs = {}
    for label, shock in {
        "base": None,
        "cut": CommonShock.uniform(len(NAMES), income_cut=0.2),
        "idle": CommonShock.uniform(len(NAMES), idle_multiplier=3.0),
    }.items():
        rng = Draws(9, 0, N)
        state = IncomeState.start(CONFIG, pop, rng)
        step_income(CONFIG, pop, state, rng, START, alive, shock)
        runs[label] = state
    base, cut, idle = runs["base"], runs["cut"], runs["idle"]
    assert np.array_equal(base.active, cut.active)
    on = base.active
    np.testing.assert_allclose(cut.income[on] / base.income[on], 0.8, rtol=1e-5)
    assert not (idle.active & ~base.active).any(), "the shock only makes people idle"
    assert (~idle.active).mean() > 1.5 * (~base.active).mean()


def test_the_dead_and_retired_earn_nothing():
    pop = synthesize(CONFIG, 100, seed=1, path=0, start_month=START)
    rng = Draws(1, 0, 100)
    state = IncomeState.start(CONFIG, pop, rng)
    alive = np.ones(100, bool)
    alive[:50] = False
    step_income(CONFIG, pop, state, rng, START, alive)
    assert (state.income[:50] == 0).all()
