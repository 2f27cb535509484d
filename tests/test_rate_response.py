"""The rate response: named settings from the evidence, and the 1.0% -> 1.5% response."""

import math

import pytest

from sim.agents.config import RESPONSE_SETTINGS
from sim.agents.population_file import load_agent_config
from sim.agents.response import rate_pull, with_setting
from sim.cli.main import main
from sim.engine.simulation import simulate
from sim.scenario.files import load_scenario

CONFIG = load_agent_config()


def test_the_population_file_has_every_setting_and_the_default_uses_central():
    assert [name for name, _ in CONFIG.response.settings] == list(RESPONSE_SETTINGS)
    assert CONFIG.response.setting == "central"
    assert CONFIG.response.reference_rate == 0.01
    elasticities = [s.participation_elasticity for _, s in CONFIG.response.settings]
    assert elasticities == [0.0, 0.02, 0.045, 0.07]  # FACTS.md: 0.02-0.07, zero the floor
    assert all(s.amount_ratio < 1 for _, s in CONFIG.response.settings)  # amounts respond less


def test_pull_at_a_rate_is_the_elasticity_times_the_delay_weight_times_the_change():
    central = rate_pull(CONFIG.response, 0.015)
    # 0.045 x 0.75 x (1.5% - 1.0%) / 1.0% = 0.016875; amounts half of it
    assert math.isclose(central.participation, 1.016875)
    assert math.isclose(central.contribution, 1.0084375)
    assert math.isclose(rate_pull(CONFIG.response, 0.0).participation, 1 - 0.03375)
    assert rate_pull(CONFIG.response, 0.01).participation == 1.0
    none = with_setting(CONFIG, "none").response
    assert rate_pull(none, 0.03) == rate_pull(none, 0.0) == rate_pull(none, 0.01)
    pulls = [rate_pull(with_setting(CONFIG, s).response, 0.015) for s in RESPONSE_SETTINGS]
    assert [p.participation for p in pulls] == sorted(p.participation for p in pulls)


def test_central_response_to_1_5_percent_is_within_the_evidence_range():
    """FACTS.md (C): 1.0% -> 1.5% brings +1% to +3.5% more depositors."""
    active = {}
    for rate in (0.010, 0.015):
        sets = {"population.size": 20_000, "horizon.months": 120, "subsidy.holding_rate": rate}
        active[rate] = simulate(load_scenario(sets=sets), 0)["active_depositors"][-1]
    assert 0.01 < active[0.015] / active[0.010] - 1 < 0.035


def test_cli_response_prints_each_setting_and_rejects_an_unknown_one(capsys):
    args = ["response", "--n", "2000", "--months", "12", "--rates", "0.01,0.015"]
    assert main([*args, "--settings", "none,central"]) == 0
    out = capsys.readouterr().out
    assert "subsidy cost" in out
    assert "cost/extra yuan" in out
    rows = [line.split()[0] for line in out.splitlines()[1:]]
    assert rows == ["none", "none", "central", "central"]
    assert main([*args, "--settings", "huge"]) == 2
    assert "--settings" in capsys.readouterr().err


@pytest.mark.parametrize("setting", RESPONSE_SETTINGS)
def test_every_setting_can_be_put_in_force(setting):
    assert with_setting(CONFIG, setting).response.setting == setting


def test_under_none_the_same_people_choose_the_same_at_any_rate():
    import numpy as np

    from sim.agents.behaviour import Behaviour, FundView
    from sim.agents.income import IncomeState, step_income
    from sim.agents.memory import BehaviourState
    from sim.agents.population import synthesize
    from sim.core.months import parse_month
    from sim.core.random import Draws

    cfg, n, start = with_setting(CONFIG, "none"), 20_000, parse_month("2024-01")
    pop = synthesize(cfg, n, seed=3, path=0, start_month=start)
    rng = Draws(3, 0, n)
    income = IncomeState.start(cfg, pop, rng)
    step_income(cfg, pop, income, rng, start, np.ones(n, bool))
    member = np.arange(n) % 3 == 0
    balance = np.where(member, 500_000, 0).astype(np.int64)
    runs = []
    for rate in (0.0, 0.01, 0.03):
        st = BehaviourState.start(n)
        st.join_month[member] = start - 4
        view = FundView(0.015, rate, 10_000, 500_000, False, (0.03,), member, np.zeros(n, bool),
                        np.zeros(n, bool), balance, balance // 2)  # fmt: skip
        d = Behaviour(cfg, pop, rng).decide(start + 2, income, st, view)
        runs.append((d.join, d.deposit_who, d.deposit_fen, d.exit, st.dormant.copy()))
    for other in runs[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(runs[0], other, strict=True))
