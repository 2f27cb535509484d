"""The agents' parameters: cohorts, incomes and behaviour, read from TOML.

A population file (``scenarios/population/lianyungang.toml`` is the default)
has three parts:

- ``[population]``: what holds across cohorts (sex ratio, credit, residency);
- ``[cohort_defaults]`` and ``[cohorts.NAME]``: each cohort's share of the
  population, age, income process and attributes; a cohort takes every
  default it does not override;
- ``[behaviour.joining]``, ``.depositing``, ``.withdrawing``, ``.buying``,
  ``.repaying``: the parameters of each behavioural model.

Every table carries a ``basis`` string: the FACTS.md figure or the stated
assumption its numbers rest on. Checking is as strict as for policy files: an
unknown key, a wrong type, a value out of range, shares that are negative or do
not sum to 1 each raise a one-line :class:`~sim.errors.InputError` naming the
file, the key path and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from sim.checks import check_table, only_keys, table_at
from sim.errors import InputError, read_toml

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
    reference_rate: float
    rate_semi_elasticity: float
    amount_rate_elasticity: float


@dataclass(frozen=True)
class Withdrawing:
    """Rent withdrawals and exit (see ``sim.agents.withdrawing``)."""

    rent_user_share: float
    rent_share_of_income: float
    exit_annual_rate: float
    exit_income_loss: float
    reference_rate: float
    exit_rate_semi_elasticity: float
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
class Repaying:
    """Repayment capacity (see ``sim.agents.repaying``)."""

    max_repayment_share: float


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
            "reference_rate": _spec(0, 0.05),
            "rate_semi_elasticity": _spec(0, 10),
            "amount_rate_elasticity": _spec(0, 2),
        },
    ),
    "withdrawing": (
        Withdrawing,
        {
            "rent_user_share": _spec(0, 1),
            "rent_share_of_income": _spec(0, 1),
            "exit_annual_rate": _spec(0, 1),
            "exit_income_loss": _spec(0, 10),
            "reference_rate": _spec(0, 0.05),
            "exit_rate_semi_elasticity": _spec(0, 10),
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
    "repaying": (Repaying, {"max_repayment_share": _spec(0, 1)}),
}


@dataclass(frozen=True)
class AgentConfig:
    """Everything the agents need: population, cohorts, behaviour."""

    path: str
    population: PopulationParams
    cohorts: tuple[Cohort, ...]
    joining: Joining
    depositing: Depositing
    withdrawing: Withdrawing
    buying: Buying
    repaying: Repaying

    def cohort_array(self, attribute: str) -> np.ndarray:
        """One value per cohort, in cohort order, as a float array (for kernels)."""
        return np.array([getattr(c, attribute) for c in self.cohorts], dtype=np.float64)


def load_agent_config(path: str | Path = DEFAULT_POPULATION) -> AgentConfig:
    """Read and check a population file; see the module docstring."""
    origin = str(path)
    data = read_toml(path)
    only_keys(origin, "", data, {"population", "cohort_defaults", "cohorts", "behaviour"})
    pop = table_at(origin, "population", data.get("population"))
    population = PopulationParams(**check_table(origin, "population", pop, POPULATION_SPECS))
    defaults = table_at(origin, "cohort_defaults", data.get("cohort_defaults", {}))
    only_keys(origin, "cohort_defaults.", defaults, {*COHORT_SPECS, "basis"} - {"share"})
    cohorts_raw = table_at(origin, "cohorts", data.get("cohorts"))
    only_keys(origin, "cohorts.", cohorts_raw, set(COHORTS))
    cohorts = []
    for name in COHORTS:
        if name not in cohorts_raw:
            continue
        raw = table_at(origin, f"cohorts.{name}", cohorts_raw[name])
        merged = {**{k: v for k, v in defaults.items() if k != "basis"}, **raw}
        if not isinstance(merged.get("label"), str):
            raise InputError(origin, f"cohorts.{name}.label", "missing", allowed="a string")
        values = check_table(origin, f"cohorts.{name}", merged, COHORT_SPECS, extra={"label"})
        cohorts.append(Cohort(name=name, label=merged["label"], **values))
    if not cohorts:
        raise InputError(origin, "cohorts", "no cohort", allowed=", ".join(COHORTS))
    total = sum(c.share for c in cohorts)
    if not math.isclose(total, 1.0, abs_tol=1e-9):
        raise InputError(
            origin, "cohorts.*.share", f"shares sum to {total:.6g}", allowed="shares summing to 1"
        )
    behaviour = table_at(origin, "behaviour", data.get("behaviour"))
    only_keys(origin, "behaviour.", behaviour, set(BEHAVIOUR_SPECS))
    models = {}
    for name, (cls, specs) in BEHAVIOUR_SPECS.items():
        raw = table_at(origin, f"behaviour.{name}", behaviour.get(name))
        models[name] = cls(**check_table(origin, f"behaviour.{name}", raw, specs))
    return AgentConfig(origin, population, tuple(cohorts), **models)


def field_names(cls) -> list[str]:
    """Field names of a config dataclass (for docs and tests)."""
    return [f.name for f in fields(cls)]
