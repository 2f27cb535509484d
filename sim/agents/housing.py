"""What people remember of a purchase: the commercial mortgage.

A purchase, its financing choice and the withdrawals toward it run in
``people`` (the choices, ``financing``) and in the fund (the checks: W1,
L1–L4, ``sim.fund.counter``). This module keeps the people's side of it: the
commercial part of a purchase as a mortgage with its instalment and end
(:func:`start_mortgages`), over each buyer's term (:func:`term_of`).
"""

from __future__ import annotations

import numpy as np

from sim.agents.financing import instalment_fen


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
