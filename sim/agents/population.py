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

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np
from scipy.special import ndtr, ndtri

from sim.agents import purposes
from sim.agents.config import AgentConfig
from sim.agents.retirement import retirement_age_at, rule_row
from sim.core.months import MONTH_TYPE
from sim.core.random import NORMAL_TABLE, Draws, normal_at, uniform_at

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


SHARE_OF_INCOME, MINIMUM, LUMP_SUMS = 0, 1, 2
"""How a person deposits (``depositing``): a share of income, the minimum, or lump sums."""

_PURPOSES = (
    purposes.POP_COHORT, purposes.POP_FEMALE, purposes.POP_AGE, purposes.POP_VETERAN,
    purposes.POP_SERVICE, purposes.POP_TENURE, purposes.POP_LEVEL, purposes.POP_SHARE,
    purposes.POP_EDUCATION, purposes.POP_CHILDREN, purposes.POP_CREDIT, purposes.POP_INTENTION,
    purposes.POP_RESIDENCY, purposes.POP_QUARTERLY, purposes.POP_RENT_USER,
    purposes.POP_DEPOSIT_STYLE,
)  # fmt: skip
"""The draws of synthesis, one each a person, in the order of their keys in the kernels."""
(_COHORT, _FEMALE, _AGE, _VETERAN, _SERVICE, _TENURE, _LEVEL, _SHARE, _EDUCATION, _CHILDREN,
 _CREDIT, _INTENTION, _RESIDENCY, _QUARTERLY, _RENT_USER, _STYLE) = range(16)  # fmt: skip
_AGE_MEAN, _AGE_SD, _VETERAN_SHARE, _SERVICE_MEAN, _LEVEL_BASE, _SIGMA, _INTENTION_SHARE = range(7)
(_FEMALE_SHARE, _CREDIT_SHARE, _RESIDENCY_SHARE, _QUARTERLY_SHARE, _RENT_USER_SHARE,
 _MINIMUM_SHARE, _NOT_SHARE, _LOGIT_BASE, _LOGIT_SPREAD, _RENT_SHARE) = range(10)  # fmt: skip
_BOUNDS = 8
"""Most bounds a search of the cohort or a category has (nine categories; the population
file allows eight cohorts, five levels of education)."""
_MONTHS = MONTH_TYPE
"""The dtype of the birth and retirement months (the kernels write any integer dtype)."""
_CHUNK = 16_384
"""People a chunk: the chunk's three float64 scratch rows (384 KiB) stay in cache."""


class _Tables(NamedTuple):
    """What a person's attributes are drawn from, by cohort (rows) and sex (0 men, 1 women)."""

    cohort_bounds: np.ndarray  # cumulative cohort shares but the last
    per_cohort: np.ndarray  # float64 (cohorts, 7): the columns named _AGE_MEAN …
    age_lo: np.ndarray  # (cohorts, 2): the CDF at 16 of the cohort's age normal
    age_span: np.ndarray  # (cohorts, 2): the CDF's rise from 16 to the top age
    top_age: np.ndarray  # (2,): the pre-reform retirement age less a month, in years
    tenure: np.ndarray  # (cohorts, categories) cumulative probabilities
    education: np.ndarray
    children: np.ndarray
    shares: np.ndarray  # float64: the scalars named _FEMALE_SHARE …
    retirement: np.ndarray  # int64 (2, 4): retirement.rule_row of men and women
    start_month: int


def _tables(config: AgentConfig) -> _Tables:
    """:func:`_tables_of` the configuration, kept for the next path (0.4 ms of Python and
    scipy a call: a fifth of synthesising 50,000 people)."""
    try:
        return _cached_tables(config)
    except TypeError:  # an unhashable configuration (a list where a tuple belongs)
        return _tables_of(config)


def _tables_of(config: AgentConfig) -> _Tables:
    """The per-cohort and per-sex values of the people's draws, each computed by the same
    numpy operations as on the gathered whole-population arrays (so the same bits)."""
    cohorts, pop = config.cohorts, config.population
    dep, wd = config.depositing, config.withdrawing
    mean, sd = config.cohort_array("age_mean"), np.maximum(config.cohort_array("age_sd"), 1e-9)
    top = np.array([60, pop.female_retirement_base]).astype(float)
    lo = ndtr((16.0 - mean) / sd)[:, None] + np.zeros(2)
    hi = ndtr((top[None, :] - 1.0 / 12 - mean[:, None]) / sd[:, None])
    sigma = config.cohort_array("income_sigma")
    columns = (mean, sd, config.cohort_array("veteran_share"),
               config.cohort_array("veteran_months_mean"),
               np.log(config.cohort_array("income_mean")) - sigma**2 / 2, sigma,
               config.cohort_array("purchase_intention"))  # fmt: skip

    def cumulative(attribute: str) -> np.ndarray:
        return _padded(np.cumsum(np.array([getattr(c, attribute) for c in cohorts]), axis=1))

    shares = (pop.female_share, pop.good_credit_share, pop.hmt_or_foreign_share,
              dep.quarterly_share, wd.rent_user_share, dep.minimum_share,
              dep.minimum_share + dep.lump_share,
              np.log(dep.share_mean / (1 - dep.share_mean)), dep.share_spread,
              wd.rent_share_of_income)  # fmt: skip
    return _Tables(
        cohort_bounds=_padded(np.cumsum(np.array([c.share for c in cohorts]))[None, :])[0],
        per_cohort=np.ascontiguousarray(np.stack(columns, axis=1)),
        age_lo=lo,
        age_span=np.maximum(hi - lo, 0),
        top_age=top - 1.0 / 12,
        tenure=cumulative("tenure"),
        education=cumulative("education"),
        children=cumulative("children"),
        shares=np.array(shares, np.float64),
        retirement=np.stack([rule_row(60), rule_row(pop.female_retirement_base)]),
        start_month=0,
    )


def _padded(cum: np.ndarray) -> np.ndarray:
    """Cumulative probabilities (a row a cohort) as the searches' bounds: all columns but
    the last (a draw past every bound is in the last category), padded with +inf (never
    reached) to ``_BOUNDS`` columns."""
    bounds = cum[:, :-1]
    if bounds.shape[1] > _BOUNDS:
        raise ValueError(f"population: {bounds.shape[1] + 1} categories, at most {_BOUNDS + 1}")
    pad = np.full((len(bounds), _BOUNDS - bounds.shape[1]), np.inf)
    return np.ascontiguousarray(np.concatenate([bounds, pad], axis=1))


@functools.lru_cache(maxsize=8)
def _cached_tables(config: AgentConfig) -> _Tables:
    tables = _tables_of(config)
    for value in tables:
        if isinstance(value, np.ndarray):
            value.setflags(write=False)  # shared by every path of the configuration
    return tables


@numba.njit(cache=True)
def _draw_chunk(a, b, keys, table, t, out, x, level, neg_logit):
    """People ``a … b-1``: every draw, every attribute but those that need ``ndtri`` or
    ``exp``; for those, the argument into row ``i - a`` of ``x``, ``level``, ``neg_logit``.

    A loop an attribute or a few, every key and share read before it: the simple loops
    vectorize (hash, comparison); the searches of cohort and categories stay scalar."""
    pc, s, cohort = t.per_cohort, t.shares, out.cohort
    _cohorts(keys[_COHORT], a, b, t.cohort_bounds, cohort)
    _categories(keys[_TENURE], a, b, t.tenure, cohort, out.tenure)
    _categories(keys[_EDUCATION], a, b, t.education, cohort, out.education)
    _categories(keys[_CHILDREN], a, b, t.children, cohort, out.children)
    _below(keys[_FEMALE], a, b, s[_FEMALE_SHARE], out.female)
    _below(keys[_CREDIT], a, b, s[_CREDIT_SHARE], out.good_credit)
    _below(keys[_RESIDENCY], a, b, s[_RESIDENCY_SHARE], out.hmt_or_foreign)
    _below(keys[_QUARTERLY], a, b, s[_QUARTERLY_SHARE], out.quarterly)
    _below(keys[_RENT_USER], a, b, s[_RENT_USER_SHARE], out.rent_user)
    k, minimum, not_share, style = keys[_STYLE], s[_MINIMUM_SHARE], s[_NOT_SHARE], out.deposit_style
    for i in range(a, b):
        u = uniform_at(k, i)
        style[i] = MINIMUM if u < minimum else (LUMP_SUMS if u < not_share else SHARE_OF_INCOME)
    _age_quantile(keys[_AGE], a, b, t.age_lo, t.age_span, cohort, out.female, x)
    k_service, k_veteran, k_intention = keys[_SERVICE], keys[_VETERAN], keys[_INTENTION]
    service_mean, veteran_share = pc[:, _SERVICE_MEAN].copy(), pc[:, _VETERAN_SHARE].copy()
    intention = pc[:, _INTENTION_SHARE].copy()
    veteran_months, intends = out.veteran_months, out.intends_to_buy
    for i in range(a, b):
        c = cohort[i]
        service = np.rint(service_mean[c] * (0.5 + uniform_at(k_service, i)))
        veteran_months[i] = service if uniform_at(k_veteran, i) < veteran_share[c] else 0.0
        intends[i] = uniform_at(k_intention, i) < intention[c]
    k_level, k_share, base, sigma = keys[_LEVEL], keys[_SHARE], pc[:, _LEVEL_BASE], pc[:, _SIGMA]
    base, sigma, income_level = base.copy(), sigma.copy(), out.income_level
    logit_base, spread = s[_LOGIT_BASE], s[_LOGIT_SPREAD]
    for i in range(a, b):
        c = cohort[i]
        lv = base[c] + sigma[c] * normal_at(k_level, i, table)
        level[i - a] = lv
        income_level[i] = lv
        neg_logit[i - a] = -(logit_base + spread * normal_at(k_share, i, table))


@numba.njit
def _cohorts(key, a, b, bounds, out):
    """``out[i]``: how many ``bounds`` are at most person ``i``'s uniform (``searchsorted``,
    right). ``_BOUNDS`` of them, padded with +inf: a fixed count, so the loop vectorizes."""
    for i in range(a, b):
        u = uniform_at(key, i)
        k = 0
        for j in range(_BOUNDS):
            k += bounds[j] <= u
        out[i] = k


@numba.njit
def _categories(key, a, b, cum, cohort, out):
    """``out[i]``: the category person ``i``'s uniform falls in by row ``cohort[i]`` of
    ``cum`` (cumulative probabilities but the last, padded with +inf to ``_BOUNDS``)."""
    for i in range(a, b):
        u = uniform_at(key, i)
        c = cohort[i]
        k = 0
        for j in range(_BOUNDS):
            k += cum[c, j] <= u
        out[i] = k


@numba.njit
def _below(key, a, b, share, out):
    for i in range(a, b):
        out[i] = uniform_at(key, i) < share


@numba.njit
def _age_quantile(key, a, b, lo, span, cohort, female, x):
    for i in range(a, b):
        c, f = cohort[i], np.int64(female[i])
        x[i - a] = min(max(lo[c, f] + uniform_at(key, i) * span[c, f], 1e-12), 1 - 1e-12)


@numba.njit(cache=True)
def _finish_chunk(a, b, t, out, x, exp_level, exp_neg_logit):
    """People ``a … b-1`` once ``x`` holds ``ndtri`` of the age quantile and the others
    ``exp`` of their arguments: birth and retirement months, deposit share and rent."""
    pc, s = t.per_cohort, t.shares
    for i in range(a, b):
        c, f = out.cohort[i], 1 if out.female[i] else 0
        age = pc[c, _AGE_MEAN] + pc[c, _AGE_SD] * x[i - a]
        age = min(max(age, 16.0), t.top_age[f])
        birth = t.start_month - np.int64(np.floor(age * 12))
        out.birth_month[i] = birth
        out.retirement_month[i] = birth + retirement_age_at(birth, t.retirement[f])
        out.deposit_share[i] = 1 / (1 + exp_neg_logit[i - a])
        out.rent[i] = s[_RENT_SHARE] * exp_level[i - a]


class _Out(NamedTuple):
    """The arrays of a :class:`Population`, as one record for the kernels."""

    cohort: np.ndarray
    female: np.ndarray
    birth_month: np.ndarray
    retirement_month: np.ndarray
    education: np.ndarray
    children: np.ndarray
    veteran_months: np.ndarray
    tenure: np.ndarray
    good_credit: np.ndarray
    intends_to_buy: np.ndarray
    hmt_or_foreign: np.ndarray
    income_level: np.ndarray
    deposit_share: np.ndarray
    quarterly: np.ndarray
    rent_user: np.ndarray
    rent: np.ndarray
    deposit_style: np.ndarray


def synthesize(config: AgentConfig, n: int, *, seed: int, path: int, start_month: int):
    """Draw ``n`` people for one path; see the module docstring.

    One pass over the people, a chunk at a time: :func:`_draw_chunk`, then scipy's
    ``ndtri`` and numpy's ``exp`` on the chunk's scratch rows, then :func:`_finish_chunk`.
    Each draw is made where it is used; no float64 array of the whole population is held.
    The arithmetic is the whole-array version's, operation for operation
    (``tests/test_population_kernel.py`` keeps that version and checks every attribute to
    the bit)."""
    n = int(n)
    t = _tables(config)._replace(start_month=int(start_month))
    rng = Draws(seed, path, n)
    keys = np.array([rng.key(p, 0) for p in _PURPOSES], np.uint64)
    out = _Out(
        cohort=np.empty(n, np.int8),
        female=np.empty(n, np.bool_),
        birth_month=np.empty(n, _MONTHS),
        retirement_month=np.empty(n, _MONTHS),
        education=np.empty(n, np.int8),
        children=np.empty(n, np.int8),
        veteran_months=np.empty(n, np.int16),
        tenure=np.empty(n, np.int8),
        good_credit=np.empty(n, np.bool_),
        intends_to_buy=np.empty(n, np.bool_),
        hmt_or_foreign=np.empty(n, np.bool_),
        income_level=np.empty(n, np.float32),
        deposit_share=np.empty(n, np.float32),
        quarterly=np.empty(n, np.bool_),
        rent_user=np.empty(n, np.bool_),
        rent=np.empty(n, np.float32),
        deposit_style=np.empty(n, np.int8),
    )
    scratch = np.empty((3, min(n, _CHUNK)), np.float64)
    for a in range(0, n, _CHUNK):
        b = min(a + _CHUNK, n)
        x, level, neg_logit = scratch[:, : b - a]
        _draw_chunk(a, b, keys, NORMAL_TABLE, t, out, x, level, neg_logit)
        ndtri(x, out=x)
        np.exp(level, out=level)
        np.exp(neg_logit, out=neg_logit)
        _finish_chunk(a, b, t, out, x, level, neg_logit)
    return Population(**out._asdict())
