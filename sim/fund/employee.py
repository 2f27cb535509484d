"""The employee segment of the shared pool, as aggregate monthly flows (F6).

Flexible depositors share one pool with the employees' deposits (B §3(5)22).
The employee segment is not simulated person by person: its deposits grow at
``deposit_growth`` with a seasonal peak, withdrawals are ``withdrawal_ratio``
of deposits, its loan book repays ``1 / repayment_months`` of its balance a
month plus interest, and it asks for ``monthly_loan_demand`` of new loans,
which queue at the same desk as the flexible segment's (as loans of
``average_loan``). A shock multiplies deposits, withdrawals or loan demand
(the stress hook for an outflow from the employee segment).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.core.money import round_yuan_to_fen
from sim.core.months import calendar_month
from sim.fund.policy import Policy
from sim.fund.pool_config import EmployeeParams


@dataclass(frozen=True)
class EmployeeShock:
    """Multipliers on one month's employee flows (1 = no shock)."""

    deposits: float = 1.0
    withdrawals: float = 1.0
    loan_demand: float = 1.0


@dataclass(frozen=True)
class EmployeeFlows:
    """One month of the employee segment, in fen."""

    deposits: int
    withdrawals: int
    interest_accrued: int
    principal_repaid: int
    interest_received: int
    loan_demand: int


class EmployeeSegment:
    """Aggregate balances and flows of the employee depositors."""

    def __init__(self, params: EmployeeParams, policy: Policy, start_month: int):
        self.params, self.policy, self.start = params, policy, start_month
        self.deposit_balance = round_yuan_to_fen(params.deposit_balance)
        self.loan_balance = round_yuan_to_fen(params.loan_balance)

    def step(self, month: int, shock: EmployeeShock | None = None) -> EmployeeFlows:
        """This month's flows; balances move by them (loans granted come via :meth:`lend`)."""
        p, shock = self.params, shock or EmployeeShock()
        years = (month - self.start) / 12.0
        season = 1.0 + p.season_amplitude * math.cos(
            2 * math.pi * (calendar_month(month) - p.season_peak) / 12
        )
        base = p.monthly_deposits * 100 * (1 + p.deposit_growth) ** years * season
        deposits = round(base * shock.deposits)
        withdrawals = min(
            round(base * p.withdrawal_ratio * shock.withdrawals), self.deposit_balance + deposits
        )
        rate = self.policy.at("interest.deposit_rate", month)
        interest = round(self.deposit_balance * rate / 12)
        principal = self.loan_balance // p.repayment_months
        received = round(self.loan_balance * p.loan_rate / 12)
        demand = round(
            p.monthly_loan_demand * 100 * (1 + p.loan_demand_growth) ** years * shock.loan_demand
        )
        self.deposit_balance += deposits - withdrawals + interest
        self.loan_balance -= principal
        return EmployeeFlows(deposits, withdrawals, interest, principal, received, demand)

    def lend(self, amount_fen: int) -> None:
        """A loan to an employee was granted at the desk."""
        self.loan_balance += int(amount_fen)
