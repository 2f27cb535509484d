"""What a scenario's shocks do in one month: a pure function of the scenario and the month.

A shock (:class:`sim.scenario.files.Shock`) is data: a window, a strength that fades
over its recovery, and effects. :func:`in_force` reads every shock once a
month and returns what the month's actors need — the people's common income
shock and hazard multipliers, the employee segment's multipliers, the
house-price index — plus the policy changes that start this month (a new
holding-subsidy rate, a loan-rate cut), in the order the scenario lists them.
The engine hands each value to whoever uses it; nothing is kept between
months.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.agents.income import CommonShock
from sim.fund.employee import EmployeeShock
from sim.scenario.files import Scenario


@dataclass(frozen=True)
class PolicyChange:
    """A policy change a shock starts this month: ``kind`` ``holding_rate`` or ``loan_rate_cut``."""

    kind: str
    value: float
    shock: str


@dataclass(frozen=True)
class InForce:
    """The shocks' effects this month (1 or 0 = no effect)."""

    income: CommonShock
    exit_multiplier: float
    purchase_multiplier: float
    employee: EmployeeShock
    house_price_index: float
    policy_changes: tuple[PolicyChange, ...]


def in_force(scenario: Scenario, month: int) -> InForce:
    """Every shock's effect in ``month``, combined (multipliers multiply, income cuts add in
    logs), and the house-price index with the fund file's trend growth."""
    names = [c.name for c in scenario.agents.cohorts]
    level, idle = np.zeros(len(names)), np.ones(len(names))
    exit_m = buy_m = dep_m = wd_m = demand_m = hpi = emp_income = 1.0
    changes = []
    for s in scenario.shocks:
        mask = np.array([s.cohorts is None or c in s.cohorts for c in names])
        level[mask] += math.log1p(-min(s.effect("income_cut", month), 0.99))
        idle[mask] *= s.effect("idle_multiplier", month)
        exit_m *= s.effect("exit_multiplier", month)
        buy_m *= s.effect("purchase_multiplier", month)
        dep_m *= s.effect("employee_deposits", month)
        wd_m *= s.effect("employee_withdrawals", month)
        if s.cohorts is None:  # an economy-wide income cut reaches employees' wages too
            emp_income *= 1 - min(s.effect("income_cut", month), 0.99)
        demand_m *= s.effect("employee_loan_demand", month)
        hpi *= s.effect("house_prices", month)
        if s.holding_rate is not None and month == s.start:
            changes.append(PolicyChange("holding_rate", s.holding_rate, s.name))
        if "loan_rate_cut" in s.effects and month == s.start:
            changes.append(PolicyChange("loan_rate_cut", s.effect("loan_rate_cut", month), s.name))
    years = (month - scenario.start) / 12
    return InForce(
        income=CommonShock(level, idle),
        exit_multiplier=exit_m,
        purchase_multiplier=buy_m,
        employee=EmployeeShock(dep_m, wd_m, demand_m, emp_income),
        house_price_index=hpi * (1 + scenario.pool.fund.house_price_growth) ** years,
        policy_changes=tuple(changes),
    )
