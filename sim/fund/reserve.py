"""The loan risk reserve: provisions in, write-offs out, and its adequacy (F4).

Provisions come from value-added income once a year (``value_added``).
Losses on defaulted loans (principal the collateral did not recover) are
written off against the reserve; a loss larger than the reserve exhausts it,
and the rest is an *uncovered* loss borne by the fund itself — the month this
first happens is a key output for risk officers.

Adequacy, as the issue asks: reserve ÷ loan balance; reserve ÷ expected
annual loss (the last 12 months' losses); reserve ÷ the loss a stressed
default rate would cause on today's book under today's house prices.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from sim.fund.loan_book import LoanBook
from sim.fund.policy import Policy


@dataclass
class Reserve:
    """The loan risk reserve, in fen."""

    balance: int
    uncovered: int = 0
    exhausted_month: int | None = None
    _losses: deque = field(default_factory=lambda: deque(maxlen=12))

    def add(self, amount: int) -> None:
        """A provision from value-added income (F4)."""
        self.balance += int(amount)

    def write_off(self, loss: int, month: int) -> int:
        """Charge a month's credit losses; return the part the reserve could not cover."""
        covered = min(int(loss), self.balance)
        self.balance -= covered
        uncovered = int(loss) - covered
        self.uncovered += uncovered
        if uncovered and self.exhausted_month is None:
            self.exhausted_month = month
        self._losses.append(int(loss))
        return uncovered

    def expected_annual_loss(self) -> int:
        """Losses over the last 12 months (fewer at the start)."""
        return sum(self._losses)


def stressed_loss(book: LoanBook, policy: Policy, hpi: float) -> int:
    """Loss if ``reserve.stressed_default_rate`` of today's book defaulted now (F4)."""
    a = book.active()
    value = book.collateral[a] * (hpi / book.hpi_at_start[a]) * policy["loan.recovery_rate"]
    lgd_fen = np.maximum(book.principal[a] - np.floor(value), 0)
    return int(policy["reserve.stressed_default_rate"] * lgd_fen.sum())


def adequacy(reserve: Reserve, loan_balance: int, stressed: int) -> dict[str, float]:
    """Reserve ratios; a ratio with nothing to cover is reported as infinite."""

    def ratio(den: int) -> float:
        return reserve.balance / den if den > 0 else float("inf")

    return {
        "reserve_to_loans": ratio(loan_balance),
        "reserve_to_expected_loss": ratio(reserve.expected_annual_loss()),
        "reserve_to_stressed_loss": ratio(stressed),
    }
