"""Buying a home: who buys, at what price, and the loan application it makes.

A member without an outstanding fund loan buys a home in a month with
probability (annual rates divided by 12)::

    annual = (annual_rate_intending if intending else annual_rate_other)
             * exp(-((age - age_peak) / age_width)^2)            # young adults buy
             * (income_avg / cohort mean) ** income_elasticity
             * (renter_multiplier if renting else 1)
             * (1 + balance / 10,000 yuan) ** balance_elasticity  # savings help

The price is log-normal around ``price_mean``. A renter's purchase is a first
home; an owner's is an upgrade. Upgrades, and a share ``green_or_upgrade_share``
of first homes (green buildings, trade-ins), qualify for L3; a first home
bought by a bachelor or higher qualifies for L4. Whether a loan is granted,
and how much, is the fund's decision (loan book issue); the purchase itself
changes the person's tenure and ends their intention.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np


@dataclass(frozen=True)
class Applications:
    """Loan applications of one month, one row per buyer."""

    who: np.ndarray  # int64 person index
    price_fen: np.ndarray  # int64
    first_home: np.ndarray  # bool
    green_or_upgrade: np.ndarray  # bool (L3)
    talent: np.ndarray  # bool: bachelor or higher buying a first home (L4)

    def __len__(self) -> int:
        return len(self.who)


@numba.njit(inline="always")
def purchase_probability(
    annual_rate: float,
    age_years: float,
    age_peak: float,
    age_width: float,
    log_income_ratio: float,
    income_elasticity: float,
    renter_factor: float,
    balance_yuan: float,
    balance_elasticity: float,
) -> float:
    """Monthly probability of buying (see the module docstring)."""
    z = (age_years - age_peak) / age_width
    x = -z * z + income_elasticity * log_income_ratio
    x += balance_elasticity * math.log(np.float32(1.0 + balance_yuan / 10000.0))
    return min(annual_rate * renter_factor * math.exp(np.float32(x)) / 12.0, 1.0)
