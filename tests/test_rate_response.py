"""The rate response: named settings from the evidence, and the 1.0% -> 1.5% response."""

import math

import pytest

from sim.agents.config import RESPONSE_SETTINGS, load_agent_config
from sim.agents.response import rate_pull, with_setting
from sim.cli import main
from sim.engine import simulate
from sim.scenario import load_scenario

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
