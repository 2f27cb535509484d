"""The people's kernels take named records, and their writes reach the caller's arrays.

numba silently drops writes made inside a ``prange`` through a named tuple's
field (numba#5872), so each kernel is checked against its own serial
compilation, on the outputs and on the people's state it updates.
"""

import copy

import numba
import numpy as np
import pytest

from sim.agents import behaviour, income
from sim.agents.behaviour import FundView
from sim.agents.income import IncomeState, income_params, step_income
from sim.agents.kernel_params import Account, Choices, DrawKeys, ModelParams, memory_of, people_of
from sim.agents.memory import BehaviourState
from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.core.chunks import chunk_plan
from sim.core.months import parse_month
from sim.core.random import Draws, path_keys

CONFIG = load_agent_config()
START = parse_month("2024-03")
N = 4000
RATES = (0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45)


def _serial(kernel):
    return numba.njit(parallel=False, fastmath=True)(kernel.py_func)


@pytest.fixture(scope="module")
def world():
    pop = synthesize(CONFIG, N, seed=9, path=0, start_month=START)
    rng = Draws(9, 0, N)
    inc = IncomeState.start(CONFIG, pop, rng)
    state = BehaviourState.start(N, config=CONFIG, pop=pop, income=inc, rng=rng, month=START)
    step_income(CONFIG, pop, inc, rng, START, state.alive)
    member = rng.uniform("test.member", 0) < 0.5
    state.join_month[member] = START - 6
    state.deposited_last[member] = True
    state.dormant[member] = rng.uniform("test.dormant", 0)[member] < 0.3
    state.plan_month[member & (rng.uniform("test.plan", 0) < 0.05)] = START
    balance = (rng.uniform("test.balance", 0) * 3_000_000).astype(np.int64) * member
    view = FundView(0.015, 0.012, 10_000, 500_000, True, RATES, member, np.zeros(N, bool),
                    np.zeros(N, bool), balance, balance // 2)  # fmt: skip
    return pop, rng, inc, state, view


def test_the_behaviour_kernel_writes_what_its_serial_compilation_writes(world):
    pop, rng, inc, state, view = world
    month = START  # a rent month (March)
    params = ModelParams.of(CONFIG, view, exit_multiplier=3.0, purchase_multiplier=3.0)
    retiring = pop.retirement_month.copy()
    retiring[:20] = month
    people = people_of(pop)._replace(retirement_month=retiring)
    memories, outs = [], []
    for kernel in (behaviour._decide, _serial(behaviour._decide)):
        st, out = copy.deepcopy(state), Choices.empty(N)
        kernel(chunk_plan(N), month, 3, people, inc.arrays(), memory_of(st), Account.of(view),
               params, DrawKeys.of([rng], month), out)  # fmt: skip
        memories.append(memory_of(st))
        outs.append(out)
    parallel, serial = outs
    for name in Choices._fields:
        assert np.array_equal(getattr(parallel, name), getattr(serial, name)), name
    for name in ("dormant", "deposited_last", "plan_month"):
        assert np.array_equal(getattr(memories[0], name), getattr(memories[1], name)), name
        assert not np.array_equal(getattr(memories[0], name), getattr(state, name)), name
    d = behaviour.Behaviour(CONFIG, pop, rng).decisions(month, parallel)
    for name in ("leave", "join", "deposit_who", "rent_who", "exit", "repay_who"):
        assert len(getattr(d, name)), f"no {name} request: the test exercises nothing"
    assert len(d.applications.who), "no purchase: the test exercises nothing"
    assert set(d.deposit_months.tolist()) == {1, 3}, "no quarterly deposit"


def test_the_income_kernel_writes_what_its_serial_compilation_writes(world):
    pop, rng, inc, state, _ = world
    params = income_params(CONFIG, 1, None)
    results = []
    for kernel in (income._step, _serial(income._step)):
        st = copy.deepcopy(inc)
        kernel(chunk_plan(N), pop.cohort, pop.income_level, state.alive, st.arrays(), params,
               path_keys([rng], "test.income", 1))  # fmt: skip
        results.append(st)
    for name in ("active", "persistent", "income", "log_income", "income_avg"):
        assert np.array_equal(getattr(results[0], name), getattr(results[1], name)), name
        assert not np.array_equal(getattr(results[0], name), getattr(inc, name)), name


def test_the_stress_hooks_scale_the_exit_hazard_and_the_purchase_rates(world):
    view = world[4]
    plain = ModelParams.of(CONFIG, view, exit_multiplier=1.0, purchase_multiplier=1.0)
    run = ModelParams.of(CONFIG, view, exit_multiplier=2.0, purchase_multiplier=1.5)
    assert np.allclose(np.exp(run.exit_log_h), 2.0 * np.exp(plain.exit_log_h))
    assert run.buy_intending == pytest.approx(1.5 * plain.buy_intending)
    assert run.buy_other == pytest.approx(1.5 * plain.buy_other)
    assert np.array_equal(run.join_p, plain.join_p)
