"""Paying back: how much a borrower can repay each month, and the buffer they keep.

A borrower sets aside ``max_repayment_share`` of this month's income for the
loan (FACTS.md: repayments are capped at 50%–60% of income by the 2015
circular). What that share leaves over after the amount due, and
``saving_share`` of the month's income (precautionary saving), are kept as a
repayment buffer of at most ``buffer_instalments`` times the amount due;
in an idle month the buffer pays. Capacity = the income share + the buffer.
A borrower starts the loan with the buffer full (:func:`start_buffers`): who
saved the down payment keeps that much back, and the fund's pre-loan check
(B §3(5)21) looks at it.
The fund takes what capacity does not cover from the account balance where
the member has signed the centre's auto-debit (W1, ``repay_from_balance``),
and only what neither covers falls into arrears (F4).

Income first, then the buffer: the fund's :func:`~sim.fund.loan_book.split_payment`
takes capacity whole, so the borrower knows what came out of each.
"""

from __future__ import annotations

import numpy as np

from sim.agents.config import Repaying
from sim.agents.financing import instalment_fen
from sim.agents.memory import MAX_BUFFER_FEN
from sim.fund.requests import PurchaseAnswers, Quotes


def income_share_fen(cfg: Repaying, income_yuan: np.ndarray) -> np.ndarray:
    """The share of this month's income set aside for the loan, in whole fen (rounded down)."""
    return np.floor(np.asarray(income_yuan, float) * cfg.max_repayment_share * 100).astype(np.int64)


def repayment_capacity_fen(
    cfg: Repaying, income_yuan: np.ndarray, buffer_fen: np.ndarray | None = None
) -> np.ndarray:
    """Monthly repayment capacity in fen: the income share, plus the buffer if given."""
    share = income_share_fen(cfg, income_yuan)
    return share if buffer_fen is None else share + np.asarray(buffer_fen, np.int64)


def next_buffer_fen(
    cfg: Repaying, income_yuan: np.ndarray, buffer_fen: np.ndarray, owed_fen: np.ndarray
) -> np.ndarray:
    """The buffer after this month's payment of ``owed_fen``: income pays first, the buffer
    next; what the income share leaves over and ``saving_share`` of income are added, up to
    ``buffer_instalments`` × owed."""
    share = income_share_fen(cfg, income_yuan)
    buffer = np.asarray(buffer_fen, np.int64)
    owed = np.asarray(owed_fen, np.int64)
    from_income = np.minimum(share, owed)
    from_buffer = np.minimum(buffer, owed - from_income)
    saved = np.floor(np.asarray(income_yuan, float) * cfg.saving_share * 100).astype(np.int64)
    kept = buffer - from_buffer + (share - from_income) + saved
    cap = np.floor(cfg.buffer_instalments * owed).astype(np.int64)
    return checked_buffers(np.minimum(kept, np.maximum(cap, buffer - from_buffer)))


def start_buffers(state, cfg: Repaying, answers: PurchaseAnswers, quotes: Quotes) -> None:
    """Borrowers of a fund loan this month start with ``buffer_instalments`` instalments in
    reserve (or what they already had, if more)."""
    lent = answers.loan_fen > 0
    if not lent.any():
        return
    who = answers.buyers[lent]
    due = instalment_fen(answers.loan_fen[lent], quotes.rate[lent], quotes.term_months[lent])
    full = np.floor(cfg.buffer_instalments * due).astype(np.int64)
    state.repay_buffer_fen[who] = checked_buffers(np.maximum(state.repay_buffer_fen[who], full))


def checked_buffers(fen: np.ndarray) -> np.ndarray:
    """``fen`` if every buffer fits ``BehaviourState.repay_buffer_fen`` (int32 fen:
    :data:`~sim.agents.memory.MAX_BUFFER_FEN`); a larger one is refused, not wrapped."""
    if len(fen) and fen.max() > MAX_BUFFER_FEN:
        raise ValueError(
            f"BehaviourState.repay_buffer_fen: a repayment buffer of {fen.max() / 100:,.2f} "
            f"yuan, above the {MAX_BUFFER_FEN / 100:,.2f} it holds (int32 fen): "
            "repaying.buffer_instalments amounts due of a loan no policy here allows"
        )
    return fen
