"""The pool's balance sheet, drawn up each month from balances, and the check that it balances.

What the pool owns must equal what it owes plus what it has set aside and
earned::

    cash + loans = deposits + interest payable + unmet withdrawals + unpaid costs
                   + credit line + loan risk reserve + equity

Every line is read from the balance that holds it, never from the month's
flow records: cash from the pool, loans from the loan book's principal by
loan (and the employee segment's balance), deposits from the sum of the
members' account balances (and the employees'), interest payable from the
interest accrued on the accounts and not yet credited (F1), the reserve from
the reserve, equity from value-added income earned and not yet distributed
(F3, F4). A flow that moves one line without its counterpart — money paid
out and not booked, a repayment from a member's balance booked as cash in —
breaks the identity, and :meth:`BalanceSheet.check` stops the run naming the
month and every line.

A repayment from a member's balance (W1) is a transfer inside the fund:
deposits and loans fall, cash does not move.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sim.core.months import format_month
from sim.fund.liquidity import PoolDoesNotBalance


@dataclass(frozen=True)
class BalanceSheet:
    """The pool's month-end balance sheet, in fen (both segments together)."""

    month: int
    cash: int
    loans: int
    deposits: int
    interest_payable: int
    unmet_withdrawals: int
    unpaid_costs: int
    credit_line: int
    risk_reserve: int
    equity: int

    @property
    def assets(self) -> int:
        """Cash and loans."""
        return self.cash + self.loans

    @property
    def claims(self) -> int:
        """Liabilities, reserve and equity."""
        return (
            self.deposits
            + self.interest_payable
            + self.unmet_withdrawals
            + self.unpaid_costs
            + self.credit_line
            + self.risk_reserve
            + self.equity
        )

    def check(self) -> BalanceSheet:
        """Raise :class:`PoolDoesNotBalance` naming every line unless assets = claims."""
        if self.assets != self.claims or self.cash < 0:
            items = asdict(self).items()
            lines = ", ".join(f"{k} {v / 100:,.2f}" for k, v in items if k != "month")
            raise PoolDoesNotBalance(
                f"{format_month(self.month)}: the pool's balance sheet does not balance: "
                f"assets {self.assets / 100:,.2f} yuan, claims {self.claims / 100:,.2f} yuan "
                f"(difference {(self.assets - self.claims) / 100:,.2f}); {lines}"
            )
        return self
