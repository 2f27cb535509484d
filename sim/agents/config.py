"""The agents' parameters: cohorts, incomes and behaviour, as frozen dataclasses.

This module is the contract of a population file (each key with its range,
like ``sim.fund.params`` for a policy file); :mod:`sim.agents.population_file`
reads and checks one. A population file (``scenarios/population/lianyungang.toml`` is the default)
has three parts:

- ``[population]``: what holds across cohorts (sex ratio, credit, residency);
- ``[cohort_defaults]`` and ``[cohorts.NAME]``: each cohort's share of the
  population, age, income process and attributes; a cohort takes every
  default it does not override;
- ``[behaviour.joining]``, ``.depositing``, ``.dormancy``, ``.withdrawing``,
  ``.buying``, ``.financing``, ``.repaying``: the parameters of each
  behavioural model;
- ``[behaviour.response]``: how the subsidy rate moves behaviour, as named
  settings (``none``, ``low``, ``central``, ``high``) and the one in force.

Every table carries a ``basis`` string: the FACTS.md figure or the stated
assumption its numbers rest on. Checking is as strict as for policy files: an
unknown key, a wrong type, a value out of range, shares that are negative or do
not sum to 1 each raise a one-line :class:`~sim.core.errors.InputError` naming the
file, the key path and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

DEFAULT_POPULATION = Path(__file__).resolve().parents[2] / "scenarios/population/lianyungang.toml"

COHORTS = (
    "petrochemical",
    "pharmaceutical",
    "ecommerce",
    "agriculture_tourism",
    "veterans",
    "graduates",
    "farmer_business",
    "gig",
)
"""Cohorts the draft policy names (RULES.md "C") plus general gig work."""

TENURE = ("renting", "owning", "mortgage")
"""Housing tenure; ``Population.tenure`` holds the index, named by the constants below."""
RENTING, OWNING, MORTGAGE = (TENURE.index(t) for t in ("renting", "owning", "mortgage"))

_INF = math.inf


def _spec(low, high, kind=float):
    return (low, high, kind)


@dataclass(frozen=True)
class Cohort:
    """One cohort: its share, ages, income process and attributes (see the population file)."""

    name: str
    label: str
    share: float
    age_mean: float
    age_sd: float
    income_mean: float
    income_sigma: float
    persistent_rho: float
    persistent_sd: float
    transitory_sd: float
    p_active_to_idle: float
    p_idle_to_active: float
    season_amplitude: float
    season_peak: int
    education: tuple[float, ...]
    children: tuple[float, ...]
    tenure: tuple[float, ...]
    veteran_share: float
    veteran_months_mean: float
    purchase_intention: float
    stop_hazard_multiplier: float
    restart_hazard_multiplier: float
    exit_hazard_multiplier: float


COHORT_SPECS = {
    "share": _spec(0, 1),
    "age_mean": _spec(16, 70),
    "age_sd": _spec(0, 30),
    "income_mean": _spec(0, 1e6),
    "income_sigma": _spec(0, 3),
    "persistent_rho": _spec(0, 1),
    "persistent_sd": _spec(0, 2),
    "transitory_sd": _spec(0, 2),
    "p_active_to_idle": _spec(0, 1),
    "p_idle_to_active": _spec(0, 1),
    "season_amplitude": _spec(0, 1),
    "season_peak": _spec(1, 12, int),
    "education": _spec(5, 5, list),
    "children": _spec(3, 3, list),
    "tenure": _spec(3, 3, list),
    "veteran_share": _spec(0, 1),
    "veteran_months_mean": _spec(0, 600),
    "purchase_intention": _spec(0, 1),
    "stop_hazard_multiplier": _spec(0, 20),
    "restart_hazard_multiplier": _spec(0, 20),
    "exit_hazard_multiplier": _spec(0, 20),
}


@dataclass(frozen=True)
class PopulationParams:
    """What holds across cohorts."""

    female_share: float
    female_retirement_base: int
    good_credit_share: float
    hmt_or_foreign_share: float


POPULATION_SPECS = {
    "female_share": _spec(0, 1),
    "female_retirement_base": _spec(50, 55, int),
    "good_credit_share": _spec(0, 1),
    "hmt_or_foreign_share": _spec(0, 1),
}


@dataclass(frozen=True)
class Joining:
    """Joining hazard (see ``sim.agents.joining``)."""

    base_annual_rate: float
    reference_return: float
    return_semi_elasticity: float
    loan_access_value: float
    tax_horizon_years: float
    pace: tuple[tuple[int, float], ...] = ()  # (first month in force, multiplier): dated outreach

    def pace_at(self, month: int | None) -> float:
        """The dated multiplier of the joining hazard in force in ``month`` (1 without one):
        the pilot's slow start and its June 2025 outreach, as data (FACTS.md)."""
        value = 1.0
        for start, m in self.pace:
            if month is not None and start <= month:
                value = m
        return value


@dataclass(frozen=True)
class Depositing:
    """Deposit decision and amount (see ``sim.agents.depositing``)."""

    base_probability: float
    income_elasticity: float
    habit: float
    idle_probability: float
    share_mean: float
    share_spread: float
    quarterly_share: float
    minimum_share: float  # share of people who deposit the minimum, whatever their income
    minimum_yuan: float  # the minimum they keep to, yuan a month (topped to the fund's floor)
    lump_share: float  # share of people who pay in lump sums, at irregular times
    lump_months: float  # a lump sum is this many months' amount, paid about as often


@dataclass(frozen=True)
class Dormancy:
    """Stopping and restarting deposits (see ``sim.agents.dormancy``)."""

    stop_annual_rate: float
    restart_annual_rate: float
    stop_income_loss: float


@dataclass(frozen=True)
class Withdrawing:
    """Rent withdrawals and exit (see ``sim.agents.withdrawing``)."""

    rent_user_share: float
    rent_share_of_income: float
    exit_annual_rate: float
    exit_income_loss: float
    exit_aged_elasticity: float
    leave_annual_rate: float


@dataclass(frozen=True)
class Buying:
    """Home purchase hazard and price (see ``sim.agents.buying``)."""

    annual_rate_intending: float
    annual_rate_other: float
    age_peak: float
    age_width: float
    income_elasticity: float
    renter_multiplier: float
    balance_elasticity: float
    price_mean: float
    price_sigma: float
    green_or_upgrade_share: float


@dataclass(frozen=True)
class Financing:
    """The financing choice at a purchase and saving up before it (``sim.agents.financing``)."""

    commercial_rate: tuple[tuple[int, float], ...]  # (first month in force, annual rate)
    min_fund_loan: float
    paperwork_cost: float
    subsidy_horizon_years: float
    saving_up_months: int
    saving_up_factor: float
    repayment_user_share: float
    mortgage_share_of_income: float

    def commercial_rate_at(self, month: int) -> float:
        """The commercial mortgage rate in force in ``month`` (the last change on or before)."""
        rate = self.commercial_rate[0][1]
        for start, value in self.commercial_rate:
            if start <= month:
                rate = value
        return rate


@dataclass(frozen=True)
class ResponseSetting:
    """One named setting of the rate response (see ``sim.agents.response``)."""

    participation_elasticity: float
    delay_weight: float
    amount_ratio: float


@dataclass(frozen=True)
class RateResponse:
    """The rate response in force and every named setting (see ``sim.agents.response``)."""

    setting: str
    reference_rate: float
    settings: tuple[tuple[str, ResponseSetting], ...]

    @property
    def active(self) -> ResponseSetting:
        """The setting in force."""
        return dict(self.settings)[self.setting]


@dataclass(frozen=True)
class Repaying:
    """Repayment capacity (see ``sim.agents.repaying``)."""

    max_repayment_share: float
    buffer_instalments: float  # the repayment buffer a borrower keeps, in amounts due
    saving_share: float  # share of a month's income a borrower adds to the buffer


BEHAVIOUR_SPECS = {
    "joining": (
        Joining,
        {
            "base_annual_rate": _spec(0, 1),
            "reference_return": _spec(0, 0.2),
            "return_semi_elasticity": _spec(0, 1000),
            "loan_access_value": _spec(0, 0.2),
            "tax_horizon_years": _spec(1, 50),
        },
    ),
    "depositing": (
        Depositing,
        {
            "base_probability": _spec(0, 1),
            "income_elasticity": _spec(0, 10),
            "habit": _spec(0, 10),
            "idle_probability": _spec(0, 1),
            "share_mean": _spec(0, 1),
            "share_spread": _spec(0, 5),
            "quarterly_share": _spec(0, 1),
            "minimum_share": _spec(0, 1),
            "minimum_yuan": _spec(0, 1e5),
            "lump_share": _spec(0, 1),
            "lump_months": _spec(1, 60),
        },
    ),
    "dormancy": (
        Dormancy,
        {
            "stop_annual_rate": _spec(0, 1),
            "restart_annual_rate": _spec(0, 1),
            "stop_income_loss": _spec(0, 10),
        },
    ),
    "withdrawing": (
        Withdrawing,
        {
            "rent_user_share": _spec(0, 1),
            "rent_share_of_income": _spec(0, 1),
            "exit_annual_rate": _spec(0, 1),
            "exit_income_loss": _spec(0, 10),
            "exit_aged_elasticity": _spec(0, 5),
            "leave_annual_rate": _spec(0, 1),
        },
    ),
    "buying": (
        Buying,
        {
            "annual_rate_intending": _spec(0, 1),
            "annual_rate_other": _spec(0, 1),
            "age_peak": _spec(16, 70),
            "age_width": _spec(1, 50),
            "income_elasticity": _spec(0, 5),
            "renter_multiplier": _spec(0, 10),
            "balance_elasticity": _spec(0, 5),
            "price_mean": _spec(1, 1e8),
            "price_sigma": _spec(0, 3),
            "green_or_upgrade_share": _spec(0, 1),
        },
    ),
    "repaying": (
        Repaying,
        {
            "max_repayment_share": _spec(0, 1),
            "buffer_instalments": _spec(0, 120),
            "saving_share": _spec(0, 1),
        },
    ),
}
FINANCING_SPECS = {
    "min_fund_loan": _spec(0, 1e7),
    "paperwork_cost": _spec(0, 1e6),
    "subsidy_horizon_years": _spec(0, 50),
    "saving_up_months": _spec(0, 60, int),
    "saving_up_factor": _spec(1, 10),
    "repayment_user_share": _spec(0, 1),
    "mortgage_share_of_income": _spec(0, 1),
}
RESPONSE_SETTINGS = ("none", "low", "central", "high")
RESPONSE_SPECS = {
    "participation_elasticity": _spec(0, 1),
    "delay_weight": _spec(0, 1),
    "amount_ratio": _spec(0, 1),
}


@dataclass(frozen=True)
class AgentConfig:
    """Everything the agents need: population, cohorts, behaviour."""

    path: str
    population: PopulationParams
    cohorts: tuple[Cohort, ...]
    joining: Joining
    depositing: Depositing
    dormancy: Dormancy
    withdrawing: Withdrawing
    buying: Buying
    repaying: Repaying
    financing: Financing
    response: RateResponse

    def cohort_array(self, attribute: str) -> np.ndarray:
        """One value per cohort, in cohort order, as a float array (for kernels)."""
        return np.array([getattr(c, attribute) for c in self.cohorts], dtype=np.float64)


def field_names(cls) -> list[str]:
    """Field names of a config dataclass (for docs and tests)."""
    return [f.name for f in fields(cls)]
