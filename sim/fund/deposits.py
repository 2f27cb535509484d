"""Deposits: the floor, the cap and how many months one deposit covers (D1, D2).

A depositor chooses when and how much to deposit; the fund only checks the
bounds of the fund year the deposit falls in. A deposit covering ``k`` months
(1, or 3 for a quarterly payer under ``lyg-draft``, D2) must lie within
``k × floor`` and ``k × cap``. The floor is 100 yuan under ``lyg-2023`` (D1)
and minimum wage × minimum ratio under ``lyg-draft`` (D2). A deposit out of
bounds is refused whole with its reason, never clipped to the bound.
"""

from __future__ import annotations

import numpy as np

from sim.fund.accounts import Accounts
from sim.fund.policy import Policy
from sim.fund.refusals import Refusal, first_refusal


def check_deposits(
    acc: Accounts,
    policy: Policy,
    month: int,
    who: np.ndarray,
    amount: np.ndarray,
    months: np.ndarray,
) -> np.ndarray:
    """Refusal codes for deposits of ``amount`` fen covering ``months`` months (D1, D2)."""
    allowed = np.isin(months, policy["deposit.allowed_months"])
    return first_refusal(
        (~acc.is_open[who], Refusal.NOT_OPEN),
        (~allowed, Refusal.MONTHS_NOT_ALLOWED),
        (amount < policy.floor_fen(month) * months, Refusal.BELOW_FLOOR),
        (amount > policy.cap_fen(month) * months, Refusal.ABOVE_CAP),
    )


def apply_deposits(acc: Accounts, who: np.ndarray, amount: np.ndarray, months: np.ndarray):
    """Credit accepted deposits and count the months they cover (L1)."""
    acc.balance[who] += amount
    acc.deposit_months[who] += months.astype(np.int32)
