"""Value-added income (增值收益) and its yearly distribution (F2, F3, F4).

Each month the fund earns loan interest received and interest on idle cash,
and bears the interest owed to depositors (accrued, credited on 30 June), the
subsidies it pays (business expenses, F2: the holding subsidy and opening
bonus when credited), management costs and the interest on any credit-line
draw. Their balance is the month's value-added income (F3).

At the fund year's end (June) the year's income is distributed: first to the
loan risk reserve (F4) — the larger of ``reserve.vai_share`` of the income and
the top-up that brings the reserve to ``reserve.target_ratio`` of the loan
balance, never more than the income — and the rest leaves the fund (to the
city's public-housing budget and the centre's costs). A year with negative
income provisions nothing; the loss stays with the fund.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from sim.fund.policy import Policy
from sim.fund.pool_config import FundParams


@dataclass
class ValueAdded:
    """Value-added income components over a period, in fen (positive = income)."""

    loan_interest: int = 0
    bank_interest: int = 0
    depositor_interest: int = 0  # a cost
    subsidies: int = 0  # a cost (F2)
    management_costs: int = 0  # a cost
    credit_line_interest: int = 0  # a cost

    @property
    def total(self) -> int:
        """Income minus costs."""
        income = self.loan_interest + self.bank_interest
        costs = (
            self.depositor_interest
            + self.subsidies
            + self.management_costs
            + self.credit_line_interest
        )
        return income - costs

    def add(self, other: ValueAdded) -> None:
        """Accumulate another period into this one."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def month_value_added(
    fund: FundParams,
    *,
    loan_interest: int,
    depositor_interest: int,
    subsidies: int,
    cash: int,
    deposits: int,
    credit_line: int,
) -> ValueAdded:
    """One month's components (F3): interest on the opening cash at ``fund.bank_rate``,
    management costs at ``fund.management_cost_rate`` of deposits, credit-line interest
    at ``fund.credit_line_rate``, each ÷ 12 and rounded to the fen."""
    return ValueAdded(
        loan_interest=int(loan_interest),
        bank_interest=round(max(cash, 0) * fund.bank_rate / 12),
        depositor_interest=int(depositor_interest),
        subsidies=int(subsidies),
        management_costs=round(deposits * fund.management_cost_rate / 12),
        credit_line_interest=round(credit_line * fund.credit_line_rate / 12),
    )


def provision(policy: Policy, year_income: int, reserve: int, loan_balance: int) -> int:
    """What the year's value-added income sets aside to the loan risk reserve (F4)."""
    if year_income <= 0:
        return 0
    by_share = policy["reserve.vai_share"] * year_income
    top_up = policy["reserve.target_ratio"] * loan_balance - reserve
    return int(min(year_income, max(by_share, top_up)))


@dataclass(frozen=True)
class YearEnd:
    """The fund year's value-added income at 30 June, in fen (F4)."""

    segment_provision: int  # to the flexible segment's reserve, from its own income
    employee_provision: int  # to the employee segment's reserve, from the rest
    distributed: int  # paid out of the fund
    retained: int  # kept in the pool's equity (held back, or a loss)


def year_end(
    policy: Policy,
    *,
    pool_income: int,
    segment_income: int,
    segment_reserve: int,
    segment_loans: int,
    employee_reserve: int,
    employee_loans: int,
    distributable: int,
) -> YearEnd:
    """Provision each segment's reserve from its own year's income (A §3(6)2, F4), then
    distribute the rest, up to ``distributable`` (0 while the pool borrows: see
    ``fund.distribute_while_borrowing``)."""
    seg = provision(policy, segment_income, segment_reserve, segment_loans)
    emp = provision(policy, pool_income - segment_income, employee_reserve, employee_loans)
    rest = pool_income - seg - emp
    paid = max(0, min(rest, int(distributable)))
    return YearEnd(seg, emp, paid, rest - paid)
