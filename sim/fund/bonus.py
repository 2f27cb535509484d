"""The opening bonus (S6, S7, interpretation S6-i, counted under S2).

Under ``lyg-draft`` a person opening an account for the first time gets a
one-off bonus: 200 yuan, 300 for a family with two or more children (S6),
400 for a bachelor's degree or higher (S7). When several apply, ``max``
(default, S6-i) pays the highest; ``sum`` pays the base plus each increase
(200 + 100 + 200 = 500 for a graduate with two children). The bonus is paid
with the first deposit into the new account, and under ``lyg-draft`` it counts
against the 10,000-yuan lifetime cap (S2). ``lyg-2023`` has no bonus (all 0).

:func:`open_accounts` opens a batch of accounts (E3) with their bonus due in one pass:
the ledger's hot path, equal to :func:`opening_bonus_fen` and the ledger's steps
(``tests/test_withdraw_pass.py``).
"""

from __future__ import annotations

import numba
import numpy as np

from sim.fund.accounts import Accounts
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


def open_accounts(
    acc: Accounts,
    policy: Policy,
    month: int,
    who: np.ndarray,
    children: np.ndarray,
    education: np.ndarray,
) -> np.ndarray:
    """Open ``who``'s accounts (E3; one account a person: ``ALREADY_OPEN`` otherwise), a
    first opening with its bonus due (S6, S7, S6-i; not after an exit that forfeited, S4),
    the holding condition counted from opening (X2), and a ring row for a first opening
    (S1-i); the refusal codes. ``who`` names each person once; ``children`` and
    ``education`` are aligned with it."""
    codes = np.empty(len(who), np.int8)
    _open(
        codes,
        who,
        children,
        education,
        policy.fen_at("subsidy.opening_bonus", month),
        policy.fen_at("subsidy.opening_bonus_two_children", month),
        policy.fen_at("subsidy.opening_bonus_talent", month),
        education_code(policy["subsidy.talent_min_education"]),
        policy["subsidy.bonus_stacking"] == "max",
        month,
        acc.is_open,
        acc.ever_opened,
        acc.forfeited,
        acc.bonus_due,
        acc.opened_month,
        acc.clean_since,
    )
    acc.give_rings(who[codes == 0])
    return codes


@numba.njit(cache=True)
def _open(codes, who, children, education, base, family, talent, talent_min, stack_max, month,
          is_open, ever_opened, forfeited, bonus_due, opened_month, clean_since):  # fmt: skip
    """:func:`open_accounts` person by person (the bonus as :func:`opening_bonus_fen`)."""
    for j in range(len(who)):
        i = who[j]
        if is_open[i]:
            codes[j] = 2  # ALREADY_OPEN
            continue
        codes[j] = 0
        is_family, is_talent = children[j] >= 2, education[j] >= talent_min
        if stack_max:
            bonus = max(base, family) if is_family else base
            if is_talent:
                bonus = max(bonus, talent)
        else:
            bonus = base + (max(family - base, 0) if is_family else 0)
            bonus += max(talent - base, 0) if is_talent else 0
        bonus_due[i] = bonus if not ever_opened[i] and not forfeited[i] else 0
        is_open[i] = True
        ever_opened[i] = True
        opened_month[i] = month
        clean_since[i] = month
