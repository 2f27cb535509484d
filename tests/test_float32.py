"""The people's float state in single precision (issue 26, item 2): behaviour unchanged.

Income (``IncomeState``: the persistent shock, this month's income and its log, the average)
and the population's floats (log income level, deposit share, rent) are float32, half the
bytes of float64. Run twice from the same people — once as stored, once with every float of
that state widened to float64 — the same kernels (``income_rows`` then ``choice_rows``) must
give the same people working, incomes equal to single precision, and the same requests in
all but a handful of person-months (a draw that falls within a rounding error of its chance,
or an amount within one of a yuan's rounding). Measured: 37,089 requests over 24 months of
6,000 people, none different; the average income within 3.5e-7 of the float64 one.
"""

import copy
import dataclasses

import numpy as np

from sim.agents import behaviour, income, purposes
from sim.agents.behaviour import Behaviour
from sim.agents.income import IncomeState, income_params
from sim.agents.kernel_params import Account, Choices, DrawKeys, memory_of, people_of
from sim.agents.memory import BehaviourState
from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.core.months import calendar_month, parse_month
from sim.core.random import Draws, path_keys
from sim.fund.requests import FundView

CONFIG = load_agent_config()
START = parse_month("2024-07")
N, MONTHS = 6000, 24
RATES = (0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45)
WIDENED = {"income_level", "deposit_share", "rent", "persistent", "income", "log_income",
           "income_avg"}  # fmt: skip


def _widen(obj):
    changes = {f.name: getattr(obj, f.name).astype(np.float64)
               for f in dataclasses.fields(obj) if f.name in WIDENED}  # fmt: skip
    return dataclasses.replace(obj, **changes)


def _requests(d) -> set:
    """A month's requests as a set of (kind, person, fen)."""
    got = set()
    for kind, who, fen in (("deposit", d.deposit_who, d.deposit_fen),
                           ("rent", d.rent_who, d.rent_fen)):  # fmt: skip
        got |= {(kind, w, f) for w, f in zip(who.tolist(), fen.tolist(), strict=True)}
    for kind, who in (("leave", d.leave), ("join", d.join), ("exit", d.exit),
                      ("buy", d.applications.who)):  # fmt: skip
        got |= {(kind, w, 0) for w in who.tolist()}
    return got


def _run(pop, inc, state, rng, view):
    """MONTHS of income then choices; each month's requests as sets of (kind, person, amount)."""
    b = Behaviour(CONFIG, pop, rng)
    months = []
    for month in range(START, START + MONTHS):
        p = income_params(CONFIG, month, None)
        key = path_keys([rng], purposes.INCOME_CHAIN, month)[0]
        income.income_rows(0, N, 0, pop.cohort, pop.income_level,
                           state.alive, inc.arrays(), p, key)  # fmt: skip
        params = b.kernel_args(month, inc, state, view, exit_multiplier=3.0)[7]
        out = Choices.empty(N)
        out.counts[0] = behaviour.choice_rows(
            0, N, 0, 0, month, calendar_month(month), people_of(pop), inc.arrays(),
            memory_of(state), Account.of(view), params, DrawKeys.of([rng], month), out,
        )  # fmt: skip
        d = b.decisions(month, out)
        months.append(_requests(d))
        state.alive[d.leave] = False
        state.deposited_last[d.deposit_who] = True
    return months


def test_float32_state_chooses_as_float64_state():
    pop = synthesize(CONFIG, N, seed=8, path=0, start_month=START)
    rng = Draws(8, 0, N)
    inc = IncomeState.start(CONFIG, pop, rng)
    state = BehaviourState.start(N, config=CONFIG, pop=pop, income=inc, rng=rng, month=START)
    member = rng.uniform("test.member", 0) < 0.4
    state.join_month[member] = START - 6
    balance = (rng.uniform("test.balance", 0) * 3_000_000).astype(np.int64) * member
    view = FundView(0.015, 0.012, 10_000, 500_000, True, RATES, member, np.zeros(N, bool),
                    np.zeros(N, bool), balance, balance // 2)  # fmt: skip
    assert pop.income_level.dtype == inc.income_avg.dtype == np.float32
    pop64, inc64, state64 = _widen(pop), _widen(copy.deepcopy(inc)), copy.deepcopy(state)
    single = _run(pop, inc, state, rng, view)
    double = _run(pop64, inc64, state64, rng, view)
    assert inc64.income_avg.dtype == np.float64
    assert np.array_equal(inc.active, inc64.active)  # the chains see the same draws
    assert np.allclose(inc.income_avg, inc64.income_avg, rtol=2e-6, atol=0)  # 24 bits: 6e-8
    assert np.allclose(inc.persistent, inc64.persistent, rtol=1e-5, atol=1e-6)
    requests = sum(len(m) for m in double)
    differ = sum(len(a ^ b) for a, b in zip(single, double, strict=True))
    assert requests > 10_000, "the test exercises too few requests"
    assert differ <= 1e-3 * requests, f"{differ} of {requests} requests differ"
    assert (state.dormant != state64.dormant).sum() <= 3
