"""The agents alone, answered by the ledger and a stand-in loan desk.

For calibrating and measuring behaviour before (and apart from) the full
engine: each month people's incomes move, they choose (``behaviour``), and
the real :class:`~sim.fund.ledger.Ledger` checks and carries out what they ask
— so refusals are real. Purchases, their financing choice and housing
withdrawals run as in the engine (``housing``). The one stand-in is the loan
desk: every fund-loan application that passes L1 is granted at once (which
stops the subsidy, S3, and blocks exit, W3), and loans are not repaid within
the run. The engine replaces the stand-in with the fund's loan book and
liquidity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.agents.behaviour import Behaviour, BehaviourState, FundView
from sim.agents.config import AgentConfig
from sim.agents.housing import account_series, buy_homes, withdraw_for_housing
from sim.agents.income import CommonShock, IncomeState, step_income
from sim.agents.population import synthesize
from sim.fund.eligibility import may_join
from sim.fund.ledger import Ledger
from sim.fund.policy import Policy
from sim.fund.refusals import Refusal
from sim.fund.tax import tax_bracket
from sim.months import calendar_month
from sim.random import Draws


@dataclass
class MonthStats:
    """What happened in one month, in counts and fen."""

    month: int
    members: int
    new_members: int
    exits: int
    leavers: int
    deposit_requests: int
    deposits: int
    deposits_fen: int
    rent_fen: int
    exit_fen: int
    applications: int
    loans_granted: int
    active_share: float
    mean_income: float
    refused: dict[str, int] = field(default_factory=dict)
    active_depositors: int = 0
    dormant_accounts: int = 0
    subsidy_fen: int = 0  # holding subsidy and opening bonus credited
    loans_fen: int = 0  # fund loans granted
    purchases: int = 0  # buyers, members or not
    withdrawals_fen: dict[str, int] = field(default_factory=dict)  # by kind


class AgentWorld:
    """``n`` people of one path, from ``start_month``, under ``policy``."""

    def __init__(
        self, config: AgentConfig, policy: Policy, n: int, *, seed: int, path: int = 0,
        start_month: int,
    ):  # fmt: skip
        self.config, self.policy = config, policy
        self.rng = Draws(seed, path, n)
        self.pop = synthesize(config, n, seed=seed, path=path, start_month=start_month)
        self.income = IncomeState.start(config, self.pop, self.rng)
        self.state = BehaviourState.start(n, config=config, pop=self.pop, income=self.income,
                                          rng=self.rng, month=start_month)  # fmt: skip
        self.behaviour = Behaviour(config, self.pop, self.rng)
        self.ledger = Ledger(n, policy, start_month)
        update_tax_brackets(self.state, self.income, policy)

    @property
    def month(self) -> int:
        """The month the next :meth:`step` simulates."""
        return self.ledger.month

    def run(self, months: int, shocks: dict[int, CommonShock] | None = None) -> list[MonthStats]:
        """Simulate ``months`` months; ``shocks`` maps a month to its common shock."""
        shocks = shocks or {}
        return [self.step(shocks.get(self.month)) for _ in range(months)]

    def step(self, shock: CommonShock | None = None) -> MonthStats:
        """One month: income, choices, the ledger's answers, month end."""
        m, pop, st, ledger, policy = self.month, self.pop, self.state, self.ledger, self.policy
        acc = ledger.acc
        if calendar_month(m) == 1:
            update_tax_brackets(st, self.income, policy)
        step_income(self.config, pop, self.income, self.rng, m, st.alive, shock)
        ledger.begin_month()
        view = FundView(
            deposit_rate=policy.at("interest.deposit_rate", m),
            holding_rate=policy.at("subsidy.holding_rate", m),
            floor_fen=policy.floor_fen(m),
            cap_fen=policy.cap_fen(m),
            quarterly_allowed=3 in policy["deposit.allowed_months"],
            tax_rates=policy["tax.iit_rates"],
            is_open=acc.is_open,
            forfeited=acc.forfeited,
            loan_outstanding=acc.loan_outstanding,
            balance=acc.balance,
            aged=ledger.aged(),
        )
        d = self.behaviour.decide(m, self.income, st, view)
        st.alive[d.leave] = False
        ledger.close(d.leave[acc.is_open[d.leave]], "full")
        new = join(ledger, pop, st, policy, m, d.join)
        open_ = acc.is_open[d.deposit_who]
        who, amount, months = d.deposit_who[open_], d.deposit_fen[open_], d.deposit_months[open_]
        accepted = ledger.deposit(who, amount, months) == Refusal.OK
        st.deposited_last[who[accepted]] = True
        withdraw_for_housing(ledger, st, d)
        exits = int((ledger.close(d.exit, "exit") == Refusal.OK).sum())
        granted, lent = self._stand_in_loan_desk(m, d.applications)
        states = account_series(st, acc, ledger.books)
        books = ledger.end_month()
        alive = st.alive
        return MonthStats(
            month=m,
            members=int(acc.is_open.sum()),
            new_members=new,
            exits=exits,
            leavers=len(d.leave),
            deposit_requests=len(who),
            deposits=int(accepted.sum()),
            deposits_fen=books.deposits,
            rent_fen=books.withdrawals.get("rent", 0),
            exit_fen=books.withdrawals.get("exit", 0),
            applications=len(d.applications),
            loans_granted=granted,
            active_share=float(self.income.active[alive].mean()) if alive.any() else 0.0,
            mean_income=float(self.income.income[alive].mean()) if alive.any() else 0.0,
            refused=dict(books.refused),
            active_depositors=states["active_depositors"],
            dormant_accounts=states["dormant_accounts"],
            subsidy_fen=books.subsidy_credited + books.bonus_credited,
            loans_fen=lent,
            purchases=len(d.applications),
            withdrawals_fen={str(k): v for k, v in books.withdrawals.items()},
        )

    def _stand_in_loan_desk(self, month: int, apps) -> tuple[int, int]:
        """Purchases as in the engine; every application that passes L1 is granted now."""
        if not len(apps):
            return 0, 0
        fund = buy_homes(self.ledger, self.pop, self.state, self.income, self.policy,
                         self.config, month, apps)  # fmt: skip
        ok = self.ledger.disburse_loan(fund.who) == Refusal.OK
        return int(ok.sum()), int(fund.amount[ok].sum())


def join(ledger: Ledger, pop, st: BehaviourState, policy: Policy, m: int, who: np.ndarray) -> int:
    """People asking to join: the fund checks E1/E2, opens accounts (E3) and takes in
    veterans' service months (E5); a refused person stops asking. Returns how many joined."""
    codes = may_join(
        policy,
        age=(m - pop.birth_month[who]) // 12,
        retirement_age=(pop.retirement_month[who] - pop.birth_month[who]) // 12,
        good_credit=pop.good_credit[who],
        in_employee_pension=np.zeros(len(who), bool),
        hmt_or_foreign=pop.hmt_or_foreign[who],
    )
    st.join_refused[who[codes != 0]] = True
    ok = who[codes == 0]
    first = ~ledger.acc.ever_opened[ok]
    ledger.open(ok, children=pop.children[ok], education=pop.education[ok])
    veterans = ok[first & (pop.veteran_months[ok] > 0)]
    ledger.transfer_in(veterans, 0, service_months=pop.veteran_months[veterans])
    st.join_month[ok] = m
    return len(ok)


def update_tax_brackets(st: BehaviourState, income: IncomeState, policy: Policy) -> None:
    """Each January: the income-tax bracket of the last year's average income (D3)."""
    st.tax_bracket[:] = tax_bracket(policy, 12.0 * income.income_avg)
