"""The pool's money for one path: cash and the desk, the employee segment, the reserves, equity.

The engine's month hands this object the month's flows in a fixed order and
gets the month's figures back; it owns every balance the pool's balance sheet
(:mod:`sim.fund.balance_sheet`) reads besides the members' accounts and the
flexible loan book:

1. :meth:`PoolBooks.open_month` — the opening balances that interest, costs
   and the segment's funding income are computed on;
2. :meth:`PoolBooks.loan_receipts` — repayments from income and recoveries as
   cash (a repayment from a member's balance is not cash, W1), write-offs
   against the pilot's own reserve, uncovered losses against equity;
3. :meth:`PoolBooks.member_flows` — members' deposits and withdrawals as cash;
4. :meth:`PoolBooks.employee_month` — the employee segment's flows and its
   loan demand at the desk (F6);
5. :meth:`PoolBooks.interest` — interest on the opening cash and on the credit
   line drawn (F3, F6);
6. :meth:`PoolBooks.close_month` — the month's value-added income (the pool's
   and the pilot's, F3), the 30 June distribution (F4), the cash book and the
   balance sheet, checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from sim.core.money import round_yuan_to_fen
from sim.fund.balance_sheet import BalanceSheet
from sim.fund.books import MonthBooks
from sim.fund.employee import EmployeeFlows, EmployeeSegment, EmployeeShock
from sim.fund.liquidity import Application, Pool, PoolMonth
from sim.fund.loan_book import LoanMonth
from sim.fund.policy import Policy
from sim.fund.pool_config import PoolConfig
from sim.fund.reserve import Reserve
from sim.fund.segment import SegmentBooks, SegmentMonth, segment_month
from sim.fund.value_added import ValueAdded, month_value_added, year_end

EMPLOYEE_TRANCHES = 20
"""Employee loan demand queues as this many applications a month (of whole loans; each
application's ``payload`` is its number of loans)."""


def tranche_sizes(loans: int) -> list[int]:
    """``loans`` whole loans in at most :data:`EMPLOYEE_TRANCHES` applications, as even as
    they go, the larger ones first (the split of ``np.array_split``)."""
    k = min(loans, EMPLOYEE_TRANCHES)
    if k <= 0:
        return []
    size, larger = divmod(loans, k)
    return [size + 1] * larger + [size] * (k - larger)


@dataclass(frozen=True)
class Opening:
    """Balances at the month's opening, in fen: what interest, costs and the segment's
    funding income are computed on."""

    cash: int
    credit_line: int
    flexible_deposits: int
    flexible_loans: int
    employee_deposits: int
    employee_loans: int


@dataclass(frozen=True)
class PoolMonthEnd:
    """What :meth:`PoolBooks.close_month` returns."""

    segment: SegmentMonth
    value_added: int
    cash: PoolMonth
    sheet: BalanceSheet
    employee: EmployeeFlows


class PoolBooks:
    """The pool's money for one path (see the module docstring)."""

    def __init__(
        self,
        env: simpy.Environment,
        policy: Policy,
        config: PoolConfig,
        start: int,
        *,
        grant,
        draws: tuple[int, int] = (0, 0),
    ) -> None:
        fund = config.fund
        self.config = config
        self.pool = Pool(
            env,
            policy,
            fund,
            cash=round_yuan_to_fen(fund.start_cash),
            grant=grant,
            credit_line=round_yuan_to_fen(fund.start_credit_line),
        )
        self.employee = EmployeeSegment(config.employee, policy, start, draws=draws)
        self.reserve = Reserve(balance=round_yuan_to_fen(fund.start_reserve))  # employees' loans
        self.segment = SegmentBooks.start()
        self.equity = round_yuan_to_fen(fund.start_equity)
        self.year_vai = ValueAdded()

    def set_policy(self, policy: Policy) -> None:
        """A new policy in force (a switch date or a shock)."""
        self.pool.policy = policy
        self.employee.policy = policy

    def open_month(self, month: int, *, flexible_deposits: int, flexible_loans: int) -> Opening:
        """Open the cash book; the balances the month's interest and costs are computed on."""
        self.pool.begin_month(month)
        return Opening(
            cash=self.pool.cash,
            credit_line=self.pool.credit_line,
            flexible_deposits=flexible_deposits,
            flexible_loans=flexible_loans,
            employee_deposits=self.employee.deposit_balance,
            employee_loans=self.employee.loan_balance,
        )

    def loan_receipts(self, month: int, loans: LoanMonth, from_balance: int) -> None:
        """The flexible book's month: cash from income and collateral; losses to the reserve."""
        paid = loans.interest_received + loans.principal_repaid + loans.prepaid
        self.pool.receive("repayments", paid - int(from_balance))
        self.pool.receive("recoveries", loans.recovered)
        self.equity -= self.segment.reserve.write_off(loans.loss, month)

    def member_flows(self, books: MonthBooks, commercial_repayments: int) -> None:
        """Members' deposits in and withdrawals out; a repayment withdrawal toward a fund loan
        moves no cash, one toward a commercial mortgage does (W1)."""
        pool = self.pool
        pool.receive("deposits", books.deposits)
        pool.receive("transfers_in", books.transfers_in)
        for kind, amount in books.withdrawals.items():
            if kind != "repayment":
                pool.pay(f"withdrawals.{kind}", amount)
        pool.pay("withdrawals.repayment", commercial_repayments)

    def employee_month(
        self, month: int, shock: EmployeeShock, *, hpi: float = 1.0, level: int = 0
    ) -> EmployeeFlows:
        """The employees' flows as cash, their losses against their reserve, and their loan
        demand at the desk (F6) at the centre's liquidity ``level``."""
        pool = self.pool
        emp = self.employee.step(month, shock, hpi=hpi, level=level, wait=pool.oldest_wait(month))
        pool.receive("employee_deposits", emp.deposits)
        pool.pay("employee_withdrawals", emp.withdrawals)
        pool.receive("employee_repayments", emp.principal_repaid + emp.interest_received)
        pool.receive("employee_recoveries", emp.loans.recovered)
        self.equity -= self.reserve.write_off(emp.loans.loss, month)
        for count in tranche_sizes(emp.demand.loans):
            pool.submit(Application(count * emp.demand.size, month, "employee", count))
        return emp

    def interest(self, opening: Opening) -> ValueAdded:
        """Interest on the opening cash in, on the credit line drawn out (F3, F6)."""
        vai = month_value_added(
            self.config.fund,
            loan_interest=0,
            depositor_interest=0,
            subsidies=0,
            cash=opening.cash,
            deposits=0,
            credit_line=opening.credit_line,
        )
        self.pool.receive("bank_interest", vai.bank_interest)
        self.pool.pay("credit_line_interest", vai.credit_line_interest)
        return vai

    def observe(self, *, flexible_deposits: int, flexible_loans: int) -> None:
        """The pool's deposit and loan balances now, for the desk's limits (F5)."""
        self.pool.observe(
            deposits=flexible_deposits + self.employee.deposit_balance,
            loans=flexible_loans + self.employee.loan_balance,
            flexible_deposits=flexible_deposits,
            flexible_loans=flexible_loans,
        )

    def close_month(
        self,
        month: int,
        policy: Policy,
        accounts: MonthBooks,
        loans: LoanMonth,
        emp: EmployeeFlows,
        interest: ValueAdded,
        opening: Opening,
        *,
        settle: bool,
    ) -> PoolMonthEnd:
        """Value-added income, the June distribution when ``settle``, the cash book and the
        balance sheet, checked."""
        seg, total = self._value_added(accounts, loans, emp, interest, opening)
        if settle:
            self._distribute(policy, loans.closing_principal)
        cash = self.pool.end_month()
        pool = self.pool
        sheet = BalanceSheet(
            month=month,
            cash=pool.cash,
            loans=loans.closing_principal + self.employee.loan_balance,
            deposits=accounts.closing_total + self.employee.deposit_balance,
            interest_payable=accounts.interest_payable,
            unmet_withdrawals=pool.unmet_withdrawals,
            unpaid_costs=pool.unpaid_costs,
            credit_line=pool.credit_line,
            risk_reserve=self.reserve.balance + self.segment.reserve.balance,
            equity=self.equity,
        ).check()
        return PoolMonthEnd(seg, total, cash, sheet, emp)

    def _value_added(self, accounts, loans, emp, interest, opening) -> tuple[SegmentMonth, int]:
        """The month's value-added income, the pool's and the flexible segment's (F3)."""
        deposits = accounts.closing_total + self.employee.deposit_balance
        flexible_interest = loans.interest_received + loans.recovered_interest
        month = month_value_added(
            self.config.fund,
            loan_interest=flexible_interest + emp.interest_received,
            depositor_interest=accounts.interest_expense + emp.interest_accrued,
            subsidies=accounts.subsidy_credited + accounts.bonus_credited,
            cash=opening.cash,
            deposits=deposits,
            credit_line=opening.credit_line,
        )
        self.pool.pay("management_costs", month.management_costs)
        self.year_vai.add(month)
        self.equity += month.total
        seg = segment_month(
            loan_interest=flexible_interest,
            interest_cost=accounts.interest_expense,
            subsidy_cost=accounts.subsidy_credited + accounts.bonus_credited,
            credit_losses=loans.loss,
            deposits=opening.flexible_deposits,
            loans=opening.flexible_loans,
            pool_deposits=opening.flexible_deposits + opening.employee_deposits,
            other_income=emp.interest_received + interest.bank_interest,
            other_assets=opening.employee_loans + opening.cash,
            pool_costs=month.management_costs + month.credit_line_interest,
        )
        self.segment.add(seg)
        return seg, month.total

    def _distribute(self, policy: Policy, flexible_loans: int) -> None:
        """30 June, after month end: each segment's year's value-added income to its own
        reserve first, the rest out of the fund unless the pool is borrowing (F4)."""
        fund, pool = self.config.fund, self.pool
        borrowing = pool.credit_line > 0 or pool.unmet_withdrawals > 0 or pool.unpaid_costs > 0
        end = year_end(
            policy,
            pool_income=self.year_vai.total,
            segment_income=self.segment.year_value_added,
            segment_reserve=self.segment.reserve.balance,
            segment_loans=flexible_loans,
            employee_reserve=self.reserve.balance,
            employee_loans=self.employee.loan_balance,
            distributable=0
            if borrowing and not fund.distribute_while_borrowing
            else max(pool.cash, 0) + (pool.credit_limit - pool.credit_line) * borrowing,
        )
        self.segment.reserve.add(end.segment_provision)
        self.reserve.add(end.employee_provision)
        if end.distributed > 0:
            pool.pay("value_added_distribution", end.distributed)
        self.equity -= end.segment_provision + end.employee_provision + end.distributed
        self.year_vai = ValueAdded()
        self.segment.year_value_added = 0
