"""Population synthesis: N eligible flexibly-employed people (E1, E2, cohorts C).

Each person belongs to one cohort of the population file and gets, from that
cohort's distributions: age (a normal truncated to 16 … the pre-reform
retirement age, so everyone is eligible by E1 on the start date), sex, birth
month and statutory retirement month, education, children, veterans' service
months, housing tenure, good credit (E2), intention to buy, residency, a
persistent income level, the share of income they would deposit, whether they
pay quarterly, and their rent.

Every draw is keyed by the person's index (``sim.core.random``), so person *i* is
the same whatever the population size after them or the policy in force.
Nobody is in the employee pension scheme: such people are not flexible workers
in the sense of E1 and are not simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from sim.agents import purposes
from sim.agents.config import AgentConfig
from sim.agents.retirement import retirement_month
from sim.core.months import MONTH_TYPE
from sim.core.random import Draws

KERNEL_PEOPLE = ("cohort", "birth_month", "retirement_month", "tenure", "intends_to_buy",
                 "deposit_share", "quarterly", "rent_user", "rent", "deposit_style")  # fmt: skip
"""The fields of :class:`Population` the behaviour kernel reads (``kernel_params.People``);
tenure and the intention to buy change on a purchase."""


@dataclass
class Population:
    """Who the people are: one row per person, fixed at synthesis except where noted."""

    cohort: np.ndarray  # int8 index into config.cohorts
    female: np.ndarray  # bool
    birth_month: np.ndarray  # int16 month index (sim.core.months.MONTH_TYPE)
    retirement_month: np.ndarray  # int16 month index (W4)
    education: np.ndarray  # int8 index into params.EDUCATION_LEVELS
    children: np.ndarray  # int8, 0, 1 or 2 (two or more)
    veteran_months: np.ndarray  # int16 months of deposits during service (E5)
    tenure: np.ndarray  # int8 RENTING, OWNING or MORTGAGE (config.TENURE); changes on purchase
    good_credit: np.ndarray  # bool (E2)
    intends_to_buy: np.ndarray  # bool; cleared on purchase
    hmt_or_foreign: np.ndarray  # bool (E2)
    income_level: np.ndarray  # float32 log of the person's mean active monthly income
    deposit_share: np.ndarray  # float32 share of income the person deposits
    quarterly: np.ndarray  # bool: prefers to pay quarterly (where allowed, D2)
    rent_user: np.ndarray  # bool: would withdraw for rent while renting (W1)
    rent: np.ndarray  # float32 yuan a month
    deposit_style: np.ndarray = None  # int8 SHARE_OF_INCOME, MINIMUM or LUMP_SUMS (depositing)

    def __post_init__(self):
        if self.deposit_style is None:
            self.deposit_style = np.zeros(len(self.cohort), np.int8)

    @property
    def n(self) -> int:
        """Number of people."""
        return len(self.cohort)

    def age_years(self, month: int) -> np.ndarray:
        """Age in whole years in ``month``."""
        return (month - self.birth_month) // 12

    def nbytes(self) -> int:
        """Memory held, for the benchmarks."""
        return sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))


def _categorical(u: np.ndarray, cohort: np.ndarray, probs_by_cohort: np.ndarray) -> np.ndarray:
    """Index of the category each uniform falls in, by the person's cohort's probabilities.

    One boundary at a time, so memory stays one array per person whatever the categories.
    """
    cum = np.cumsum(probs_by_cohort, axis=1)
    out = np.zeros(len(u), dtype=np.int8)
    for j in range(cum.shape[1] - 1):
        out += u >= cum[cohort, j]
    return out


def synthesize(config: AgentConfig, n: int, *, seed: int, path: int, start_month: int):
    """Draw ``n`` people for one path; see the module docstring."""
    rng = Draws(seed, path, n)
    cohorts = config.cohorts
    shares = np.array([c.share for c in cohorts])
    cohort = np.searchsorted(
        np.cumsum(shares)[:-1], rng.uniform(purposes.POP_COHORT, 0), side="right"
    )

    def per_cohort(attribute: str) -> np.ndarray:
        return config.cohort_array(attribute)[cohort]

    def categorical(draw: str, attribute: str) -> np.ndarray:
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
    tenure = categorical(purposes.POP_TENURE, "tenure")
    sigma = per_cohort("income_sigma")
    level = (
        np.log(per_cohort("income_mean")) - sigma**2 / 2 + sigma * rng.normal(purposes.POP_LEVEL, 0)
    )
    dep = config.depositing
    logit = np.log(dep.share_mean / (1 - dep.share_mean)) + dep.share_spread * rng.normal(
        purposes.POP_SHARE, 0
    )
    return Population(
        cohort=cohort.astype(np.int8),
        female=female,
        birth_month=birth.astype(MONTH_TYPE),
        retirement_month=retirement_month(birth, female, pop.female_retirement_base).astype(
            MONTH_TYPE
        ),
        education=categorical(purposes.POP_EDUCATION, "education"),
        children=categorical(purposes.POP_CHILDREN, "children"),
        veteran_months=np.where(veteran, service, 0).astype(np.int16),
        tenure=tenure.astype(np.int8),
        good_credit=rng.uniform(purposes.POP_CREDIT, 0) < pop.good_credit_share,
        intends_to_buy=rng.uniform(purposes.POP_INTENTION, 0) < per_cohort("purchase_intention"),
        hmt_or_foreign=rng.uniform(purposes.POP_RESIDENCY, 0) < pop.hmt_or_foreign_share,
        income_level=level.astype(np.float32),
        deposit_share=(1 / (1 + np.exp(-logit))).astype(np.float32),
        quarterly=rng.uniform(purposes.POP_QUARTERLY, 0) < dep.quarterly_share,
        rent_user=rng.uniform(purposes.POP_RENT_USER, 0) < config.withdrawing.rent_user_share,
        rent=(config.withdrawing.rent_share_of_income * np.exp(level)).astype(np.float32),
        deposit_style=deposit_styles(dep, rng.uniform(purposes.POP_DEPOSIT_STYLE, 0)),
    )


SHARE_OF_INCOME, MINIMUM, LUMP_SUMS = 0, 1, 2
"""How a person deposits (``depositing``): a share of income, the minimum, or lump sums."""


def deposit_styles(dep, u: np.ndarray) -> np.ndarray:
    """Each person's deposit style from a uniform: ``minimum_share`` deposit the minimum,
    ``lump_share`` pay lump sums, the rest a share of income."""
    style = np.full(len(u), SHARE_OF_INCOME, np.int8)
    style[u < dep.minimum_share + dep.lump_share] = LUMP_SUMS
    style[u < dep.minimum_share] = MINIMUM
    return style
