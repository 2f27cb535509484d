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
    """Refusal codes for deposits of ``amount`` fen covering ``months`` months (D1, D2).

    ``months`` is a whole number or an array aligned with ``who``.
    """
    allowed = np.zeros(13, dtype=bool)
    allowed[list(policy["deposit.allowed_months"])] = True
    if np.ndim(months) == 0:
        bad_months = np.full(len(who), not allowed[months] if 0 <= months <= 12 else True)
    else:
        bad_months = ~allowed[np.clip(months, 0, 12)] | (months < 0) | (months > 12)
    return first_refusal(
        (~acc.is_open[who], Refusal.NOT_OPEN),
        (bad_months, Refusal.MONTHS_NOT_ALLOWED),
        (amount < policy.floor_fen(month) * months, Refusal.BELOW_FLOOR),
        (amount > policy.cap_fen(month) * months, Refusal.ABOVE_CAP),
    )


def apply_deposits(acc: Accounts, who: np.ndarray, amount: np.ndarray, months) -> None:
    """Credit accepted deposits and count the months they cover (L1)."""
    acc.balance[who] += amount
    acc.deposited_total[who] += amount
    acc.deposit_months[who] += np.asarray(months, dtype=np.int32)
