"""The boundary between people and the fund: what people see, ask and are told.

People (``sim.agents``) never write the fund's state and the fund never
touches theirs; what people read of the fund is the view. Each month:

1. the fund shows a read-only :class:`FundView` — its published terms and each
   person's own account (arrays that cannot be written);
2. people send :class:`Requests` — leaving, joining (with the answers an
   application form asks for, E1–E5), deposits (D1–D3), rent and mortgage
   withdrawals (W1), exits (W3) and what each borrower can repay from income —
   and get :class:`Answers` back: who was accepted, and a refusal code
   (:class:`~sim.fund.refusals.Refusal`) for every ask;
3. buyers ask for a quote (:class:`Buyers` → :class:`Quotes`: eligibility,
   L1; the loan limit, L2–L4; rate and term), choose how to finance the
   purchase, and send :class:`Purchases` — the withdrawal toward the down
   payment (W1) and the fund loan they apply for — answered by
   :class:`PurchaseAnswers`. The fund checks a purchase against the quote it
   issued, not against figures the buyer brings.

Everything is a batch: person indices with aligned amounts in fen; a batch
whose arrays differ in length is refused with a one-line error naming them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from sim.fund.policy import Policy

_NONE = np.zeros(0, np.int64)


def aligned(batch, *names: str) -> None:
    """Raise unless the named arrays of ``batch`` have one length (one row per ask)."""
    first = len(getattr(batch, names[0]))
    if all(len(getattr(batch, name)) == first for name in names[1:]):
        return
    lengths = {name: len(getattr(batch, name)) for name in names}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{k}={v}" for k, v in lengths.items())
        raise ValueError(f"{type(batch).__name__}: arrays of different lengths ({shown})")


def read_only(a: np.ndarray) -> np.ndarray:
    """A view of ``a`` that cannot be written (it still shows the fund's later changes)."""
    v = a.view()
    v.flags.writeable = False
    return v


def per_ask(value, shape: tuple[int, ...]) -> np.ndarray:
    """``value`` with one entry per ask, read-only: an array of ``shape`` as it is, a scalar
    repeated (``np.broadcast_to``, which also refuses any other shape). A batch usually
    brings the arrays already aligned, and a view costs a fraction of a broadcast."""
    arr = np.asarray(value)
    if arr.shape == shape:
        return read_only(arr)
    if not arr.ndim:  # a scalar: np.full is a third of np.broadcast_to's cost
        out = np.full(shape, arr, arr.dtype)
        out.flags.writeable = False
        return out
    return np.broadcast_to(arr, shape)


@dataclass(frozen=True)
class FundView:
    """What people can see of the fund this month: published terms and their own account."""

    deposit_rate: float
    holding_rate: float
    floor_fen: int
    cap_fen: int
    quarterly_allowed: bool
    tax_rates: tuple[float, ...]  # marginal rate of each income-tax bracket (D3)
    is_open: np.ndarray
    forfeited: np.ndarray
    loan_outstanding: np.ndarray
    balance: np.ndarray  # int64 fen
    aged: np.ndarray  # int32 fen (the ring's type: every balance under ring.MAX_FEN)
    policy: Policy | None = None  # the published rules (tax law, loan-to-value, …); needed
    # by ``People.new_month`` each January
    due_who: np.ndarray = field(default_factory=lambda: _NONE)  # instalment due this month
    due_fen: np.ndarray = field(default_factory=lambda: _NONE)  # and what each owes (fen)
    ever_opened: np.ndarray = field(default_factory=lambda: _NONE)  # ever had an account
    loan_disbursed: np.ndarray = field(default_factory=lambda: _NONE)  # ever had a fund loan


_MONTHLY = frozenset({"aged", "due_who", "due_fen"})


def own_accounts(
    acc,
    aged: np.ndarray,
    due_who: np.ndarray = _NONE,
    due_fen: np.ndarray = _NONE,
    *,
    views: dict | None = None,
) -> dict[str, np.ndarray]:
    """The per-person part of a :class:`FundView`: each person's own account, read-only.

    One builder for the view a path's people see (:meth:`sim.fund.counter.Counter.view`) and
    the one a batch's kernel sees over every path's rows (:mod:`sim.engine.batch`). ``acc`` is
    an :class:`~sim.fund.accounts.Accounts` (or a batch's accounts laid end to end). ``views``
    keeps the accounts' read-only views from month to month: an array that has not been
    replaced keeps its view (a view shows the array's later changes; the dict holds the
    arrays, so no address is reused). The month's own arrays (aged part, dues) are new."""
    arrays = {
        "is_open": acc.is_open,
        "forfeited": acc.forfeited,
        "loan_outstanding": acc.loan_outstanding,
        "balance": acc.balance,
        "aged": aged,
        "due_who": due_who,
        "due_fen": due_fen,
        "ever_opened": acc.ever_opened,
        "loan_disbursed": acc.loan_disbursed,
    }
    if views is None:
        return {name: read_only(a) for name, a in arrays.items()}
    out = {}
    for name, a in arrays.items():
        if name in _MONTHLY:
            out[name] = read_only(a)
            continue
        kept = views.get(name)
        if kept is None or kept[0] is not a:
            kept = views[name] = (a, read_only(a))
        out[name] = kept[1]
    return out


@dataclass(frozen=True)
class Joins:
    """Applications to open an account, with what the form asks (E1, E2, E5; S6–S7)."""

    who: np.ndarray
    age: np.ndarray  # whole years
    retirement_age: np.ndarray  # whole years
    good_credit: np.ndarray
    in_employee_pension: np.ndarray
    hmt_or_foreign: np.ndarray
    children: np.ndarray
    education: np.ndarray  # index into ``params.EDUCATION_LEVELS``
    veteran_months: np.ndarray  # service months a veteran brings (E5)

    def __post_init__(self):
        aligned(
            self,
            "who",
            "age",
            "retirement_age",
            "good_credit",
            "in_employee_pension",
            "hmt_or_foreign",
            "children",
            "education",
            "veteran_months",
        )


@dataclass(frozen=True)
class Requests:
    """The month's asks of every person, in the order the fund answers them."""

    leave: np.ndarray  # leaving for good (retired, died, emigrated): full withdrawal (W4)
    joins: Joins
    deposit_who: np.ndarray
    deposit_fen: np.ndarray
    deposit_months: np.ndarray  # months each deposit covers (D1, D2)
    deposit_bracket: np.ndarray  # the depositor's income-tax bracket, for D3
    rent_who: np.ndarray
    rent_fen: np.ndarray
    repay_who: np.ndarray  # withdrawals toward a commercial mortgage (W1)
    repay_fen: np.ndarray
    repay_due_fen: np.ndarray  # the instalments it covers (a quarter's): its limit (W1)
    exit: np.ndarray  # voluntary exits (W3)
    repayment_capacity: np.ndarray  # fen each borrower of ``FundView.due_who`` can pay

    def __post_init__(self):
        aligned(self, "deposit_who", "deposit_fen", "deposit_months", "deposit_bracket")
        aligned(self, "rent_who", "rent_fen")
        aligned(self, "repay_who", "repay_fen", "repay_due_fen")


@dataclass(frozen=True)
class Answers:
    """What the fund did with :class:`Requests`; each ``*_codes`` array is aligned with its
    ask (0 = done, else the :class:`~sim.fund.refusals.Refusal`)."""

    joined: np.ndarray
    join_refused: np.ndarray
    join_codes: np.ndarray
    deposit_codes: np.ndarray  # NOT_OPEN for an ask from someone with no account
    rent_codes: np.ndarray
    mortgage_codes: np.ndarray
    exit_codes: np.ndarray
    deposit_asks: int  # deposits asked by people with an open account
    deposited: np.ndarray  # depositors whose deposit was accepted
    deposited_fen: np.ndarray  # and the amounts
    tax_saved: float  # fen of income tax the accepted deposits save (D3)
    rent_paid: np.ndarray  # people whose rent withdrawal was paid
    mortgage_paid: np.ndarray  # people whose commercial-mortgage withdrawal was paid
    mortgage_paid_fen: int  # and the total, which leaves the fund
    exits: int


@dataclass(frozen=True)
class Buyers:
    """Members buying a home this month, asking what the fund would lend (L1–L4)."""

    who: np.ndarray
    price_fen: np.ndarray
    first_home: np.ndarray
    green_or_upgrade: np.ndarray  # L3
    talent: np.ndarray  # L4
    age_months: np.ndarray
    retirement_age_months: np.ndarray
    good_credit: np.ndarray
    income_fen: np.ndarray  # monthly income the fund assesses (L2)
    income_months: np.ndarray | None = None  # months with income of the last 12 (B 21)


@dataclass(frozen=True)
class Quotes:
    """The fund's offer to each buyer of :class:`Buyers`, aligned with it."""

    buyers: Buyers
    refusal: np.ndarray  # eligibility code, 0 = may apply (L1, term, age)
    limit_fen: np.ndarray  # the most the fund would lend (L2–L4)
    rate: np.ndarray  # annual rate of a fund loan (L2)
    term_months: np.ndarray  # the longest term the fund allows this buyer
    max_loan_fen: np.ndarray  # loans of any kind may cover this much of the price (LTV)


@dataclass(frozen=True)
class Purchases:
    """What buyers do with their quotes: withdraw toward the down payment, apply for a loan."""

    quotes: Quotes
    withdraw_fen: np.ndarray  # toward the down payment (W1); 0: none
    loan_fen: np.ndarray  # fund loan applied for; 0: a commercial loan only

    def __post_init__(self):
        aligned(self, "withdraw_fen", "loan_fen")
        if len(self.loan_fen) != len(self.quotes.buyers.who):
            raise ValueError(
                f"Purchases: {len(self.loan_fen)} rows for "
                f"{len(self.quotes.buyers.who)} quoted buyers"
            )


@dataclass(frozen=True)
class PurchaseAnswers:
    """The withdrawals made and the applications that passed, with codes per buyer."""

    withdrawn: np.ndarray  # buyers whose purchase withdrawal was paid
    buyers: np.ndarray  # the quoted buyers (``Buyers.who``)
    loan_fen: np.ndarray  # per buyer: the application accepted for the desk (0: none)
    withdrawal_codes: np.ndarray  # per buyer (0 also where none was asked)
    loan_codes: np.ndarray  # per buyer: the quote's refusal, OVER_LIMIT, or 0
    applied: int  # buyers who applied for a fund loan
    refused: int  # of whom the fund refused (L1, or a zero limit)

    @classmethod
    def none(cls) -> PurchaseAnswers:
        """A month without buyers."""
        codes = np.zeros(0, np.int8)
        return cls(_NONE, _NONE, _NONE, codes, codes, applied=0, refused=0)


class Counterparty(Protocol):
    """What people can do with a fund (the engine's :class:`~sim.fund.fund.Fund`)."""

    def view(self, month: int) -> FundView: ...
    def handle(self, requests: Requests) -> Answers: ...
    def quote(self, buyers: Buyers) -> Quotes: ...
    def apply(self, purchases: Purchases) -> PurchaseAnswers: ...
