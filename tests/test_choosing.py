"""The choices in two passes (``sim.agents.choosing``, issue 26): what they compute once a
month instead of once a person, and that a person's choices do not depend on who else is
listed in the first pass."""

import copy

import numpy as np
import pytest

from sim.agents.behaviour import Behaviour, FundView
from sim.agents.depositing import deposit_probability, sigmoid
from sim.agents.dormancy import stop_probabilities
from sim.agents.income import IncomeState, step_income
from sim.agents.kernel_params import ModelParams
from sim.agents.memory import BehaviourState
from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.core.chunks import CHUNK
from sim.core.months import parse_month
from sim.core.random import Draws, bits_at, uniform_pair_at, uniform_pair_of

CONFIG = load_agent_config()
START = parse_month("2024-03")  # March: a rent month
N = CHUNK + 3000  # two chunks
RATES = (0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45)


def test_the_logistic_table_is_within_2e_7_of_the_logistic():
    s = np.linspace(-25.0, 25.0, 200_001)
    exact = 1.0 / (1.0 + np.exp(-s))
    table = np.array([sigmoid(x) for x in s])
    assert np.abs(table - exact).max() < 2e-7
    # by hand: logit 0.0 + 0.5 * 0.0 + rate term 0.0, plus a habit of 1.0: 1 / (1 + e^-1)
    assert deposit_probability(0.0, 0.5, 0.0, 1.0, True, 0.0) == pytest.approx(0.7310586, 1e-6)
    assert sigmoid(0.0) == 0.5


def test_a_hash_taken_ahead_splits_into_the_same_two_uniforms():
    key = Draws(3, 1, 10).key("test.pair", 7)
    for person in (0, 1, 12345, 2**31 - 1):
        assert uniform_pair_of(np.uint64(bits_at(key, person))) == uniform_pair_at(key, person)


def test_the_stop_chance_is_tabled_by_cohort_and_income_loss():
    # monthly hazards 1% and 2%, a loss effect of 1.2: 1% and 1% * e^1.2 = 3.320117%, etc.
    table = stop_probabilities(np.log([0.01, 0.02]), 1.2)
    assert table.shape == (2, 2)
    assert table[0] == pytest.approx([0.01, 0.03320117], rel=1e-6)  # float32 exp
    assert table[1] == pytest.approx([0.02, 0.06640234], rel=1e-6)
    assert stop_probabilities(np.log([0.5]), 1.2)[0, 1] == 1.0  # 0.5 * e^1.2 > 1: capped


@pytest.fixture(scope="module")
def world():
    pop = synthesize(CONFIG, N, seed=6, path=0, start_month=START)
    rng = Draws(6, 0, N)
    income = IncomeState.start(CONFIG, pop, rng)
    state = BehaviourState.start(N, config=CONFIG, pop=pop, income=income, rng=rng, month=START)
    step_income(CONFIG, pop, income, rng, START, state.alive)
    member = rng.uniform("test.member", 0) < 0.4
    state.join_month[member] = START - 6
    state.dormant[member] = rng.uniform("test.dormant", 0)[member] < 0.3
    balance = (rng.uniform("test.balance", 0) * 3_000_000).astype(np.int64) * member
    view = FundView(0.015, 0.012, 10_000, 500_000, True, RATES, member, np.zeros(N, bool),
                    np.zeros(N, bool), balance, balance // 2)  # fmt: skip
    return pop, rng, income, state, view


def test_the_join_bound_bounds_every_join_chance_of_its_bracket(world):
    params = ModelParams.of(CONFIG, world[4], exit_multiplier=1.0, purchase_multiplier=1.0)
    assert params.join_bound.shape == (params.join_p.shape[0],)
    assert np.array_equal(params.join_bound, params.join_p.max(axis=(1, 2)))
    assert (params.join_bound < 0.5).all()  # the first pass's rare branch is rare


def _requests(world, alive):
    pop, rng, income, state, view = world
    st = copy.deepcopy(state)
    st.alive[:] = alive
    d = Behaviour(CONFIG, pop, rng).decide(START, income, st, view)
    by_person = {}
    for name in ("leave", "join", "deposit_who", "rent_who", "exit", "repay_who"):
        for w in getattr(d, name):
            by_person.setdefault(int(w), []).append(name)
    for w, fen in zip(d.deposit_who, d.deposit_fen, strict=True):
        by_person[int(w)].append(int(fen))
    for w in d.applications.who:
        by_person.setdefault(int(w), []).append("buy")
    return by_person, st


def test_a_persons_choices_do_not_depend_on_who_else_is_listed(world):
    """The first pass lists leavers, joiners and members of a chunk; the second pass reads the
    list. With every other person gone, each remaining person asks exactly the same."""
    everyone, st_all = _requests(world, np.ones(N, bool))
    half = np.arange(N) % 2 == 0
    some, st_half = _requests(world, half)
    assert len(some) > 1000, "the test exercises nothing"
    assert some == {w: r for w, r in everyone.items() if half[w]}
    for name in ("dormant", "deposited_last", "plan_month"):
        assert np.array_equal(getattr(st_all, name)[half], getattr(st_half, name)[half]), name
    kinds = {r for rs in everyone.values() for r in rs if isinstance(r, str)}
    assert kinds >= {"leave", "join", "deposit_who", "rent_who", "exit"}, kinds
