"""A shock as data: a window, a strength that fades over its recovery, and its effects.

Scenario files and stress files (``scenarios/stress/``) both hold ``[[shock]]`` tables; this
module checks one (:func:`parse_shock`) and says what it is worth in a month
(:meth:`Shock.strength`, :meth:`Shock.effect`). What the month's actors receive from all
shocks in force is :func:`sim.scenario.shocks.in_force`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.agents.config import COHORTS
from sim.core.checks import check_int, check_month, check_str, check_value, only_keys, table_at
from sim.core.errors import InputError

SHOCK_EFFECTS = {
    # key: (low, high, no-effect value)
    "income_cut": (0.0, 0.95, 0.0),
    "idle_multiplier": (0.0, 20.0, 1.0),
    "exit_multiplier": (0.0, 50.0, 1.0),
    "purchase_multiplier": (0.0, 50.0, 1.0),
    "employee_deposits": (0.0, 5.0, 1.0),
    "employee_withdrawals": (0.0, 20.0, 1.0),
    "employee_loan_demand": (0.0, 20.0, 1.0),
    "house_prices": (0.05, 5.0, 1.0),
    "loan_rate_cut": (0.0, 0.05, 0.0),
}
SHOCK_KEYS = {"name", "description", "start", "months", "recovery_months", "cohorts", "severity",
              "holding_rate", *SHOCK_EFFECTS}  # fmt: skip


@dataclass(frozen=True)
class Shock:
    """One shock: a window and its effects (see the module docstring)."""

    name: str
    start: int
    months: int
    recovery_months: int = 0
    cohorts: tuple[str, ...] | None = None
    severity: float = 1.0
    holding_rate: float | None = None
    effects: dict[str, float] = field(default_factory=dict)

    def strength(self, month: int) -> float:
        """0 outside the window, 1 inside it, fading linearly over the recovery."""
        if month < self.start:
            return 0.0
        end = self.start + self.months
        if month < end:
            return 1.0
        if self.recovery_months and month < end + self.recovery_months:
            return 1.0 - (month - end + 1) / (self.recovery_months + 1)
        return 0.0

    def effect(self, key: str, month: int) -> float:
        """The effect's value this month (the no-effect value outside the window)."""
        neutral = SHOCK_EFFECTS[key][2]
        if key not in self.effects:
            return neutral
        permanent = key in ("house_prices", "loan_rate_cut") and month >= self.start
        scale = self.severity * (1.0 if permanent else self.strength(month))
        return neutral + scale * (self.effects[key] - neutral)


def parse_shock(origin: str, i: int, raw: Any, start: int) -> Shock:
    """The ``i``-th ``[[shock]]`` table of a scenario or stress file, checked."""
    where = f"shock[{i}]"
    raw = table_at(origin, where, raw)
    only_keys(origin, f"{where}.", raw, SHOCK_KEYS)
    name = check_str(origin, f"{where}.name", raw.get("name"))
    begin = check_month(origin, f"{where}.start", raw.get("start"))
    months = check_int(origin, f"{where}.months", raw.get("months"), 1, 600)
    recovery = check_int(origin, f"{where}.recovery_months", raw.get("recovery_months", 0), 0, 600)
    severity = check_value(origin, f"{where}.severity", raw.get("severity", 1.0), 0.0, 10.0, float)
    cohorts = raw.get("cohorts")
    if cohorts is not None:
        if not isinstance(cohorts, list) or any(c not in COHORTS for c in cohorts):
            raise InputError(
                origin, f"{where}.cohorts", f"got {cohorts!r}", allowed=", ".join(COHORTS)
            )
        cohorts = tuple(cohorts)
    effects = {
        key: check_value(origin, f"{where}.{key}", raw[key], low, high, float)
        for key, (low, high, _) in SHOCK_EFFECTS.items()
        if key in raw
    }
    rate = raw.get("holding_rate")
    if rate is not None:
        rate = check_value(origin, f"{where}.holding_rate", rate, 0.0, 0.05, float)
    return Shock(name, begin, months, recovery, cohorts, severity, rate, effects)
