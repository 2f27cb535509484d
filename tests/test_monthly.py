"""The people's month in one pass (issue 26): each chunk's income, then its choices.

The fused kernel (``sim.agents.monthly``) must give exactly what the income step then the
choices give — the same income, the same requests, the same memory — for one path and for
paths laid end to end, over several chunks, and its compact requests (``Choices``: one entry
per requester, chunk by chunk) must list every person the full arrays would.
"""

import copy
import dataclasses

import numpy as np
import pytest

from sim.agents.behaviour import Behaviour, Decisions
from sim.agents.income import CommonShock, IncomeState, step_income
from sim.agents.memory import BehaviourState
from sim.agents.monthly import earn_and_choose
from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.core.chunks import CHUNK
from sim.core.lanes import Lanes
from sim.core.months import parse_month
from sim.core.random import Draws
from sim.fund.requests import FundView

CONFIG = load_agent_config()
START = parse_month("2024-03")  # March: a rent month
N = CHUNK + 1234  # two chunks a path, the second short
RATES = (0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45)


def _path(p: int):
    pop = synthesize(CONFIG, N, seed=5, path=p, start_month=START)
    rng = Draws(5, p, N)
    income = IncomeState.start(CONFIG, pop, rng)
    state = BehaviourState.start(N, config=CONFIG, pop=pop, income=income, rng=rng, month=START)
    member = rng.uniform("test.member", 0) < 0.5
    state.join_month[member] = START - 6
    state.dormant[member] = rng.uniform("test.dormant", 0)[member] < 0.3
    state.plan_month[member & (rng.uniform("test.plan", 0) < 0.02)] = START
    balance = (rng.uniform("test.balance", 0) * 3_000_000).astype(np.int64) * member
    view = FundView(0.015, 0.012, 10_000, 500_000, True, RATES, member, np.zeros(N, bool),
                    np.zeros(N, bool), balance, balance // 2)  # fmt: skip
    return pop, rng, income, state, view


STALE = ("; if income.py, behaviour.py or a model module changed, numba's cache of the fused "
         "kernel may be stale (numba#8396): delete sim/**/__pycache__/*.nbi and *.nbc")  # fmt: skip


def _same_decisions(a: Decisions, b: Decisions) -> None:
    for f in dataclasses.fields(Decisions):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if f.name == "applications":
            for g in dataclasses.fields(x):
                assert np.array_equal(getattr(x, g.name), getattr(y, g.name)), g.name + STALE
        else:
            assert np.array_equal(x, y), f.name + STALE
            assert x.dtype == y.dtype, f.name


def _two_steps(pop, rng, income, state, view, shock, month):
    step_income(CONFIG, pop, income, rng, month, state.alive, shock)
    return Behaviour(CONFIG, pop, rng).decide(month, income, state, view, exit_multiplier=2.0)


@pytest.mark.parametrize("shocked", [False, True])
def test_one_pass_gives_what_income_then_choices_give(shocked):
    shock = CommonShock.uniform(len(CONFIG.cohorts), income_cut=0.3, idle_multiplier=2.0)
    shock = shock if shocked else None
    pop, rng, income, state, view = _path(0)
    inc2, st2 = copy.deepcopy(income), copy.deepcopy(state)
    want = _two_steps(pop, rng, income, state, view, shock, START)
    behaviour = Behaviour(CONFIG, pop, rng)
    out = earn_and_choose(behaviour, inc2, st2, START, shock, view, exit_multiplier=2.0)
    got = behaviour.decisions(START, out)
    _same_decisions(want, got)
    for name in ("active", "persistent", "income", "log_income", "income_avg"):
        assert np.array_equal(getattr(income, name), getattr(inc2, name)), name
    for name in ("dormant", "deposited_last", "plan_month"):
        assert np.array_equal(getattr(state, name), getattr(st2, name)), name
    assert len(out.counts) == 2  # one count a chunk
    for name in ("leave", "join", "deposit_who", "rent_who", "exit"):
        assert len(getattr(got, name)), f"no {name} request: the test exercises nothing"


def test_paths_laid_end_to_end_choose_as_each_alone():
    paths = [_path(p) for p in (3, 1)]
    alone = [_two_steps(*copy.deepcopy(w), None, START) for w in paths]
    lanes = Lanes(2, N)
    for k, w in enumerate(paths):  # each path's records over its rows of the batch's
        for key, j in (("pop", 0), ("income", 2), ("state", 3)):
            lanes.lane(k).hold(key, w[j])
    pop = lanes.joined("pop", paths[0][0])
    income = lanes.joined("income", paths[0][2])
    state = lanes.joined("state", paths[0][3])
    view = FundView(0.015, 0.012, 10_000, 500_000, True, RATES,
                    *(np.concatenate([getattr(w[4], f) for w in paths]) for f in
                      ("is_open", "forfeited", "loan_outstanding", "balance", "aged")))  # fmt: skip
    behaviour = Behaviour(CONFIG, pop, [w[1] for w in paths])
    out = earn_and_choose(behaviour, income, state, START, None, view, exit_multiplier=2.0)
    assert len(out.counts) == 4  # two chunks a path, none straddling the two
    for k, w in enumerate(paths):
        own = Behaviour(CONFIG, w[0], w[1])
        _same_decisions(alone[k], own.decisions(START, out.lane(k, 2)))
