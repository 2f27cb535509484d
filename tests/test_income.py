"""Irregular income: the activity chain, idle spells, seasonality, levels and the shock hook."""

import copy

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


def test_the_dead_keep_the_rest_of_their_income_state():
    pop = synthesize(CONFIG, 1_000, seed=2, path=0, start_month=START)
    rng = Draws(2, 0, 1_000)
    state = IncomeState.start(CONFIG, pop, rng)
    alive = np.arange(1_000) % 3 != 0
    before = copy.deepcopy(state)
    step_income(CONFIG, pop, state, rng, START, alive)
    dead = ~alive
    for name in ("active", "persistent", "log_income", "income_avg"):
        assert np.array_equal(getattr(state, name)[dead], getattr(before, name)[dead]), name
        assert not np.array_equal(getattr(state, name)[alive], getattr(before, name)[alive])
    assert (state.income[dead] == 0).all()


def test_income_is_keyed_by_person_not_by_the_population_after_them():
    """A person's income path is the same simulated among 300 or 3,000 people."""
    runs = []
    for n in (300, 3_000):
        pop = synthesize(CONFIG, n, seed=4, path=1, start_month=START)
        rng = Draws(4, 1, n)
        state = IncomeState.start(CONFIG, pop, rng)
        for m in range(START, START + 6):
            step_income(CONFIG, pop, state, rng, m, np.ones(n, bool))
        runs.append(state.income[:300].copy())
    assert np.array_equal(*runs)


def test_exp32_is_exp_to_float32_precision():
    """The written-out float32 exp (it vectorizes) against numpy's float64 exp: within a
    float32 ulp (2^-23 = 1.2e-7 relative; measured 8.0e-8) from -80 to 80, and at log
    incomes."""
    import numba

    from sim.agents.income import exp32

    f = numba.njit(lambda x: np.array([exp32(v) for v in x], dtype=np.float32))
    x = np.concatenate([np.linspace(-80, 80, 200_001), np.log([1.0, 500.0, 4_500.0, 1e6])])
    x = x.astype(np.float32)
    rel = np.abs(f(x).astype(float) / np.exp(x.astype(float)) - 1)
    assert rel.max() < 2.0**-23, rel.max()
    assert f(np.array([0.0], np.float32))[0] == 1.0


def test_the_income_kernel_vectorizes():
    """The monthly step is branch-free float32 with its tables on its stack so that LLVM
    turns its loop into vector code (issue 26: 12.5 → 3 ns a person-month). A fresh
    compilation (the cached one keeps no IR) must hold vector arithmetic on floats."""
    import re

    import numba

    from sim.agents import income
    from sim.agents.income import income_params

    pop = synthesize(CONFIG, 64, seed=1, path=0, start_month=START)
    rng = Draws(1, 0, 64)
    state = IncomeState.start(CONFIG, pop, rng)
    kernel = numba.njit(income.income_rows.py_func)
    kernel(0, 64, 0, pop.cohort, pop.income_level, np.ones(64, bool), state.arrays(),
           income_params(CONFIG, START, None), np.uint64(7))  # fmt: skip
    llvm = "".join(kernel.inspect_llvm().values())
    assert re.search(r"fmul <\d+ x float>", llvm), "the income loop is scalar again"


def test_more_cohorts_than_the_kernels_copy_holds_are_refused_in_one_line():
    import dataclasses

    from sim.agents.income import MAX_COHORTS, income_params
    from sim.core.errors import InputError

    many = dataclasses.replace(CONFIG, cohorts=CONFIG.cohorts * (MAX_COHORTS // 8 + 1))
    n = len(many.cohorts)  # 8 cohorts × 9 = 72 > 64
    with pytest.raises(InputError, match=rf"cohorts: {n} cohorts; allowed: at most 64"):
        income_params(many, START, None)
    assert income_params(CONFIG, START, None).cohorts.shape == (6, len(CONFIG.cohorts))


def test_rows_computed_in_vector_and_one_at_a_time_agree_bit_for_bit():
    """The vector loop does 16 rows at a time and the rest one at a time, and where that
    split falls depends on the chunk; exact IEEE arithmetic (no fastmath reassociation or
    fused multiply-adds) makes a row's income the same either way."""
    from sim.agents.income import income_params, income_rows

    n = 1_000
    pop = synthesize(CONFIG, n, seed=6, path=0, start_month=START)
    rng = Draws(6, 0, n)
    alive = np.arange(n) % 7 != 0
    shock = CommonShock.uniform(len(NAMES), income_cut=0.1, idle_multiplier=1.5)
    whole = IncomeState.start(CONFIG, pop, rng)
    single = copy.deepcopy(whole)
    for month in range(START, START + 3):
        p = income_params(CONFIG, month, shock)
        key = rng.key("test.income", month)
        income_rows(0, n, 0, pop.cohort, pop.income_level, alive, whole.arrays(), p, key)
        for i in range(n):
            income_rows(i, i + 1, 0, pop.cohort, pop.income_level, alive, single.arrays(), p, key)
    for name in ("active", "persistent", "income", "log_income", "income_avg"):
        assert np.array_equal(getattr(whole, name), getattr(single, name)), name
