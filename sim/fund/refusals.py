"""Why the fund refused a request.

The ledger never clips: a deposit above the cap or a withdrawal above the
balance is refused whole, and the refusal is returned as one of these codes,
aligned with the request, so that callers can count refusals by reason.
``OK`` (0) means the request was carried out.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Refusal(IntEnum):
    """Reason codes, one per way a request can fail a rule (rule ID in comment)."""

    OK = 0
    NOT_OPEN = 1  # no open account (E3)
    ALREADY_OPEN = 2  # one account per person (E3)
    NOT_POSITIVE = 3  # an amount of zero or less
    BELOW_FLOOR = 4  # D1, D2
    ABOVE_CAP = 5  # D1
    MONTHS_NOT_ALLOWED = 6  # D1, D2: a deposit may cover only the allowed months
    INSUFFICIENT_BALANCE = 7  # W1
    OVER_RENT_LIMIT = 8  # W1
    OVER_LIMIT = 9  # W1 purchase / repayment limit given by the caller
    LOAN_OUTSTANDING = 10  # W3; one fund loan at a time
    NO_LOAN = 11  # W1 repayment withdrawal with no loan
    TOO_YOUNG = 12  # E1
    RETIRED = 13  # E1
    BAD_CREDIT = 14  # E2
    IN_EMPLOYEE_PENSION = 15  # E1
    RESIDENCY = 16  # E2
    TOO_FEW_DEPOSIT_MONTHS = 17  # L1
    TERM_TOO_LONG = 18  # loan term over the maximum (FACTS.md)
    AGE_AT_MATURITY = 19  # borrower past retirement + 5 at maturity (FACTS.md)
    UNSTEADY_INCOME = 20  # too few months with income in the last 12 (F4: B 21 pre-loan check)

    @property
    def code(self) -> str:
        """The lower-case name used in statements and tables."""
        return self.name.lower()


def codes(n: int) -> np.ndarray:
    """An all-``OK`` array of refusal codes for ``n`` requests."""
    return np.zeros(n, dtype=np.int8)


def accepted(codes: np.ndarray) -> np.ndarray:
    """True where a request was carried out (``OK``). Compares with the plain 0: numpy
    compares an array with an ``IntEnum`` member several times slower than with an int."""
    return codes == 0


def first_refusal(*checks: tuple[np.ndarray, Refusal]) -> np.ndarray:
    """Combine (failed-mask, reason) checks: each request gets its first failure."""
    out = codes(len(checks[0][0]))
    for failed, reason in reversed(checks):
        out[failed] = int(reason)  # a plain int: numpy takes an IntEnum member 3× slower
    return out
