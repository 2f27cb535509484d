"""The agents alone, answered by the fund's counter and a stand-in loan desk.

For calibrating and measuring behaviour before (and apart from) the full
engine: each month people's incomes move and they visit the fund exactly as
in the engine (:func:`sim.agents.people.visit`) — the real
:class:`~sim.fund.counter.Counter` checks and carries out what they ask, so
refusals are real, and purchases, their financing and housing withdrawals
run the same code. The one stand-in is the loan desk: every fund-loan
application the counter accepts is granted at once (which stops the subsidy,
S3, and blocks exit, W3), and loans are not repaid within the run. The engine
replaces the stand-in with the fund's loan book and liquidity
(:class:`~sim.fund.fund.Fund`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.agents.config import AgentConfig
from sim.agents.income import CommonShock
from sim.agents.people import People, visit
from sim.fund.counter import Counter
from sim.fund.policy import Policy


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
        self.config = config
        self.people = People(config, n, seed=seed, path=path, start=start_month, policy=policy)
        self.fund = Counter(n, policy, start_month)
        self.ledger = self.fund.ledger
        self.pop, self.income, self.state = self.people.pop, self.people.income, self.people.state

    @property
    def month(self) -> int:
        """The month the next :meth:`step` simulates."""
        return self.ledger.month

    def run(self, months: int, shocks: dict[int, CommonShock] | None = None) -> list[MonthStats]:
        """Simulate ``months`` months; ``shocks`` maps a month to its common shock."""
        shocks = shocks or {}
        return [self.step(shocks.get(self.month)) for _ in range(months)]

    def step(self, shock: CommonShock | None = None) -> MonthStats:
        """One month: income, the visit to the fund, the stand-in desk, month end."""
        m, fund, people = self.month, self.fund, self.people
        acc = fund.ledger.acc
        fund.open_month()
        view = fund.view(m)
        people.new_month(m, view, shock)
        seen = visit(people, fund, m, view)
        d, answers, bought = seen.decisions, seen.answers, seen.purchases
        lent = bought.loan_fen[bought.loan_fen > 0]
        granted = np.isin(bought.buyers[bought.loan_fen > 0], fund.lend_at_once(bought))
        states = people.account_states(view)
        books = fund.close_month()
        alive = self.state.alive
        return MonthStats(
            month=m,
            members=int(acc.is_open.sum()),
            new_members=len(answers.joined),
            exits=answers.exits,
            leavers=len(d.leave),
            deposit_requests=answers.deposit_asks,
            deposits=len(answers.deposited),
            deposits_fen=books.deposits,
            rent_fen=books.withdrawals.get("rent", 0),
            exit_fen=books.withdrawals.get("exit", 0),
            applications=len(d.applications),
            loans_granted=int(granted.sum()),
            active_share=float(self.income.active[alive].mean()) if alive.any() else 0.0,
            mean_income=float(self.income.income[alive].mean()) if alive.any() else 0.0,
            refused=dict(books.refused),
            active_depositors=states["active_depositors"],
            dormant_accounts=states["dormant_accounts"],
            subsidy_fen=books.subsidy_credited + books.bonus_credited,
            loans_fen=int(lent[granted].sum()),
            purchases=len(d.applications),
            withdrawals_fen={str(k): v for k, v in books.withdrawals.items()},
        )
