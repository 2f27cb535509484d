"""The fund's row of the monthly record: balances, flows, the desk, reserves, the pilot's books.

Drawn up by :meth:`~sim.fund.fund.Fund.close_month` once every book has
closed; money in fen (the engine writes it in yuan). The people's own figures
— deposits by cohort, account states — are the engine's to add. Each series' unit
and kind, and the order of the record, are :mod:`sim.engine.series`'s.
"""

from __future__ import annotations

import functools
from typing import Protocol

from sim.fund.books import MonthBooks
from sim.fund.loan_book import ACTIVE, DEFAULTED, Due, LoanBook, LoanMonth
from sim.fund.policy import Policy
from sim.fund.pool_books import PoolBooks, PoolMonthEnd
from sim.fund.reserve import adequacy, stressed_loss


class FundParts(Protocol):
    """What the record reads of a fund (:class:`sim.fund.fund.Fund` has these), and nothing else."""

    money: PoolBooks
    policy: Policy
    book: LoanBook
    house_price_index: float
    rationing_level: int
    group_names: tuple[str, ...]
    cohort_month: int | None


WITHDRAWAL_KINDS = {"rent": "rent", "purchase": "purchase", "repayment": "repayment",
                    "exit": "exit", "retirement": "full"}  # fmt: skip
"""Series name suffix → the ledger's withdrawal kind (``full`` is W4: retirement, death, …);
the ``withdrawals.<suffix>`` series sum to ``withdrawals``."""
COHORT_SERIES = ("cohort_loan_balance", "cohort_written_off_to_date", "cohort_losses_to_date",
                 "cohort_defaults_to_date")  # fmt: skip
"""The stress cohort — the flexible loans granted before ``cohort_month`` (the stress window's
start, :attr:`sim.scenario.files.Scenario.cohort_month`): their outstanding principal, and
their written-off principal, losses and defaults to date. A stress and its baseline hold the same
cohort (common random numbers), so its default rate in the window is a like-for-like rate that a
stress which stops new lending cannot lower (issue 22; :mod:`sim.stress.window`)."""


def cohort_figures(book: LoanBook, cohort_month: int | None) -> dict[str, float]:
    """The stress cohort's figures (:data:`COHORT_SERIES`), fen; zero without a cohort month."""
    if cohort_month is None:
        return dict.fromkeys(COHORT_SERIES, 0)
    n = book.n
    cohort = book.disbursed_month[:n] < cohort_month
    gone = cohort & (book.status[:n] == DEFAULTED)
    active = cohort & (book.status[:n] == ACTIVE)
    return {
        "cohort_loan_balance": int(book.principal[:n][active].sum()),
        "cohort_written_off_to_date": int(book.written_off[:n][gone].sum()),
        "cohort_losses_to_date": int(book.loss[:n][gone].sum()),
        "cohort_defaults_to_date": int(gone.sum()),
    }


def month_figures(
    fund: FundParts, lb: MonthBooks, loan: LoanMonth, end: PoolMonthEnd, due: Due | None = None
) -> dict[str, float]:
    """Every fund series of the month (their units: :mod:`sim.engine.series`), money in fen;
    ``due`` the loan book's :meth:`~sim.fund.loan_book.LoanBook.due` now, if the caller has it."""
    money, policy, hpi = fund.money, fund.policy, fund.house_price_index
    pool, employee, segment = money.pool, money.employee, money.segment
    cash, seg, sheet = end.cash, end.segment, end.sheet
    deposit_balance, loan_balance = lb.closing_total, loan.closing_principal
    pool_dep = deposit_balance + employee.deposit_balance
    pool_loans = loan_balance + employee.loan_balance
    queue_len, queue_amount = pool.queued()
    _, owed = fund.book.amount_due(due)
    employee_due = employee.book.scheduled()
    scheduled = int(owed.sum()) + employee_due
    stressed = stressed_loss(fund.book, policy, hpi)
    ratios = adequacy(segment.reserve, loan_balance, stressed)
    waits = [a.served - a.arrival for a in cash.served if a.segment == "flexible"]
    values = {
        "value_added_income": end.value_added,
        "deposits": lb.deposits,
        "withdrawals": lb.withdrawn,
        "subsidy_paid": lb.subsidy_credited,
        "bonus_paid": lb.bonus_credited,
        "interest_credited": lb.interest_credited,
        "deposit_refusals": sum(lb.refused.values()),
        "loans_disbursed": loan.disbursed_count,
        "loans_disbursed_amount": loan.disbursed,
        "loan_queue_length": queue_len,
        "loan_queue_wait_months": sum(waits) / len(waits) if waits else 0.0,  # = np.mean
        "loan_balance": loan_balance,
        "deposit_balance": deposit_balance,
        "loan_to_deposit": loan_balance / deposit_balance if deposit_balance else 0.0,
        "pool_deposit_balance": pool_dep,
        "pool_loan_balance": pool_loans,
        "pool_loan_to_deposit": pool_loans / pool_dep if pool_dep else 0.0,
        "cash": pool.cash,
        "survival_months": pool.survival_months(scheduled),
        "survival_months_with_line": pool.survival_months(scheduled, with_line=True),
        "loan_queue_amount": queue_amount,
        "credit_line_balance": pool.credit_line,
        "credit_line_drawn": cash.credit_drawn,
        "risk_reserve": sheet.risk_reserve,
        "reserve_to_loans": sheet.risk_reserve / pool_loans if pool_loans else 0.0,
        "reserve_to_stressed_loss": min(ratios["reserve_to_stressed_loss"], 1e6),
        "reserve_uncovered": segment.reserve.uncovered,
        "defaults_amount": loan.written_off,
        "credit_losses": loan.loss,
        "defaults": loan.defaults,
        "arrears_3plus": loan.arrears[3],
        "rationing_level": fund.rationing_level,
        "house_price_index": hpi,
        "members": lb.open_accounts,
        "members_at_cap": lb.at_lifetime_cap,
        "ever_members": lb.ever_opened,
        "pool_equity": sheet.equity,
        "interest_payable": sheet.interest_payable,
        "unmet_withdrawals": sheet.unmet_withdrawals,
        "unpaid_costs": sheet.unpaid_costs,
        "employee_reserve": money.reserve.balance,
        "segment_value_added_income": seg.value_added,
        "segment_subsidy_cost": seg.subsidy_cost,
        "segment_margin": seg.margin,
        "segment_reserve": segment.reserve.balance,
        "segment_reserve_to_loans": min(ratios["reserve_to_loans"], 1e6)
        if loan_balance or segment.reserve.balance
        else 0.0,
        "segment_net_funding": deposit_balance - loan_balance,
        "segment_loan_interest": seg.loan_interest,
        "segment_funding_income": seg.funding_income,
        "segment_interest_cost": seg.interest_cost,
        "segment_costs": seg.costs,
    }
    values |= pool_flows(lb, loan, end) | {"liquidity_level": fund.liquidity_level}
    values.update(zip(_names("members.", fund.group_names), lb.open_by_group, strict=True))
    withdrawn = lb.withdrawals
    values.update((name, int(withdrawn.get(kind, 0))) for name, kind in _WITHDRAWN)
    values |= cohort_figures(fund.book, fund.cohort_month)
    values.update(zip(_names("cash_in.", cash.cash_in), cash.cash_in.values(), strict=True))
    values.update(zip(_names("cash_out.", cash.cash_out), cash.cash_out.values(), strict=True))
    return values


_WITHDRAWN = tuple((f"withdrawals.{name}", kind) for name, kind in WITHDRAWAL_KINDS.items())


@functools.cache
def _prefixed(prefix: str, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{prefix}{name}" for name in names)


def _names(prefix: str, names) -> tuple[str, ...]:
    """The record's names of a group of figures (``cash_in.deposits``, …), made once."""
    return _prefixed(prefix, tuple(names))


def pool_flows(lb: MonthBooks, loan: LoanMonth, end: PoolMonthEnd) -> dict[str, float]:
    """Both segments' flows of the month as the annual report counts them (fen; counts).

    Deposits (缴存额) include the interest credited to accounts: the reports' balances move
    by deposits − withdrawals (2024: 261.66 − 240.98 = 93.43 − 72.76, FACTS.md). Principal
    recovered (回收) is scheduled repayments and prepayments, recoveries on defaults aside.
    Withdrawers are the employees' (the pilot's members are not counted by person here).
    """
    emp, served = end.employee, end.cash.served
    employee_loans = sum(a.payload for a in served if a.segment == "employee")
    return {
        "pool_deposits": lb.deposits
        + lb.transfers_in
        + lb.interest_credited
        + emp.deposits
        + emp.interest_accrued,
        "pool_withdrawals": lb.withdrawn + emp.withdrawals,
        "pool_withdrawers": emp.people,
        "pool_loans_issued": loan.disbursed_count + employee_loans,
        "pool_loans_issued_amount": loan.disbursed + end.cash.cash_out["loans.employee"],
        "pool_principal_repaid": loan.principal_repaid + loan.prepaid + emp.principal_repaid,
        "pool_prepaid": loan.prepaid + emp.loans.prepaid,
        "pool_loans_rationed": emp.demand.loans * emp.demand.rationed_per_loan,
        "pool_withdrawals_stopped": emp.stopped,
        "employee_loans_asked": emp.demand.loans,
        "employee_defaults_amount": emp.loans.defaulted,
    }
