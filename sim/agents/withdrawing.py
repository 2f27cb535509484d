"""Withdrawing: rent withdrawals (W1), exit (W3) and leaving the workforce (W4).

**Rent.** Renters who use the right (a share ``rent_user_share``, drawn at
synthesis) withdraw three months' rent each quarter (March, June, September,
December), up to their balance. The fund's limit is the fund's business: a
request over it is refused (W1) and counted.

**Exit.** A member without an outstanding fund loan (W3 forbids it) leaves
with a monthly hazard::

    h = h_ref * exp(exit_income_loss * (idle, or income below half its average)
                    - exit_rate_semi_elasticity * 100 * (holding rate - reference_rate)
                    - exit_aged_elasticity * log(1 + aged balance / 1,000 yuan))

An income loss creates a need for cash; a higher subsidy rate and a larger
aged balance are what an exit forfeits (S4), so both hold people in.

**Leaving.** Reaching statutory retirement age (``sim.agents.retirement``)
or, with ``leave_annual_rate``, death, emigration or loss of work capacity:
a full withdrawal (W4).
"""

from __future__ import annotations

import math

import numba
import numpy as np

RENT_MONTHS = (3, 6, 9, 12)


@numba.njit(inline="always")
def exit_probability(
    log_ref_hazard: float,
    income_loss: bool,
    loss_effect: float,
    rate_term: float,
    aged_elasticity: float,
    aged_yuan: float,
) -> float:
    """Monthly probability that a member without a loan exits (see module docstring)."""
    x = (
        log_ref_hazard
        - rate_term
        - aged_elasticity * math.log(np.float32(1.0 + aged_yuan / 1000.0))
    )
    if income_loss:
        x += loss_effect
    return min(math.exp(np.float32(x)), 1.0)


@numba.njit(inline="always")
def rent_request_fen(rent_yuan: float, balance_fen: int) -> int:
    """Three months' rent in whole yuan, no more than the balance (0: no request)."""
    want = math.floor(3.0 * rent_yuan) * 100
    fen = min(want, (balance_fen // 100) * 100)
    return fen if fen >= 10000 else 0
