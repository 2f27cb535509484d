"""The opening bonus (S6, S7, interpretation S6-i, counted under S2).

Under ``lyg-draft`` a person opening an account for the first time gets a
one-off bonus: 200 yuan, 300 for a family with two or more children (S6),
400 for a bachelor's degree or higher (S7). When several apply, ``max``
(default, S6-i) pays the highest; ``sum`` pays the base plus each increase
(200 + 100 + 200 = 500 for a graduate with two children). The bonus is paid
with the first deposit into the new account, and under ``lyg-draft`` it counts
against the 10,000-yuan lifetime cap (S2). ``lyg-2023`` has no bonus (all 0).
"""

from __future__ import annotations

import numpy as np

from sim.fund.params import EDUCATION_LEVELS
from sim.fund.policy import Policy


def education_code(level: str) -> int:
    """Index of an education level in :data:`EDUCATION_LEVELS`."""
    return EDUCATION_LEVELS.index(level)


def opening_bonus_fen(
    policy: Policy, month: int, children: np.ndarray, education: np.ndarray
) -> np.ndarray:
    """Bonus in fen for people opening a first account in ``month`` (S6, S7, S6-i).

    ``education`` holds indices into :data:`EDUCATION_LEVELS`.
    """
    base = policy.fen_at("subsidy.opening_bonus", month)
    family = policy.fen_at("subsidy.opening_bonus_two_children", month)
    talent = policy.fen_at("subsidy.opening_bonus_talent", month)
    is_family = np.asarray(children) >= 2
    is_talent = np.asarray(education) >= education_code(policy["subsidy.talent_min_education"])
    if policy["subsidy.bonus_stacking"] == "max":
        out = np.where(is_family, max(base, family), base).astype(np.int64, copy=False)
        return np.where(is_talent, np.maximum(out, talent), out)
    return base + is_family * max(family - base, 0) + is_talent * max(talent - base, 0)
