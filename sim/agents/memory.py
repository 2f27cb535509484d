"""What people remember between months: one record, declared once.

:class:`BehaviourState` is the people's own state (the fund's accounts are the fund's): alive,
the deposit habit, when they joined, their tax bracket, a refusal, dormancy, a planned
purchase, a commercial mortgage, housing use, a repayment buffer and the last year's income
months. The behaviour kernel reads the first fields of it by name through
:data:`sim.agents.kernel_params.Memory`, which is built from :data:`KERNEL_READS` here, so a
field is described in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents import purposes
from sim.agents.config import MORTGAGE, AgentConfig
from sim.agents.population import Population
from sim.core.months import MONTH_TYPE
from sim.core.random import Draws

KERNEL_READS = ("alive", "deposited_last", "join_month", "tax_bracket", "join_refused", "dormant",
                "plan_month", "mortgage_fen", "mortgage_end", "repayment_user")  # fmt: skip
"""The fields of :class:`BehaviourState` the behaviour kernel reads (and updates, for the
habit, dormancy and the planned purchase), in the kernel's order."""


MAX_BUFFER_FEN = 2**31 - 1
"""The largest repayment buffer ``repay_buffer_fen`` holds (int32 fen, 21,474,836.47 yuan).
A buffer is at most ``repaying.buffer_instalments`` amounts due (``repaying``): in
Lianyungang six, each at most seven instalments (the month's and six in arrears: F4's
default) of a 500,000-yuan loan (L2's ceiling) over a year (the shortest term), about
42,400 yuan each — 1.8 million yuan; a larger one is refused
(:func:`sim.agents.repaying.checked_buffers`)."""


@dataclass
class BehaviourState:
    """What people remember between months."""

    alive: np.ndarray  # bool: not yet retired, dead or emigrated
    deposited_last: np.ndarray  # bool: deposited in their last deposit cycle (habit)
    join_month: np.ndarray  # int16: month the current account was opened (-1: none)
    tax_bracket: np.ndarray  # int8: 0 untaxed, k = k-th bracket of D3's table; each January
    join_refused: np.ndarray  # bool: the fund refused them; they stop asking
    dormant: np.ndarray = None  # bool: a member who has stopped depositing (dormancy)
    plan_month: np.ndarray = None  # int16: month of a planned purchase (-1: none)
    mortgage_fen: np.ndarray = None  # int32: monthly instalment of a commercial mortgage
    mortgage_end: np.ndarray = None  # int16: month the commercial mortgage ends
    repayment_user: np.ndarray = None  # bool: withdraws for a commercial mortgage (W1)
    housing_user: np.ndarray = None  # bool: ever a rent, purchase or repayment withdrawal
    repay_buffer_fen: np.ndarray = None  # int32 fen: a borrower's buffer (``repaying``)
    income_record: np.ndarray = None  # uint16: bit k set = income k months ago (last 12)

    def __post_init__(self):
        n = len(self.alive)
        starts = {
            "dormant": (False, bool),
            "plan_month": (-1, MONTH_TYPE),
            "mortgage_fen": (0, np.int32),
            "mortgage_end": (0, MONTH_TYPE),
            "repayment_user": (False, bool),
            "housing_user": (False, bool),
            "repay_buffer_fen": (0, np.int32),
            "income_record": (0xFFF, np.uint16),
        }
        for name, (value, dtype) in starts.items():
            if getattr(self, name) is None:
                setattr(self, name, np.full(n, value, dtype))

    @classmethod
    def start(
        cls,
        n: int,
        *,
        config: AgentConfig | None = None,
        pop: Population | None = None,
        income=None,
        rng: Draws | None = None,
        month: int = 0,
    ) -> BehaviourState:
        """Everyone alive, nobody a member yet.

        Given the population, people who own with a mortgage at the start
        carry a commercial mortgage of ``financing.mortgage_share_of_income``
        of their average income, with 1-240 months left; a share
        ``financing.repayment_user_share`` of everyone would withdraw for it.
        """
        st = cls(
            np.ones(n, bool),
            np.zeros(n, bool),
            np.full(n, -1, MONTH_TYPE),
            np.zeros(n, np.int8),
            np.zeros(n, bool),
        )
        if config is not None:
            f = config.financing
            st.repayment_user[:] = rng.uniform(purposes.REPAYMENT_USER, 0) < f.repayment_user_share
            owe = pop.tenure == MORTGAGE
            yuan = f.mortgage_share_of_income * income.income_avg[owe]
            st.mortgage_fen[owe] = np.floor(yuan).astype(np.int64) * 100
            left = 1 + np.floor(240 * rng.uniform(purposes.MORTGAGE_LEFT, 0)[owe]).astype(np.int32)
            st.mortgage_end[owe] = month + left
        return st
