"""The employees' book's parameters: the ``[employee]`` table of a fund file (F6).

Scalars are checked like every fund key (``EMPLOYEE_SPECS``: known, in range).
A few keys are dated tables, ``{ 2024-05-18 = 0.0285, … }`` (the value in force
from each date, the month it covers first, as in policy files): the commercial
mortgage rate the fund's rate is compared with, and the employees' loan
ceilings with their temporary rise (``DATED_KEYS``). Every date is checked and
the dates must rise.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from sim.core.checks import check_value
from sim.core.errors import InputError
from sim.core.months import first_month_in_force, format_month

_BIG = 1e13


@dataclass(frozen=True)
class Dated:
    """A value that changes on dates: ``(first_month, value)`` pairs in date order. Its
    ``repr`` is the TOML inline table that reads back as the same steps (each from the first
    day of its first month), so a fund file written from parameters (``hpfsim book export``)
    keeps it."""

    steps: tuple[tuple[int, float], ...]
    starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", tuple(m for m, _ in self.steps))  # once, not a month

    def __repr__(self) -> str:
        return "{ " + ", ".join(f"{format_month(m)}-01 = {v!r}" for m, v in self.steps) + " }"

    def at(self, month: int) -> float:
        """The value in force in ``month`` (the first value before the first date)."""
        i = bisect.bisect_right(self.starts, month) - 1
        return self.steps[max(i, 0)][1]


@dataclass(frozen=True)
class EmployeeParams:
    """The employees' book (see :mod:`sim.fund.employee`); money in yuan, rates a year."""

    deposit_balance: float
    loan_balance: float
    loan_count: float
    contributors: float
    contributor_growth: float
    monthly_deposits: float
    deposit_growth: float
    season_amplitude: float
    season_peak: int
    income_sensitivity: float
    purchase_rate: float
    purchase_amount: float
    rent_rate: float
    rent_amount: float
    repayment_rate: float
    repayment_amount: float
    retirement_rate: float
    retirement_balance_multiple: float
    other_rate: float
    other_balance_multiple: float
    family_help_share: float
    monthly_loan_demand: float
    loan_demand_growth: float
    average_loan: float
    loan_size_sigma: float
    couple_share: float
    rate_semi_elasticity: float
    price_elasticity: float
    income_elasticity: float
    queue_discouragement: float
    activity_noise: float
    loan_rate: float
    repayment_months: int
    term_months: int
    prepayment_rate: float
    prepayment_turnover_share: float
    default_rate: float
    recovery_rate: float
    commercial_rate: Dated
    ceiling_single: Dated
    ceiling_couple: Dated


EMPLOYEE_SPECS = {
    "deposit_balance": (0, _BIG, float),
    "loan_balance": (0, _BIG, float),
    "loan_count": (0, 1e9, float),
    "contributors": (1, 1e9, float),
    "contributor_growth": (-0.5, 0.5, float),
    "monthly_deposits": (0, _BIG, float),
    "deposit_growth": (-0.5, 0.5, float),
    "season_amplitude": (0, 1, float),
    "season_peak": (1, 12, int),
    "income_sensitivity": (0, 2, float),
    "purchase_rate": (0, 1, float),
    "purchase_amount": (0, 1e8, float),
    "rent_rate": (0, 1, float),
    "rent_amount": (0, 1e8, float),
    "repayment_rate": (0, 1, float),
    "repayment_amount": (0, 1e8, float),
    "retirement_rate": (0, 1, float),
    "retirement_balance_multiple": (0, 50, float),
    "other_rate": (0, 1, float),
    "other_balance_multiple": (0, 50, float),
    "family_help_share": (0, 1, float),
    "monthly_loan_demand": (0, _BIG, float),
    "loan_demand_growth": (-0.5, 0.5, float),
    "average_loan": (1, 1e8, float),
    "loan_size_sigma": (0.01, 3, float),
    "couple_share": (0, 1, float),
    "rate_semi_elasticity": (0, 10, float),
    "price_elasticity": (-10, 10, float),
    "income_elasticity": (0, 10, float),
    "queue_discouragement": (0, 10, float),
    "activity_noise": (0, 1, float),
    "loan_rate": (0, 0.2, float),
    "repayment_months": (1, 600, int),
    "term_months": (1, 600, int),
    "prepayment_rate": (0, 1, float),
    "prepayment_turnover_share": (0, 1, float),
    "default_rate": (0, 1, float),
    "recovery_rate": (0, 1, float),
}
DATED_KEYS = {"commercial_rate": (0, 0.5), "ceiling_single": (1, 1e8), "ceiling_couple": (1, 1e8)}


def dated(origin: str, path: str, value, low: float, high: float) -> Dated:
    """A dated table ``{date = value}`` checked: ISO dates rising, values in range."""
    if isinstance(value, Dated):
        return value
    if not isinstance(value, dict) or not value:
        raise InputError(origin, path, f"got {value!r}", allowed="a table { YYYY-MM-DD = value }")
    steps = []
    for key, v in value.items():
        try:
            day = key if isinstance(key, dt.date) else dt.date.fromisoformat(str(key))
        except ValueError:
            raise InputError(origin, f"{path}.{key}", "not a date", allowed="YYYY-MM-DD") from None
        steps.append(
            (first_month_in_force(day), check_value(origin, f"{path}.{key}", v, low, high, float))
        )
    months = [m for m, _ in steps]
    if months != sorted(months) or len(set(months)) != len(months):
        raise InputError(
            origin,
            path,
            "dates out of order or in the same month",
            allowed="rising dates, one a month at most",
        )
    return Dated(tuple(steps))


def employee_params(origin: str, table: dict, check_table) -> EmployeeParams:
    """The ``[employee]`` table checked: scalars by ``EMPLOYEE_SPECS``, dated tables too."""
    scalars = {k: v for k, v in table.items() if k not in DATED_KEYS}
    values = check_table(origin, "employee", scalars, EMPLOYEE_SPECS)
    for key, (low, high) in DATED_KEYS.items():
        if key not in table:
            raise InputError(origin, f"employee.{key}", "missing")
        values[key] = dated(origin, f"employee.{key}", table[key], low, high)
    return EmployeeParams(**values)
