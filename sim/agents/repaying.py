"""Paying back: how much a borrower can repay each month.

A borrower's monthly repayment capacity is ``max_repayment_share`` of their
income this month (FACTS.md: repayments are capped at 50%–60% of income by
the 2015 circular). In an idle month it is zero, which is how income spells
turn into arrears in the fund's loan book.
"""

from __future__ import annotations

import numpy as np

from sim.agents.config import Repaying


def repayment_capacity_fen(cfg: Repaying, income_yuan: np.ndarray) -> np.ndarray:
    """Monthly repayment capacity in fen (whole fen, rounded down)."""
    return np.floor(np.asarray(income_yuan, float) * cfg.max_repayment_share * 100).astype(np.int64)
