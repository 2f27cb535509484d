"""The employees' side of the shared pool, as an aggregate book with loan vintages (F6).

Flexible depositors share one pool with the employees (B §3(5)22), whose
figures dominate it: Lianyungang's 2024 report counts about 477,000
contributors, 261.66 亿 of deposits and 255.92 亿 of loans (FACTS.md). The
employees are kept as one aggregate book — contributors, their deposit
balance and their loans in monthly vintages (:mod:`sim.fund.employee_loans`)
— rather than model points by age and wage: the reports give totals and
counts, no split by age or wage to fit model points to, and every figure
the pool needs (and ``hpfsim reconcile`` compares) is a total. Each month:

- **deposits**: mandatory contributions from wages, ``monthly_deposits`` ×
  contributors (growing at ``contributor_growth``) × wages (growing at
  ``deposit_growth``; a recession lowers them by ``income_sensitivity`` of
  its income cut), with a December peak;
- **withdrawals by kind**, each a number of people a year per contributor ×
  an amount: purchase (moves with housing activity and house prices; the
  family-help share stops at the centre's withdrawal line), rent, repayment
  of a loan, retirement and other (leaving: a multiple of the average
  balance); an outflow stress makes leaving, and renting out, more common
  and contributions stop for those who leave (a share ``1 − deposits`` of the
  contributors a year, each taking the leavers' average balance). A
  withdrawal to repay a fund loan is, in the fund, a transfer from the
  account to the loan; here it is a withdrawal and the loan's repayment is
  cash in, which moves the same balances (deposits and loans fall) and leaves
  cash where the transfer would;
- **loans**: the vintages pay, prepay (part with housing turnover) and
  default (national HPF overdue level) with recoveries at the house-price
  index;
- **housing activity** has a monthly lognormal draw (``activity_noise``), the
  paths' spread in the employees' figures;
- **loan demand**: the number of loans asked for moves with housing activity
  — the fund's rate against the commercial rate (``rate_semi_elasticity`` per
  point of the gap), house prices, incomes and a demand shock — and falls
  with the wait at the desk (``queue_discouragement`` per month the head of
  the queue has waited, 轮候). Each loan's size is a lognormal around
  ``average_loan`` (wages × house prices) cut at the ceiling (single or
  couple, dated; cut further at the centre's liquidity lines,
  ``liquidity.rationing_ceiling``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.core.money import round_yuan_to_fen
from sim.core.months import calendar_month
from sim.core.random import Draws
from sim.fund.employee_config import EmployeeParams
from sim.fund.employee_loans import LoansMonth, Vintages
from sim.fund.policy import Policy

ACTIVITY = "employee.activity"
"""The purpose of the employees' monthly housing-activity draw (:mod:`sim.core.random`)."""
KINDS = ("purchase", "rent", "repayment", "retirement", "other")
"""The employees' withdrawals by kind (the annual reports' headings, grouped)."""


@dataclass(frozen=True)
class EmployeeShock:
    """A month's stress on the employees (1 = none): the share of contributors still
    contributing, the multiplier on choosing to leave or rent out, on housing demand, and
    the economy-wide income level."""

    deposits: float = 1.0
    withdrawals: float = 1.0
    loan_demand: float = 1.0
    income: float = 1.0


@dataclass(frozen=True)
class Demand:
    """A month's loan demand: whole loans asked for, their size (fen), and the fen each
    would have been without the liquidity line's smaller ceiling."""

    loans: int
    size: int
    rationed_per_loan: int


@dataclass(frozen=True)
class EmployeeFlows:
    """One month of the employees' book, in fen."""

    deposits: int
    withdrawals: int
    interest_accrued: int
    loans: LoansMonth
    demand: Demand
    by_kind: dict[str, int] = field(default_factory=dict)
    people: float = 0.0  # withdrawals made (people)
    stopped: int = 0  # purchase withdrawals stopped at the centre's line

    @property
    def principal_repaid(self) -> int:
        return self.loans.principal

    @property
    def interest_received(self) -> int:
        return self.loans.interest

    @property
    def loan_demand(self) -> int:
        return self.demand.loans * self.demand.size


def expected_capped(mean: float, sigma: float, cap: float) -> float:
    """E[min(X, cap)] for X lognormal with this mean and log-sd ``sigma``."""
    if cap <= 0 or mean <= 0:
        return 0.0
    mu = math.log(mean) - sigma**2 / 2
    z = (math.log(cap) - mu) / sigma
    phi = 0.5 * (1 + math.erf((z - sigma) / math.sqrt(2)))
    above = 0.5 * math.erfc(z / math.sqrt(2))
    return mean * phi + cap * above


class EmployeeSegment:
    """The employees' book (see the module docstring)."""

    def __init__(
        self,
        params: EmployeeParams,
        policy: Policy,
        start_month: int,
        *,
        draws: tuple[int, int] = (0, 0),
    ) -> None:
        self.params, self.policy, self.start = params, policy, start_month
        self.draws = Draws(draws[0], draws[1], 1)
        self.deposit_balance = round_yuan_to_fen(params.deposit_balance)
        self.book = Vintages(
            round_yuan_to_fen(params.loan_balance),
            params.loan_count,
            params.repayment_months,
            params.loan_rate,
        )
        self.gap0 = params.commercial_rate.at(start_month) - policy.at(
            "loan.rate_first_long", start_month
        )
        self._carry = 0.0  # fractions of a loan asked for, carried to next month

    @property
    def loan_balance(self) -> int:
        return self.book.outstanding

    def activity(self, month: int, shock: EmployeeShock, hpi: float) -> float:
        """Housing activity against the start: the rate gap, prices, incomes, a demand shock."""
        p = self.params
        gap = p.commercial_rate.at(month) - self.policy.at("loan.rate_first_long", month)
        income = 1 + p.income_sensitivity * (shock.income - 1)
        return (
            math.exp(p.rate_semi_elasticity * 100 * (gap - self.gap0))
            * max(hpi, 1e-6) ** p.price_elasticity
            * max(income, 1e-6) ** p.income_elasticity
            * shock.loan_demand
            * self.noise(month)
        )

    def noise(self, month: int) -> float:
        """The month's housing-market luck: lognormal, mean 1, log-sd ``activity_noise``;
        keyed by seed, path and month (common random numbers across policies)."""
        sd = self.params.activity_noise
        return math.exp(sd * self.draws.normal_one(ACTIVITY, month) - sd * sd / 2)

    def step(
        self,
        month: int,
        shock: EmployeeShock | None = None,
        *,
        hpi: float = 1.0,
        level: int = 0,
        wait: int = 0,
    ) -> EmployeeFlows:
        """This month's flows at the centre's liquidity ``level`` and the desk's ``wait``;
        balances move by them (loans granted come via :meth:`lend_all`)."""
        p, shock = self.params, shock or EmployeeShock()
        years = (month - self.start) / 12.0
        phase = 2 * math.pi * (calendar_month(month) - p.season_peak) / 12
        season = 1 + p.season_amplitude * math.cos(phase)
        income = 1 + p.income_sensitivity * (shock.income - 1)
        wage = (1 + p.deposit_growth) ** years * income
        heads = (1 + p.contributor_growth) ** years
        active = heads * shock.deposits
        deposits = round(p.monthly_deposits * 100 * active * wage * season)
        housing = self.activity(month, shock, hpi)
        per_head = self.deposit_balance / (p.contributors * heads)
        stop = self.policy["liquidity.withdrawal_stop_level"]
        help_stopped = p.family_help_share if stop and level >= stop else 0.0
        n = p.contributors * heads / 12
        people = {
            "purchase": n * p.purchase_rate * housing,
            "rent": n * p.rent_rate * shock.withdrawals,
            "repayment": n * p.repayment_rate,
            "retirement": n * p.retirement_rate,
            "other": n * p.other_rate * shock.withdrawals
            + p.contributors * heads * max(1 - shock.deposits, 0.0) / 12,
        }
        amount = {
            "purchase": p.purchase_amount * wage * hpi,
            "rent": p.rent_amount * wage,
            "repayment": p.repayment_amount * wage,
            "retirement": p.retirement_balance_multiple * per_head / 100,
            "other": p.other_balance_multiple * per_head / 100,
        }
        by_kind = {k: round(people[k] * amount[k] * 100) for k in KINDS}
        stopped = round(by_kind["purchase"] * help_stopped)
        by_kind["purchase"] -= stopped
        asked = sum(by_kind.values())
        withdrawals = min(asked, self.deposit_balance + deposits)
        if withdrawals < asked:  # the balance cannot go negative: the last kinds are cut
            by_kind = _cut(by_kind, asked - withdrawals)
        interest = round(self.deposit_balance * self.policy.at("interest.deposit_rate", month) / 12)
        if calendar_month(month) == 1:
            self.book.reprice(self.policy.at("loan.rate_first_long", month))
        cpr = p.prepayment_rate * (
            1 - p.prepayment_turnover_share + p.prepayment_turnover_share * housing
        )
        loans = self.book.step(
            prepay=1 - (1 - min(cpr, 1.0)) ** (1 / 12),
            default=1 - (1 - p.default_rate) ** (1 / 12),
            recovery=p.recovery_rate * min(hpi, 1.0),
        )
        demand = self.demand(month, heads * housing, wage * hpi, level, wait)
        self.deposit_balance += deposits - withdrawals + interest
        made = sum(people.values()) - people["purchase"] * help_stopped
        return EmployeeFlows(deposits, withdrawals, interest, loans, demand, by_kind, made, stopped)

    def demand(self, month: int, scale: float, size_index: float, level: int, wait: int) -> Demand:
        """Whole loans asked for this month and their size (see the module docstring)."""
        p = self.params
        years = (month - self.start) / 12.0
        wanted = (
            p.monthly_loan_demand
            / p.average_loan
            * scale
            * (1 + p.loan_demand_growth) ** years
            / (1 + p.queue_discouragement * wait)
        )
        wanted += self._carry
        loans = int(wanted)
        self._carry = wanted - loans
        size = self.loan_size(month, size_index, 1.0)
        factor = self.policy["liquidity.rationing_ceiling"][level - 1] if level > 0 else 1.0
        rationed = size if factor == 1.0 else self.loan_size(month, size_index, factor)
        return Demand(loans if rationed > 0 else 0, rationed, size - rationed)

    def loan_size(self, month: int, size_index: float, ceiling_factor: float) -> int:
        """The average loan asked for, fen: lognormal sizes cut at the ceilings in force."""
        p = self.params
        mean = p.average_loan * size_index
        single = p.ceiling_single.at(month) * ceiling_factor
        couple = p.ceiling_couple.at(month) * ceiling_factor
        sigma = p.loan_size_sigma
        size = p.couple_share * expected_capped(mean, sigma, couple) + (
            1 - p.couple_share
        ) * expected_capped(mean, sigma, single)
        return round_yuan_to_fen(size)

    def lend_all(self, month: int, tranches: list[tuple[int, float]]) -> None:
        """The month's loans granted at the desk, ``(fen, loans)`` in the order granted: as
        :meth:`lend` of each in turn, in one step (one vintage at the rate in force)."""
        if tranches:
            rate = self.policy.at("loan.rate_first_long", month)
            self.book.add_all(tranches, self.params.term_months, rate)

    def lend(self, month: int, amount_fen: int, count: float) -> None:
        """Loans to employees granted at the desk: a new vintage at the rate in force."""
        rate = self.policy.at("loan.rate_first_long", month)
        self.book.add(int(amount_fen), count, self.params.term_months, rate)


def _cut(by_kind: dict[str, int], excess: int) -> dict[str, int]:
    """Withdrawals reduced by ``excess`` fen, from the last kind backwards."""
    out = dict(by_kind)
    for k in reversed(KINDS):
        take = min(out[k], excess)
        out[k] -= take
        excess -= take
    return out
