"""Population synthesis and retirement ages (E1, E2, cohorts C)."""

import numpy as np
import pytest

from sim.agents.population import synthesize
from sim.agents.population_file import load_agent_config
from sim.agents.retirement import retirement_age_months
from sim.core.months import month_index, parse_month
from sim.fund.eligibility import may_join
from sim.fund.policy import load_policy

START = parse_month("2023-09")
CONFIG = load_agent_config()


@pytest.fixture(scope="module")
def pop():
    return synthesize(CONFIG, 40_000, seed=5, path=0, start_month=START)


def _tol(p: float, n: int) -> float:
    return 4 * np.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize(
    ("birth", "female", "base", "age"),
    [
        ((1964, 12), False, 55, 60 * 12),  # before the reform
        ((1965, 1), False, 55, 60 * 12 + 1),  # first man delayed: 60 years 1 month
        ((1965, 5), False, 55, 60 * 12 + 2),
        ((1976, 9), False, 55, 63 * 12),  # the full three years
        ((1990, 1), False, 55, 63 * 12),
        ((1969, 12), True, 55, 55 * 12),
        ((1970, 5), True, 55, 55 * 12 + 2),
        ((1975, 3), True, 50, 50 * 12 + 2),  # one month per two months of birth
        ((1990, 1), True, 50, 55 * 12),
    ],
)
def test_E1_retirement_age_rises_gradually_from_2025(birth, female, base, age):
    got = retirement_age_months(np.array([month_index(*birth)]), np.array([female]), base)
    assert got[0] == age


def test_E1_everyone_synthesised_may_join_on_the_start_date(pop):
    age = pop.age_years(START)
    assert age.min() >= 16
    assert (pop.retirement_month > START).all()
    codes = may_join(
        load_policy("lyg-2023"),
        age=age,
        retirement_age=(pop.retirement_month - pop.birth_month) // 12,
        good_credit=pop.good_credit,
        in_employee_pension=np.zeros(pop.n, bool),
        hmt_or_foreign=np.zeros(pop.n, bool),
    )
    assert not codes.any()


def test_E2_credit_and_residency_follow_their_shares(pop):
    p = CONFIG.population.good_credit_share
    assert abs(pop.good_credit.mean() - p) < _tol(p, pop.n)
    assert pop.hmt_or_foreign.mean() < 0.01


def test_cohort_shares_match_the_configuration(pop):
    counts = np.bincount(pop.cohort, minlength=len(CONFIG.cohorts)) / pop.n
    for c, share in zip(CONFIG.cohorts, counts, strict=True):
        assert abs(share - c.share) < _tol(c.share, pop.n), c.name


def test_attributes_follow_their_cohort_distributions(pop):
    grads = pop.cohort == [c.name for c in CONFIG.cohorts].index("graduates")
    cfg = next(c for c in CONFIG.cohorts if c.name == "graduates")
    n = int(grads.sum())
    for level, p in enumerate(cfg.education):
        assert abs((pop.education[grads] == level).mean() - p) < _tol(p, n) + 1e-9
    assert abs((pop.tenure[grads] == 0).mean() - cfg.tenure[0]) < _tol(cfg.tenure[0], n)
    veterans = pop.cohort == [c.name for c in CONFIG.cohorts].index("veterans")
    assert (pop.veteran_months[veterans] > 0).all()
    assert (pop.veteran_months[~veterans] == 0).all()
    mean_age = (pop.age_years(START)[grads] + 0.5).mean()
    assert abs(mean_age - 24.0) < 1.0  # truncation at 16 moves it little


def test_a_person_is_the_same_whatever_the_population_size():
    small = synthesize(CONFIG, 50, seed=5, path=0, start_month=START)
    large = synthesize(CONFIG, 5_000, seed=5, path=0, start_month=START)
    for name, arr in vars(small).items():
        assert np.array_equal(arr, getattr(large, name)[:50]), name
