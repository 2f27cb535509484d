"""Behaviour: each model's response, the subsidy rate's channels, and monotonicity under CRN."""

import numpy as np
import pytest

from sim.agents.behaviour import Behaviour, FundView
from sim.agents.depositing import deposit_amount_fen
from sim.agents.income import IncomeState, step_income
from sim.agents.memory import BehaviourState
from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.agents.rate_response import rate_response
from sim.agents.withdrawing import rent_request_fen
from sim.core.months import parse_month
from sim.core.random import Draws
from sim.fund.policy import load_policy

CONFIG = load_agent_config()
START = parse_month("2024-07")  # joining.pace 1.0: the hazard as its parameter says
N = 40_000
RATES = (0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45)


@pytest.fixture(scope="module")
def world():
    pop = synthesize(CONFIG, N, seed=4, path=0, start_month=START)
    rng = Draws(4, 0, N)
    income = IncomeState.start(CONFIG, pop, rng)
    state = BehaviourState.start(N)
    step_income(CONFIG, pop, income, rng, START, state.alive)
    member = rng.uniform("test.member", 0) < 0.4
    balance = (rng.uniform("test.balance", 0) * 3_000_000).astype(np.int64) * member
    state.join_month[member] = START - 5
    return pop, rng, income, state, member, balance


def _decide(world, rate, **hooks):
    pop, rng, income, state, member, balance = world
    view = FundView(
        0.015, rate, 10_000, 500_000, True, RATES, member, np.zeros(N, bool), np.zeros(N, bool),
        balance, balance // 2,
    )  # fmt: skip
    return Behaviour(CONFIG, pop, rng).decide(START + 1, income, state, view, **hooks)


def test_a_higher_rate_never_lowers_joining_or_deposits_nor_raises_exits(world):
    low, high = _decide(world, 0.010), _decide(world, 0.015)
    assert set(low.join) <= set(high.join)
    assert len(high.join) > len(low.join)
    assert set(low.deposit_who) <= set(high.deposit_who)
    amount_low = dict(zip(low.deposit_who, low.deposit_fen, strict=True))
    assert all(
        amount_low[w] <= a
        for w, a in zip(high.deposit_who, high.deposit_fen, strict=True)
        if w in amount_low
    )
    assert set(high.exit) <= set(low.exit)
    # 1.5% rather than 1% lowers the exit hazard by under 2%: about 2 fewer of some 110 exits,
    # none with a chance of about 1 in 7. Under a run of exits (10 times the hazard) the
    # same people exit and about 20 fewer do: "fewer" is then a test that cannot pass by luck.
    low, high = (_decide(world, rate, exit_multiplier=10.0) for rate in (0.010, 0.015))
    assert set(high.exit) <= set(low.exit)
    assert len(high.exit) < len(low.exit) - 5


def test_joining_rate_matches_its_parameter_at_the_reference_return(world):
    d = _decide(world, 0.010)
    candidates = N - world[4].sum()
    monthly = len(d.join) / candidates
    # the default population sits near the reference return: about 4% a year
    assert 0.5 * 0.0034 < monthly < 2.0 * 0.0034


def test_deposits_respect_the_published_cap_and_top_up_to_the_floor():
    assert deposit_amount_fen(0.5, 30_000.0, 1, 1.0, 10_000, 500_000) == 500_000
    assert deposit_amount_fen(0.5, 30_000.0, 3, 1.0, 10_000, 500_000) == 1_500_000
    assert deposit_amount_fen(0.01, 5_000.0, 1, 1.0, 10_000, 500_000) == 10_000  # 50 → 100
    # the floor is more than half the month's income: ask anyway (the fund will refuse)
    assert deposit_amount_fen(0.01, 150.0, 1, 1.0, 10_000, 500_000) == 200
    assert deposit_amount_fen(0.12, 5_000.0, 1, 1.1, 10_000, 500_000) == 66_000


def test_rent_request_is_three_months_up_to_the_balance():
    assert rent_request_fen(1_500.0, 10_000_000) == 450_000
    assert rent_request_fen(1_500.0, 300_055) == 300_000
    assert rent_request_fen(1_500.0, 9_999) == 0


def test_quarterly_payers_cover_three_months_where_the_policy_allows(world):
    d = _decide(world, 0.010)
    pop = world[0]
    months = dict(zip(d.deposit_who, d.deposit_months, strict=True))
    quarterly = [w for w in months if pop.quarterly[w]]
    assert quarterly
    assert all(months[w] == 3 for w in quarterly)


def test_rate_response_with_common_random_numbers():
    rows = rate_response(
        CONFIG, load_policy("lyg-2023"), (0.010, 0.015), n=8_000, months=24, seed=2,
        start_month=parse_month("2023-09"),
    )  # fmt: skip
    low, high = rows
    assert high.members_end > low.members_end
    assert high.joined >= low.joined
    assert high.deposits_yuan > low.deposits_yuan
    assert high.exit_rate < low.exit_rate


def test_kernel_choices_match_their_model_probabilities(world):
    """The fused kernel draws each choice with the probability its model function gives."""
    from sim.agents.joining import join_table
    from sim.agents.response import rate_pull

    pop, _, _, state, member, _ = world
    d = _decide(world, 0.012)
    table = join_table(CONFIG.joining, 0.015, (0.0, *RATES),
                       multiplier=rate_pull(CONFIG.response, 0.012).participation,
                       forfeited_multiplier=rate_pull(CONFIG.response, 0.0).participation)  # fmt: skip
    candidates = ~member & state.alive & ~state.join_refused
    p = table[state.tax_bracket[candidates], pop.intends_to_buy[candidates].astype(int), 0]
    expected, sd = p.sum(), np.sqrt((p * (1 - p)).sum())
    assert abs(len(d.join) - expected) < 4 * sd


def test_incomes_do_not_depend_on_the_subsidy_rate():
    from sim.agents.engine_month import Recorder, month_scenario

    runs = []
    for rate in (0.010, 0.015):
        policy = load_policy("lyg-2023").with_overrides({"subsidy.holding_rate": rate}, origin="t")
        sc = month_scenario(CONFIG, policy, n=3_000, months=12, seed=8,
                            start_month=parse_month("2023-09"))  # fmt: skip
        path = Recorder(sc, 0)
        path.env.run()
        runs.append(path.people.income.income.copy())
    assert np.array_equal(*runs)


def test_a_deposit_last_time_makes_a_deposit_likelier_and_the_flag_is_reset(world):
    pop, rng, income, state, member, balance = world
    counts = {}
    for habit in (False, True):
        st = BehaviourState(state.alive.copy(), np.full(N, habit), state.join_month.copy(),
                            state.tax_bracket.copy(), state.join_refused.copy())  # fmt: skip
        view = FundView(0.015, 0.010, 10_000, 500_000, False, RATES, member, np.zeros(N, bool),
                        np.zeros(N, bool), balance, balance // 2)  # fmt: skip
        d = Behaviour(CONFIG, pop, rng).decide(START + 1, income, st, view)
        counts[habit] = len(d.deposit_who)
        deciding = member & state.alive
        deciding[d.leave] = False  # people leaving this month decide nothing
        deciding &= ~st.dormant  # nor do those who stopped depositing
        assert not st.deposited_last[deciding].any(), "cleared at each decision"
    assert counts[True] > counts[False]


def test_join_table_is_computed_once_per_terms_and_each_month_gets_its_own_copy():
    from sim.agents.joining import _join_table, join_probability, join_table, reference_logit

    j = CONFIG.joining
    terms = {"multiplier": 1.2, "forfeited_multiplier": 0.9}
    _join_table.cache_clear()
    first = join_table(j, 0.015, (0.0, *RATES), **terms)
    first[:] = -1.0  # a caller's copy: writing it leaves the table kept for the next month
    again = join_table(j, 0.015, (0.0, *RATES), **terms)
    assert _join_table.cache_info().hits == 1
    bracket, intends = 3, 1  # the 20% bracket, intending to buy, not forfeited
    expected = join_probability(reference_logit(j), j.return_semi_elasticity,
                                j.reference_return, 0.015, 1.2, 0.20 / j.tax_horizon_years,
                                True, j.loan_access_value)  # fmt: skip
    assert again[bracket, intends, 0] == expected
    other = join_table(j, 0.02, (0.0, *RATES), **terms)  # new terms: a new table
    assert other[bracket, intends, 0] > expected
