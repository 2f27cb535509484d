"""The fund's non-policy parameters: the shared pool, its costs and its facilities (F3, F6).

Read from a fund file (``scenarios/fund/lianyungang.toml`` by default) with
the same strictness as a policy file: every key known, in range, with a
``basis`` per table. These are the fund centre's own accounts, which no public
source gives for Lianyungang: every default is an assumption.

The opening balance sheet must balance, to the fen: cash + the employees'
loans = the employees' deposits + the loan risk reserve + the credit line
drawn + the opening equity (value-added income not yet distributed). A file
that does not is refused with the lines and the difference: a projection
that starts from books that do not balance creates or loses money unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.core.checks import check_table
from sim.core.errors import InputError, read_toml
from sim.core.money import round_yuan_to_fen
from sim.fund.employee_config import EMPLOYEE_SPECS, EmployeeParams, employee_params

__all__ = ["EMPLOYEE_SPECS", "EmployeeParams", "FundParams", "PoolConfig", "load_pool_config"]

DEFAULT_FUND = Path(__file__).resolve().parents[2] / "scenarios" / "fund" / "lianyungang.toml"


@dataclass(frozen=True)
class FundParams:
    """Cash, reserve, costs and the credit line (yuan and annual rates)."""

    start_cash: float
    start_reserve: float
    start_credit_line: float
    start_equity: float
    bank_rate: float
    management_cost_rate: float
    credit_line_limit: float
    credit_line_rate: float
    house_price_growth: float
    distribute_while_borrowing: bool = False


_BIG = 1e13
FUND_SPECS = {
    "start_cash": (0, _BIG, float),
    "start_reserve": (0, _BIG, float),
    "start_credit_line": (0, _BIG, float),
    "start_equity": (-_BIG, _BIG, float),
    "bank_rate": (0, 0.2, float),
    "management_cost_rate": (0, 0.1, float),
    "credit_line_limit": (0, _BIG, float),
    "credit_line_rate": (0, 0.5, float),
    "house_price_growth": (-0.5, 0.5, float),
}


@dataclass(frozen=True)
class BookLines:
    """A book's lines of the pool's balance sheet, in fen (``sim.book``): the flexible
    segment's balances with their accrued interest, its loans and its loan risk reserve."""

    folder: str
    deposits: int
    loans: int
    reserve: int


@dataclass(frozen=True)
class PoolConfig:
    """A checked fund file."""

    path: str
    fund: FundParams
    employee: EmployeeParams


def load_pool_config(
    path: str | Path = DEFAULT_FUND, *, book: BookLines | None = None
) -> PoolConfig:
    """Read and check a fund file; errors name the file and the key path. With a ``book``
    the opening balance sheet must balance with the book's lines too."""
    origin = str(path)
    data = read_toml(path)
    for key in data:
        if key not in ("fund", "employee"):
            raise InputError(origin, key, "unknown key", allowed="fund, employee")
    tables = {}
    for key in ("fund", "employee"):
        if not isinstance(data.get(key), dict):
            raise InputError(origin, key, "missing or not a table")
        tables[key] = data[key]
    flag = "distribute_while_borrowing"
    fund = check_table(origin, "fund", tables["fund"], FUND_SPECS, extra={flag})
    distribute = tables["fund"].get(flag, False)
    if not isinstance(distribute, bool):
        raise InputError(origin, f"fund.{flag}", f"got {distribute!r}", allowed="true or false")
    fund = FundParams(**fund, distribute_while_borrowing=distribute)
    employee = employee_params(origin, tables["employee"], check_table)
    check_opening_balance(origin, fund, employee, book=book)
    return PoolConfig(origin, fund, employee)


def check_opening_balance(
    origin: str, fund: FundParams, employee: EmployeeParams, *, book: BookLines | None = None
) -> None:
    """Refuse a fund file whose opening balance sheet does not balance to the fen (with the
    book's lines when the projection starts from a book), or whose credit line is drawn
    beyond its limit."""
    if fund.start_credit_line > fund.credit_line_limit:
        raise InputError(
            origin,
            "fund.start_credit_line",
            f"{fund.start_credit_line:,.2f} yuan drawn, over the line's limit",
            allowed=f"0 to fund.credit_line_limit ({fund.credit_line_limit:,.2f})",
        )

    lines = book or BookLines("", 0, 0, 0)
    cash = round_yuan_to_fen(fund.start_cash)
    assets = cash + round_yuan_to_fen(employee.loan_balance) + lines.loans
    claims = assets - (cash - _claims_less_loans(fund, employee, lines))
    if assets == claims:
        return
    with_book = (
        f" with the book {lines.folder} (loans {lines.loans / 100:,.2f}, deposits and accrued "
        f"interest {lines.deposits / 100:,.2f}, segment reserve {lines.reserve / 100:,.2f})"
        if book
        else ""
    )
    raise InputError(
        origin,
        "fund",
        f"the opening balance sheet does not balance{with_book}: fund.start_cash "
        f"{fund.start_cash:,.2f} + employee.loan_balance {employee.loan_balance:,.2f} "
        f"{'+ book loans ' if book else ''}= {assets / 100:,.2f} yuan, "
        f"but employee.deposit_balance {employee.deposit_balance:,.2f} + fund.start_reserve "
        f"{fund.start_reserve:,.2f} + fund.start_credit_line {fund.start_credit_line:,.2f} "
        f"+ fund.start_equity {fund.start_equity:,.2f} "
        f"{'+ book deposits and reserve ' if book else ''}= {claims / 100:,.2f} yuan "
        f"(difference {(assets - claims) / 100:,.2f})",
        allowed="cash + loans = deposits + reserve + credit line + equity",
    )


def _claims_less_loans(fund: FundParams, employee: EmployeeParams, lines: BookLines) -> int:
    """Deposits + reserves + credit line + equity − all loans, in fen: the cash that balances."""
    return (
        round_yuan_to_fen(employee.deposit_balance)
        + round_yuan_to_fen(fund.start_reserve)
        + round_yuan_to_fen(fund.start_credit_line)
        + round_yuan_to_fen(fund.start_equity)
        + lines.deposits
        + lines.reserve
        - round_yuan_to_fen(employee.loan_balance)
        - lines.loans
    )


def balancing_cash(fund: FundParams, employee: EmployeeParams, book: BookLines | None = None):
    """The opening cash, in yuan, that makes the opening balance sheet balance (with a book's
    lines when the projection starts from one)."""
    return _claims_less_loans(fund, employee, book or BookLines("", 0, 0, 0)) / 100
