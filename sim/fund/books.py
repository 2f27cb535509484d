"""The month's books of the accounts, and the reconciliation that guards them.

Every flow into or out of the accounts is added up as it happens. At month
end the change in the total of all balances must equal

    deposits + transfers in + interest credited + subsidies credited
    − withdrawals

to the fen. If it does not, some code changed a balance without recording
the flow: :class:`BooksDoNotBalance` is raised at once, naming the month and
the amounts, rather than letting a wrong number flow into a report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sim.core.money import fen_to_yuan
from sim.core.months import format_month


class BooksError(RuntimeError):
    """A set of books (accounts, loans, cash) failed to reconcile: the run must stop."""


class BooksDoNotBalance(BooksError):
    """The accounts' month-end total differs from opening total plus flows."""


@dataclass
class MonthBooks:
    """Totals of one month's flows, in fen (one row of the fund's monthly statement)."""

    month: int
    opening_total: int
    opening_interest_payable: int = 0  # interest accrued, not yet credited, at the opening
    deposits: int = 0
    deposit_count: int = 0
    transfers_in: int = 0
    interest_credited: int = 0
    interest_accrued: int = 0  # the month's interest owed to depositors, credited later (F3)
    interest_payable: int = 0  # interest accrued and not yet credited, at month end (F1)
    subsidy_credited: int = 0  # holding subsidy (S1, S5)
    bonus_credited: int = 0  # opening bonus (S6, S7)
    withdrawals: dict[str, int] = field(default_factory=dict)  # by Kind
    opened: int = 0
    closed: int = 0
    refused: dict[str, int] = field(default_factory=dict)  # by refusal code
    closing_total: int = 0
    open_by_group: tuple[int, ...] = ()  # open accounts at month end, by reporting group
    at_lifetime_cap: int = 0  # accounts at the lifetime cap after the month's credit (S2)
    ever_opened: int = 0  # accounts ever opened, at month end

    @property
    def open_accounts(self) -> int:
        """Open accounts at month end (set by the month end, with :attr:`open_by_group`)."""
        return sum(self.open_by_group)

    @property
    def withdrawn(self) -> int:
        """All money paid out of accounts this month."""
        return sum(self.withdrawals.values())

    @property
    def interest_expense(self) -> int:
        """The month's interest cost to the fund, exact to the fen (F1, F3): interest
        credited plus the change in interest accrued and not yet credited."""
        return self.interest_credited + self.interest_payable - self.opening_interest_payable

    @property
    def inflows(self) -> int:
        """All money credited to accounts this month."""
        return (
            self.deposits
            + self.transfers_in
            + self.interest_credited
            + self.subsidy_credited
            + self.bonus_credited
        )

    def add_withdrawal(self, kind: str, amount: int) -> None:
        """Record money paid out for ``kind``."""
        self.withdrawals[kind] = self.withdrawals.get(kind, 0) + int(amount)

    def add_refusals(self, counts: dict[str, int]) -> None:
        """Count refused requests by reason."""
        for reason, n in counts.items():
            self.refused[reason] = self.refused.get(reason, 0) + n

    def reconcile(self, closing_total: int) -> None:
        """Check closing = opening + inflows − outflows; raise if not (to the fen)."""
        self.closing_total = int(closing_total)
        expected = self.opening_total + self.inflows - self.withdrawn
        if expected != self.closing_total:
            raise BooksDoNotBalance(
                f"{format_month(self.month)}: balances total {fen_to_yuan(self.closing_total)} "
                f"yuan but opening {fen_to_yuan(self.opening_total)} + inflows "
                f"{fen_to_yuan(self.inflows)} - withdrawals {fen_to_yuan(self.withdrawn)} = "
                f"{fen_to_yuan(expected)} (difference {fen_to_yuan(self.closing_total - expected)})"
            )

    def as_dict(self) -> dict:
        """Plain dict for tables and JSON."""
        return asdict(self)
