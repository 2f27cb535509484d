"""Money in whole fen.

Every balance and flow in the simulator is an ``int64`` count of fen
(1 yuan = 100 fen), so sums are exact and the books can be reconciled to the
fen. Interest and subsidies are computed in floating point (in fen) and turned
into whole fen once, when they are credited, by :func:`round_fen`.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numba
import numpy as np

FEN_PER_YUAN = 100
FEN = np.int64


def yuan_to_fen(amount: float | int | str) -> int:
    """Convert a yuan amount to whole fen, refusing amounts finer than a fen.

    ``yuan_to_fen(1000.5) == 100050``. Goes through the decimal text of the
    number, so ``0.1 + 0.2`` style float noise does not create or lose a fen;
    ``12.345`` is refused rather than rounded. Each amount is converted once
    (the rules ask for the same policy amounts every month; a refusal is not kept).
    """
    try:
        return _yuan_to_fen(amount)
    except TypeError:  # unhashable: not kept
        return _yuan_to_fen.__wrapped__(amount)


@functools.lru_cache(maxsize=4096, typed=True)
def _yuan_to_fen(amount: float | int | str) -> int:
    if isinstance(amount, bool):
        raise ValueError(f"expected an amount in yuan, got {amount!r}")
    try:
        d = Decimal(str(amount))
    except InvalidOperation:
        raise ValueError(f"expected an amount in yuan, got {amount!r}") from None
    if not d.is_finite():
        raise ValueError(f"expected a finite amount in yuan, got {amount!r}")
    fen = d * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"amount {amount!r} yuan is not a whole number of fen")
    return int(fen)


def round_yuan_to_fen(amount: float) -> int:
    """Round a yuan amount to the nearest fen, halves away from zero.

    For amounts the rules *derive* (minimum wage × ratio), not for amounts a
    person states.
    """
    return int(Decimal(str(amount)).scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> str:
    """Format fen as yuan with two decimals: ``fen_to_yuan(100050) == "1000.50"``."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(int(fen)), FEN_PER_YUAN)
    return f"{sign}{whole}.{part:02d}"


def round_fen(amount_fen: np.ndarray) -> np.ndarray:
    """Round non-negative float fen to whole fen, halves up, as ``int64``.

    Used once per credit (interest, subsidy). Halves go up, as a bank
    statement would show them.
    """
    return np.floor(np.asarray(amount_fen, dtype=np.float64) + 0.5).astype(FEN)


@numba.njit(inline="always")
def fen_of(amount_fen: float) -> np.int64:
    """:func:`round_fen` for one number, inside a numba kernel: whole fen, halves up."""
    return np.int64(np.floor(amount_fen + 0.5))
