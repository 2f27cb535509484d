"""Statutory retirement age, with the gradual rise from 2025.

Flexible workers may join until statutory retirement age (E1) and leave with
a full withdrawal when they reach it (W4). From 1 January 2025 the age rises
gradually (FACTS.md: from 60 men, 55/50 women, to 63, 58/55):

- men, and women whose age was 55: one month later for every four months of
  birth from January 1965 (men) or January 1970 (women), up to 36 months;
- women whose age was 50: one month later for every two months of birth
  from January 1975, up to 60 months.

So a man born in January 1965 retires at 60 years and 1 month, in February
2025; one born in September 1976 or later, at 63.
"""

from __future__ import annotations

import numba
import numpy as np

from sim.core.months import month_index

_RULES = {
    # base age: (first birth month delayed, birth months per month of delay, most months)
    60: (month_index(1965, 1), 4, 36),
    55: (month_index(1970, 1), 4, 36),
    50: (month_index(1975, 1), 2, 60),
}

FEMALE_RETIREMENT_BASES = (50, 55)
"""Women's pre-reform retirement ages (workers, cadres): each has its own rise."""


def rule_row(base: int) -> np.ndarray:
    """The rule of a pre-reform age ``base`` (years) for :func:`retirement_age_at`: its base
    age in months, first birth month delayed, birth months per month of delay, most months."""
    return np.array([base * 12, *_RULES[base]], np.int64)


@numba.njit(inline="always")
def retirement_age_at(birth: np.int64, rule: np.ndarray) -> np.int64:
    """Statutory retirement age in months of one person born in month ``birth`` (a month
    index) under ``rule`` (:func:`rule_row` of their sex's pre-reform age)."""
    delay = 0
    if birth >= rule[1]:
        delay = min((birth - rule[1]) // rule[2] + 1, rule[3])
    return rule[0] + delay


@numba.njit(cache=True)
def _ages(birth: np.ndarray, female: np.ndarray, rules: np.ndarray) -> np.ndarray:
    out = np.empty(len(birth), np.int64)
    for i in range(len(birth)):
        out[i] = retirement_age_at(np.int64(birth[i]), rules[1 if female[i] else 0])
    return out


def retirement_age_months(birth_month: np.ndarray, female: np.ndarray, female_base: int = 55):
    """Statutory retirement age in months, by birth month (month index) and sex."""
    birth, female = np.broadcast_arrays(np.asarray(birth_month, np.int64), np.asarray(female, bool))
    rules = np.stack([rule_row(60), rule_row(female_base)])
    return _ages(birth.ravel(), female.ravel(), rules).reshape(birth.shape)


def retirement_month(birth_month: np.ndarray, female: np.ndarray, female_base: int = 55):
    """The month (index) in which each person reaches statutory retirement age."""
    return np.asarray(birth_month) + retirement_age_months(birth_month, female, female_base)
