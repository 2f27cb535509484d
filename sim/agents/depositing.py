"""Depositing: whether a member deposits this month, and how much.

**Whether.** A member in an active month deposits with probability::

    p = sigmoid(logit(base_probability)
                + income_elasticity * (log income - log cohort mean income)
                + habit * (deposited last time)
                + log(contribution pull))

so a good month, a habit and a higher subsidy each make a deposit likelier
(the contribution pull of the rate response, ``sim.agents.response``).
Only active depositors decide; dormant members (``sim.agents.dormancy``)
do not deposit.
In an idle month the base is ``idle_probability`` (paying from savings), with
the same rate term. Quarterly payers (where the policy allows a deposit to
cover three months, D2) decide every third month from joining, for three
months at once. Someone opening an account always makes a first deposit.

**How much.** The person's own share of income (drawn at synthesis around
``share_mean``), of this month's income (or their average income when idle or
paying quarterly), scaled by the contribution pull, and by
``saving_up_factor`` in the months before a planned purchase
(``sim.agents.financing``), rounded to the yuan. That is one person in
``share_of_income`` style; a ``minimum_share`` of people deposit the minimum
(``minimum_yuan``, or the fund's floor if higher) whatever they earn (FACTS.md:
voluntary savers cluster at the minimum — NPS-Swavalamban, Mbao), and a
``lump_share`` pay ``lump_months`` months' amount at once, about once in that
many months, at irregular times. People know the bounds the fund publishes:
they deposit no more than the cap, and top a small amount up to the floor when
the floor is under half their monthly income. Otherwise they ask anyway — and
the ledger refuses (D1, D2), which is counted.
"""

from __future__ import annotations

import math

import numba
import numpy as np

_SIGMOID_CELLS = 256  # a unit of log-odds
_SIGMOID_REACH = 16.0  # the table covers log-odds -16 ... 16 (beyond, 1e-7 from 0 or 1)
_SIGMOID = 1.0 / (1.0 + np.exp(-np.linspace(-16.0, 16.0, int(32 * _SIGMOID_CELLS) + 1)))
"""The logistic function at 1/256 steps of log-odds: interpolated linearly, within 2e-7 of
it (the step squared over 8 times its largest curvature, 0.096)."""


@numba.njit(inline="always")
def sigmoid(s: float) -> float:
    """``1 / (1 + exp(-s))`` from :data:`_SIGMOID`, interpolated: no call into the maths
    library (the kernel takes one a member a month; this is faster by a tenth of the
    choices)."""
    x = (min(max(s, -_SIGMOID_REACH), _SIGMOID_REACH) + _SIGMOID_REACH) * _SIGMOID_CELLS
    j = min(int(x), len(_SIGMOID) - 2)
    return _SIGMOID[j] + (x - j) * (_SIGMOID[j + 1] - _SIGMOID[j])


@numba.njit(inline="always")
def deposit_probability(
    base_logit: float,
    income_elasticity: float,
    log_income_ratio: float,
    habit: float,
    deposited_last: bool,
    rate_term: float,
) -> float:
    """Probability of depositing this month (see the module docstring)."""
    s = base_logit + income_elasticity * log_income_ratio + rate_term
    if deposited_last:
        s += habit
    return sigmoid(s)


@numba.njit(inline="always")
def deposit_amount_fen(
    share: float, base_income: float, months: int, rate_factor: float, floor_fen: int, cap_fen: int
) -> int:
    """The amount asked for, in fen (whole yuan), for a deposit covering ``months``."""
    yuan = math.floor(share * base_income * months * rate_factor + 0.5)
    fen = int(yuan) * 100
    if fen < floor_fen * months and floor_fen <= 0.5 * base_income * 100:
        fen = floor_fen * months
    return min(fen, cap_fen * months)


@numba.njit(inline="always")
def styled_amount_fen(
    style: int,
    share: float,
    base_income: float,
    months: int,
    rate_factor: float,
    floor_fen: int,
    cap_fen: int,
    minimum_fen: int,
    lump_months: float,
) -> int:
    """The amount asked for by a person of deposit ``style`` (0 share of income, 1 the
    minimum, 2 lump sums; ``population``), in fen (whole yuan), within the cap."""
    if style == 1:
        return min(max(minimum_fen, floor_fen) * months, cap_fen * months)
    fen = deposit_amount_fen(share, base_income, months, rate_factor, floor_fen, cap_fen)
    if style == 2:
        fen = min(int(fen * lump_months) // 100 * 100, cap_fen * months)
    return fen
