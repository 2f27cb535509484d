"""Synthesis in one pass a chunk (``sim.agents.population``) against the whole-array version
it replaced, kept here as the reference: every attribute the same to the bit and dtype, for
the default population, for changed shares, ages, cohorts and retirement bases, at sizes
around the chunk's and for any seed, path and start month."""

from dataclasses import replace

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from sim.agents import population as synthesis
from sim.agents import purposes
from sim.agents.population import LUMP_SUMS, MINIMUM, SHARE_OF_INCOME, synthesize
from sim.agents.population_file import load_agent_config
from sim.agents.retirement import _RULES, retirement_age_months, retirement_month
from sim.core.months import month_index, parse_month
from sim.core.random import Draws

CONFIG = load_agent_config()
START = parse_month("2023-09")
CHUNK = synthesis._CHUNK


def _categorical(u, cohort, probs_by_cohort):
    cum = np.cumsum(probs_by_cohort, axis=1)
    out = np.zeros(len(u), dtype=np.int8)
    for j in range(cum.shape[1] - 1):
        out += u >= cum[cohort, j]
    return out


def _reference_retirement_age_months(birth, female, female_base):
    birth, female = np.asarray(birth, np.int64), np.asarray(female, bool)
    out = np.empty(np.broadcast(birth, female).shape, dtype=np.int64)
    for base, is_group in ((60, ~female), (female_base, female)):
        first, per, most = _RULES[base]
        delay = np.where(birth >= first, np.minimum((birth - first) // per + 1, most), 0)
        out = np.where(is_group, base * 12 + delay, out)
    return out


def _reference(config, n, *, seed, path, start_month):
    """The whole-array synthesis (main ``623193b``), operation for operation."""
    rng = Draws(seed, path, n)
    cohorts = config.cohorts
    shares = np.array([c.share for c in cohorts])
    cohort = np.searchsorted(
        np.cumsum(shares)[:-1], rng.uniform(purposes.POP_COHORT, 0), side="right"
    )

    def per_cohort(attribute):
        return config.cohort_array(attribute)[cohort]

    def categorical(draw, attribute):
        table = np.array([getattr(c, attribute) for c in cohorts])
        return _categorical(rng.uniform(draw, 0), cohort, table)

    pop = config.population
    female = rng.uniform(purposes.POP_FEMALE, 0) < pop.female_share
    top_age = np.where(female, pop.female_retirement_base, 60).astype(float)
    mean, sd = per_cohort("age_mean"), np.maximum(per_cohort("age_sd"), 1e-9)
    lo, hi = ndtr((16.0 - mean) / sd), ndtr((top_age - 1.0 / 12 - mean) / sd)
    u_age = lo + rng.uniform(purposes.POP_AGE, 0) * np.maximum(hi - lo, 0)
    age = np.clip(mean + sd * ndtri(np.clip(u_age, 1e-12, 1 - 1e-12)), 16.0, top_age - 1.0 / 12)
    birth = start_month - np.floor(age * 12).astype(np.int64)
    veteran = rng.uniform(purposes.POP_VETERAN, 0) < per_cohort("veteran_share")
    service = np.rint(
        per_cohort("veteran_months_mean") * (0.5 + rng.uniform(purposes.POP_SERVICE, 0))
    )
    sigma = per_cohort("income_sigma")
    level = (
        np.log(per_cohort("income_mean")) - sigma**2 / 2 + sigma * rng.normal(purposes.POP_LEVEL, 0)
    )
    dep = config.depositing
    logit = np.log(dep.share_mean / (1 - dep.share_mean)) + dep.share_spread * rng.normal(
        purposes.POP_SHARE, 0
    )
    u = rng.uniform(purposes.POP_DEPOSIT_STYLE, 0)
    style = np.full(n, SHARE_OF_INCOME, np.int8)
    style[u < dep.minimum_share + dep.lump_share] = LUMP_SUMS
    style[u < dep.minimum_share] = MINIMUM
    retire = birth + _reference_retirement_age_months(birth, female, pop.female_retirement_base)
    return {
        "cohort": cohort.astype(np.int8),
        "female": female,
        "birth_month": birth.astype(synthesis._MONTHS),
        "retirement_month": retire.astype(synthesis._MONTHS),
        "education": categorical(purposes.POP_EDUCATION, "education"),
        "children": categorical(purposes.POP_CHILDREN, "children"),
        "veteran_months": np.where(veteran, service, 0).astype(np.int16),
        "tenure": categorical(purposes.POP_TENURE, "tenure").astype(np.int8),
        "good_credit": rng.uniform(purposes.POP_CREDIT, 0) < pop.good_credit_share,
        "intends_to_buy": rng.uniform(purposes.POP_INTENTION, 0) < per_cohort("purchase_intention"),
        "hmt_or_foreign": rng.uniform(purposes.POP_RESIDENCY, 0) < pop.hmt_or_foreign_share,
        "income_level": level.astype(np.float32),
        "deposit_share": (1 / (1 + np.exp(-logit))).astype(np.float32),
        "quarterly": rng.uniform(purposes.POP_QUARTERLY, 0) < dep.quarterly_share,
        "rent_user": rng.uniform(purposes.POP_RENT_USER, 0) < config.withdrawing.rent_user_share,
        "rent": (config.withdrawing.rent_share_of_income * np.exp(level)).astype(np.float32),
        "deposit_style": style,
    }


def _assert_same(config, n, seed, path, start):
    got = synthesize(config, n, seed=seed, path=path, start_month=start)
    want = _reference(config, n, seed=seed, path=path, start_month=start)
    assert set(vars(got)) == set(want)
    for name, arr in want.items():
        mine = getattr(got, name)
        assert mine.dtype == arr.dtype, name
        assert mine.tobytes() == arr.tobytes(), (name, int((mine != arr).sum()))


@pytest.mark.parametrize("n", [0, 1, 7, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 333])
def test_synthesis_is_bit_identical_to_the_whole_array_version(n):
    _assert_same(CONFIG, n, seed=5, path=3, start=START)


@pytest.mark.parametrize(
    ("seed", "path", "start"),
    [(0, 0, START), (42, 7, parse_month("2025-01")), (2**40 + 3, 999, parse_month("2040-06"))],
)
def test_synthesis_is_bit_identical_for_any_seed_path_and_start(seed, path, start):
    _assert_same(CONFIG, 3_000, seed, path, start)


def _changed_config():
    """Shares at their edges, a cohort with no share (a tie in the search), wide ages, other
    deposit styles and the women's pre-reform age of 50."""
    cohorts = list(CONFIG.cohorts)
    cohorts[1] = replace(cohorts[1], share=cohorts[1].share + cohorts[2].share,
                         age_sd=0.0, age_mean=70.0)  # fmt: skip
    cohorts[2] = replace(cohorts[2], share=0.0, tenure=(0.0, 1.0, 0.0))
    cohorts[3] = replace(cohorts[3], age_sd=30.0, education=(0.2, 0.2, 0.2, 0.2, 0.2))
    return replace(
        CONFIG,
        cohorts=tuple(cohorts),
        population=replace(CONFIG.population, female_retirement_base=50, female_share=1.0),
        depositing=replace(
            CONFIG.depositing, minimum_share=0.3, lump_share=0.25, share_mean=0.9, share_spread=2.0
        ),
        withdrawing=replace(CONFIG.withdrawing, rent_user_share=0.0, rent_share_of_income=0.4),
    )


@pytest.mark.parametrize("female_share", [1.0, 0.5, 0.0])
def test_synthesis_is_bit_identical_with_changed_parameters(female_share):
    config = _changed_config()
    config = replace(config, population=replace(config.population, female_share=female_share))
    _assert_same(config, 5_000, seed=11, path=2, start=START)


def test_E1_W4_retirement_ages_match_the_rule_for_every_birth_month():
    """The kernel's retirement age (``retirement_age_at``) against the rule written with
    arrays, for every birth month 1940–2011, both sexes, the women's bases 50 and 55.
    By hand: a woman born in March 1975 with base 50: delay (2 // 2) + 1 = 2 months, so
    50 × 12 + 2 = 602 months; born in January 1965, a man: 0 // 4 + 1 = 1, 721 months."""
    birth = np.arange(month_index(1940, 1), month_index(2012, 1))
    for base in (50, 55):
        for female in (False, True):
            sex = np.full(len(birth), female)
            got = retirement_age_months(birth, sex, base)
            assert np.array_equal(got, _reference_retirement_age_months(birth, sex, base))
            assert np.array_equal(retirement_month(birth, sex, base), birth + got)
    assert retirement_age_months(np.array([month_index(1975, 3)]), np.array([True]), 50)[0] == 602
    assert retirement_age_months(np.array([month_index(1965, 1)]), np.array([False]))[0] == 721
    assert retirement_age_months(month_index(1965, 1), False).shape == ()  # a scalar stays one


def test_synthesis_writes_the_months_in_a_smaller_integer_dtype(monkeypatch):
    """The kernels write whatever dtype the months are allocated in (int16 on the compact
    state's branch): the same values as the whole-array version's ``astype``."""
    monkeypatch.setattr(synthesis, "_MONTHS", np.int16)
    got = synthesize(CONFIG, 2_000, seed=3, path=1, start_month=START)
    assert got.birth_month.dtype == np.int16
    assert got.retirement_month.dtype == np.int16
    _assert_same(CONFIG, 2_000, seed=3, path=1, start=START)
