"""What people remember of housing: commercial mortgages, housing use, account states.

A purchase, its financing choice and the withdrawals toward it run in
``people`` (the choices, ``financing``) and in the fund (the checks: W1,
L1–L4, ``sim.fund.counter``). This module keeps the people's side of it: the
commercial part of a purchase as a mortgage with its instalment and end
(:func:`start_mortgages`), each buyer's term, and the monthly account-state
series (:func:`account_series`).
"""

from __future__ import annotations

import numpy as np

from sim.agents.behaviour import BehaviourState
from sim.agents.financing import instalment_fen

WITHDRAWAL_KINDS = {"rent": "rent", "purchase": "purchase", "repayment": "repayment",
                    "exit": "exit", "retirement": "full"}  # fmt: skip
"""Series name suffix → the ledger's withdrawal kind (``full`` is W4: retirement, death, …)."""
ACCOUNT_SERIES = (
    "active_depositors", "dormant_accounts", "ever_members", "housing_users",
    *(f"withdrawals.{k}" for k in WITHDRAWAL_KINDS),
)  # fmt: skip
"""Monthly series of account states and withdrawals by kind (see :func:`account_series`)."""
ACCOUNT_FEN_SERIES = frozenset(f"withdrawals.{k}" for k in WITHDRAWAL_KINDS)


def term_of(buyers: np.ndarray, members: np.ndarray, member_terms: np.ndarray) -> np.ndarray:
    """Every buyer's term: members' as the fund computed it, others' the longest, 30 years."""
    term = np.full(len(buyers), 360, np.int64)
    term[members] = member_terms
    return term


def start_mortgages(state, config, who, commercial_fen, month, term) -> None:
    """The commercial part of each purchase becomes a mortgage at the commercial rate."""
    has = commercial_fen > 0
    rate = config.financing.commercial_rate_at(month)
    state.mortgage_fen[who] = 0
    state.mortgage_fen[who[has]] = instalment_fen(commercial_fen[has], rate, term[has])
    state.mortgage_end[who[has]] = month + term[has]


def account_series(state: BehaviourState, acc, books) -> dict[str, int]:
    """The month's account states and withdrawals by kind (fen), for the monthly record.

    ``housing_users`` counts people who ever made a rent, purchase or
    repayment withdrawal or took a fund loan; ``ever_members`` everyone who
    ever opened an account.
    """
    out = {
        "active_depositors": int((acc.is_open & ~state.dormant).sum()),
        "dormant_accounts": int((acc.is_open & state.dormant).sum()),
        "ever_members": int(acc.ever_opened.sum()),
        "housing_users": int((state.housing_user | acc.loan_disbursed).sum()),
    }
    for name, kind in WITHDRAWAL_KINDS.items():
        out[f"withdrawals.{name}"] = int(books.withdrawals.get(kind, 0))
    return out
