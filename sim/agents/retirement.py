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

import numpy as np

from sim.core.months import month_index

_RULES = {
    # base age: (first birth month delayed, birth months per month of delay, most months)
    60: (month_index(1965, 1), 4, 36),
    55: (month_index(1970, 1), 4, 36),
    50: (month_index(1975, 1), 2, 60),
}


def retirement_age_months(birth_month: np.ndarray, female: np.ndarray, female_base: int = 55):
    """Statutory retirement age in months, by birth month (month index) and sex."""
    birth = np.asarray(birth_month, dtype=np.int64)
    female = np.asarray(female, dtype=bool)
    out = np.empty(np.broadcast(birth, female).shape, dtype=np.int64)
    for base, is_group in ((60, ~female), (female_base, female)):
        first, per, most = _RULES[base]
        delay = np.where(birth >= first, np.minimum((birth - first) // per + 1, most), 0)
        out = np.where(is_group, base * 12 + delay, out)
    return out


def retirement_month(birth_month: np.ndarray, female: np.ndarray, female_base: int = 55):
    """The month (index) in which each person reaches statutory retirement age."""
    return np.asarray(birth_month) + retirement_age_months(birth_month, female, female_base)
