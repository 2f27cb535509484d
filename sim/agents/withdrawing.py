"""Withdrawing: rent and repayment withdrawals (W1), exit (W3), leaving (W4).

**Rent.** Renters who use the right (a share ``rent_user_share``, drawn at
synthesis) withdraw three months' rent each quarter (March, June, September,
December), up to their balance. The fund's limit is the fund's business: a
request over it is refused (W1) and counted.

**Repayment.** Members repaying a commercial mortgage on their home who use
the right (a share ``financing.repayment_user_share``) withdraw, in the same
quarter months, the quarter's instalments up to their balance (W1: up to the
instalments due). Fund-loan borrowers repay through the loan book instead.

**Exit.** A member without an outstanding fund loan (W3 forbids it), and not
saving up for a planned purchase, leaves with a monthly hazard::

    h = monthly(exit_annual_rate) * cohort exit multiplier / participation pull
        * exp(exit_income_loss * (idle, or income below half its average)
              - exit_aged_elasticity * log(1 + aged balance / 1,000 yuan))

An income loss creates a need for cash; a higher subsidy rate (the rate
response, ``sim.agents.response``) and a larger aged balance are what an exit
forfeits (S4), so both hold people in. Exit is a choice apart from
stopping deposits (``dormancy``): dormant members may exit too.

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
    log_hazard: float,
    income_loss: bool,
    loss_effect: float,
    aged_elasticity: float,
    aged_yuan: float,
) -> float:
    """Monthly probability that a member without a loan exits (see module docstring)."""
    x = log_hazard - aged_elasticity * math.log(np.float32(1.0 + aged_yuan / 1000.0))
    if income_loss:
        x += loss_effect
    return min(math.exp(np.float32(x)), 1.0)


@numba.njit(inline="always")
def rent_request_fen(rent_yuan: float, balance_fen: int) -> int:
    """Three months' rent in whole yuan, no more than the balance (0: no request)."""
    want = math.floor(3.0 * rent_yuan) * 100
    fen = min(want, (balance_fen // 100) * 100)
    return fen if fen >= 10000 else 0


@numba.njit(inline="always")
def repayment_request_fen(instalment_fen: int, balance_fen: int) -> int:
    """Three months' instalments in whole yuan, no more than the balance (0: no request)."""
    want = (3 * instalment_fen // 100) * 100
    fen = min(want, (balance_fen // 100) * 100)
    return fen if fen >= 10000 else 0
