"""The population file is checked as strictly as a policy file."""

from pathlib import Path

import pytest

from sim.agents.config import DEFAULT_POPULATION
from sim.agents.population_file import load_agent_config
from tests.helpers import broken_copy, expect_input_error

BASE = Path(DEFAULT_POPULATION).read_text(encoding="utf-8")


def test_the_default_population_file_loads_with_every_cohort():
    config = load_agent_config()
    assert {c.name for c in config.cohorts} >= {"gig", "ecommerce", "veterans", "graduates"}
    assert abs(sum(c.share for c in config.cohorts) - 1) < 1e-12


BAD = {
    "negative share": ("share = 0.30\n", "share = -0.30\n", "cohorts.gig.share"),
    "shares not summing to 1": ("share = 0.30\n", "share = 0.31\n", "cohorts.*.share"),
    "unknown cohort": ("[cohorts.gig]", "[cohorts.astronauts]", "cohorts.astronauts"),
    "unknown attribute": (
        "age_mean = 32.0\n",
        "age_mean = 32.0\nheight = 170\n",
        "cohorts.gig.height",
    ),
    "out of range": (
        "p_active_to_idle = 0.08",
        "p_active_to_idle = 1.08",
        "cohorts.gig.p_active_to_idle",
    ),
    "wrong type": ("season_peak = 11", "season_peak = 11.5", "cohorts.ecommerce.season_peak"),
    "distribution not summing to 1": (
        "education = [0.55, 0.30, 0.13, 0.02, 0.0]",
        "education = [0.55, 0.30, 0.13, 0.02, 0.1]",
        "cohorts.gig.education",
    ),
    "missing basis": (
        'basis = "max_repayment_share: FACTS.md, monthly repayment at most 50%-60% of monthly '
        'income (2015 circular). buffer_instalments and saving_share: assumptions (below)"\n',
        "",
        "behaviour.repaying.basis",
    ),
    "missing behaviour parameter": ("habit = 1.0\n", "", "behaviour.depositing.habit"),
    "unknown behaviour": ("[behaviour.repaying]", "[behaviour.gambling]", "behaviour.gambling"),
    "unknown response setting": (
        'setting = "central"',
        'setting = "huge"',
        "behaviour.response.setting",
    ),
    "elasticity out of range": (
        "participation_elasticity = 0.07",
        "participation_elasticity = 7.0",
        "behaviour.response.high.participation_elasticity",
    ),
    "missing response setting": (
        "[behaviour.response.low]",
        "[behaviour.response.lowish]",
        "behaviour.response.lowish",
    ),
    "commercial rate not a month": (
        '"2024-02" = 0.0365',
        '"Feb 2024" = 0.0365',
        "behaviour.financing.commercial_rate.Feb 2024",
    ),
    "commercial rate out of range": (
        '"2024-02" = 0.0365',
        '"2024-02" = 3.65',
        "behaviour.financing.commercial_rate.2024-02",
    ),
    "missing dormancy hazard": (
        "restart_annual_rate = 0.24\n",
        "",
        "behaviour.dormancy.restart_annual_rate",
    ),
    "cohort hazard out of range": (
        "stop_hazard_multiplier = 1.5",
        "stop_hazard_multiplier = -1.5",
        "cohorts.gig.stop_hazard_multiplier",
    ),
    "bad retirement base": (
        "female_retirement_base = 55",
        "female_retirement_base = 65",
        "population.female_retirement_base",
    ),
    "retirement base without a rule (E1: women retire from 50 or 55)": (
        "female_retirement_base = 55",
        "female_retirement_base = 52",
        "population.female_retirement_base",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_population_file_fails_in_one_line_naming_file_and_key(tmp_path, case):
    old, new, key = BAD[case]
    path = broken_copy(DEFAULT_POPULATION, old, new, tmp_path / "population.toml")
    error = expect_input_error(load_agent_config, path, key)
    assert error.allowed or "missing" in error.problem or "unknown" in error.problem
