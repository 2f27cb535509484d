"""``IncomeState.start`` in one pass (``sim.agents.income._start_rows``) against the
whole-array version it replaced, kept here as the reference: every array the same to the bit
and dtype, for the default population, other chains and sizes, seeds and paths."""

from dataclasses import replace

import numpy as np
import pytest

from sim.agents import purposes
from sim.agents.income import IncomeState
from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.core.months import parse_month
from sim.core.random import Draws

CONFIG = load_agent_config()
START = parse_month("2023-09")


def _reference(config, pop, rng):
    """The whole-array start (main ``623193b``), operation for operation."""
    p_ai = config.cohort_array("p_active_to_idle")[pop.cohort]
    p_ia = config.cohort_array("p_idle_to_active")[pop.cohort]
    active = rng.uniform(purposes.INCOME_START_ACTIVE, 0) * (p_ai + p_ia) < p_ia
    rho = config.cohort_array("persistent_rho")[pop.cohort]
    sd = config.cohort_array("persistent_sd")[pop.cohort] / np.sqrt(1 - rho**2 + 1e-12)
    persistent = (sd * rng.normal(purposes.INCOME_START_PERSISTENT, 0)).astype(np.float32)
    mean = np.exp(pop.income_level) * np.where(active, 1.0, 0.0)
    log_income = np.where(active, pop.income_level, 0.0).astype(np.float32)
    avg = np.exp(pop.income_level).astype(np.float32)
    return {
        "active": active,
        "persistent": persistent,
        "income": mean.astype(np.float32),
        "log_income": log_income,
        "income_avg": avg,
    }


def _assert_same(config, n, seed, path):
    pop = synthesize(config, n, seed=seed, path=path, start_month=START)
    got = IncomeState.start(config, pop, Draws(seed, path, n))
    want = _reference(config, pop, Draws(seed, path, n))
    assert set(vars(got)) == set(want)
    for name, arr in want.items():
        mine = getattr(got, name)
        assert mine.dtype == arr.dtype, name
        assert mine.tobytes() == arr.tobytes(), (name, int((mine != arr).sum()))


@pytest.mark.parametrize(("n", "seed", "path"), [(0, 1, 0), (1, 1, 0), (20_001, 5, 3)])
def test_income_start_is_bit_identical_to_the_whole_array_version(n, seed, path):
    _assert_same(CONFIG, n, seed, path)


def test_income_start_is_bit_identical_with_other_chains():
    """Never idle, always idle and a persistence of 1 (the variance's floor 1e-12)."""
    cohorts = list(CONFIG.cohorts)
    cohorts[0] = replace(cohorts[0], p_active_to_idle=0.0, persistent_rho=1.0)
    cohorts[1] = replace(cohorts[1], p_idle_to_active=0.0, p_active_to_idle=1.0)
    _assert_same(replace(CONFIG, cohorts=tuple(cohorts)), 4_000, 9, 1)
