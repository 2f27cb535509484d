"""The flexible segment's own accounts inside the shared pool (A §3(6)2, B 21, F2–F4).

The pilot's depositors share one pool with the employees (B §3(5)22), but
the committee must see what the pilot itself earns and costs, and the 2023
scheme asks for a loan risk reserve for flexible workers' loans drawn from
value-added income (A §3(6)2; the draft, B 21: provisioning and write-off).
Each month the segment's value-added income (F3) is:

- **interest on its own loans** (received, and recovered on defaults);
- **funding income on its net funding**: what its deposits lend to the rest
  of the pool beyond its own loans (deposits − loans at the month's opening)
  earns the pool's average yield on the assets that money funds — employee
  loans and cash: (employee-loan interest + bank interest) ÷ (employee loans
  + cash). If its loans exceed its deposits it pays that yield instead. This
  is funds-transfer pricing at the pool's average yield, chosen over a plain
  share of the bank interest by deposits because the segment's money mostly
  funds employee loans, not idle cash;
- **less** the interest owed to its depositors (accrued, F1), the holding
  subsidy and opening bonus credited (F2, S1, S6), and its share of the
  pool's management costs and credit-line interest, by its share of the
  pool's deposits at the month's opening.

Its **margin** is that income less its credit losses (defaulted principal
the collateral did not recover). Its **reserve** is provisioned each June
from its own year's income (:func:`sim.fund.value_added.provision`, under
the policy's share and target against its own loans) and takes the write-offs
of its loans; losses beyond it are uncovered and fall on the pool's equity.
The employee segment's figures are the pool's less these, so the two always
add up to the pool's to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.fund.reserve import Reserve


@dataclass(frozen=True)
class SegmentMonth:
    """One month of the flexible segment's value-added income, in fen (see module doc)."""

    loan_interest: int
    funding_income: int
    interest_cost: int
    subsidy_cost: int
    costs: int
    credit_losses: int
    net_funding: int  # deposits − loans at the month's opening

    @property
    def value_added(self) -> int:
        """Income less interest, subsidies and costs (F3)."""
        income = self.loan_interest + self.funding_income
        return income - self.interest_cost - self.subsidy_cost - self.costs

    @property
    def margin(self) -> int:
        """Value-added income less credit losses."""
        return self.value_added - self.credit_losses


def segment_month(
    *,
    loan_interest: int,
    interest_cost: int,
    subsidy_cost: int,
    credit_losses: int,
    deposits: int,
    loans: int,
    pool_deposits: int,
    other_income: int,
    other_assets: int,
    pool_costs: int,
) -> SegmentMonth:
    """The segment's month from its own flows and its opening balances (see module doc).

    ``other_income`` is employee-loan interest plus bank interest, ``other_assets``
    employee loans plus cash (opening); ``pool_costs`` the pool's management costs and
    credit-line interest.
    """
    net = int(deposits) - int(loans)
    funding = round(net * other_income / other_assets) if other_assets > 0 else 0
    costs = round(pool_costs * deposits / pool_deposits) if pool_deposits > 0 else 0
    return SegmentMonth(
        loan_interest=int(loan_interest),
        funding_income=funding,
        interest_cost=int(interest_cost),
        subsidy_cost=int(subsidy_cost),
        costs=costs,
        credit_losses=int(credit_losses),
        net_funding=net,
    )


@dataclass
class SegmentBooks:
    """The flexible segment's reserve and its fund year's value-added income so far."""

    reserve: Reserve
    year_value_added: int = 0

    @classmethod
    def start(cls) -> SegmentBooks:
        """A pilot at launch: no reserve of its own yet."""
        return cls(Reserve(balance=0))

    def add(self, month: SegmentMonth) -> None:
        """Add a month's income to the fund year's."""
        self.year_value_added += month.value_added
