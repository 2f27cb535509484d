"""Who may borrow, and how much: "deposit more, borrow more" (L1–L4).

**Eligibility** (L1, with the national limits of FACTS.md): at least
``loan.min_deposit_months`` months of deposits in total (veterans' service
months count under ``lyg-draft``, E5), no fund loan outstanding, good credit
(B §3(5)21 credit checks), a term of at most ``loan.max_term_years``, and an
age at maturity no later than statutory retirement age +
``loan.age_limit_over_retirement`` years.

**Limit**: the smallest of four terms, each reported so an officer sees which
one bound (:data:`BINDING`):

- ``deposits``: the L2 "deposit more, borrow more" amount from the formula
  named by ``loan.limit_formula`` (see :func:`deposit_more_borrow_more`),
  raised by the L3 (green, upgrade, trade-in: +20%) and L4 (graduate's first
  home: +50%) multipliers, which stack by ``loan.multiplier_stacking``
  (interpretation L4-i);
- ``ltv``: the price × the largest loan-to-value (first or second home,
  lowered by rationing, F5);
- ``capacity``: what ``loan.max_repayment_share`` of monthly income repays
  over the term at the loan's rate (the annuity's present value);
- ``ceiling``: ``loan.ceiling``, also raised by the L3/L4 multipliers.

Interpretation L3-i: the documents raise the *quota* (贷款额度上浮), so the
multipliers apply to the deposit amount and the ceiling, never to the
prudential limits (down payment, repayment capacity).

Other cities' designs (docs/rules.md): ``balance_multiple`` (X4, Chongqing,
Chengdu, Jinan, Hainan, Shenzhen) sets the deposit term to the balance ×
``loan.balance_multiple``, raised to ``loan.amount_floor`` (Jinan's 200,000);
``loan.long_ceiling`` replaces ``loan.ceiling`` once the deposit months reach
``loan.long_ceiling_months`` (Chongqing: 500,000 after 6–12 months, 800,000
after 12+). X3 adds a condition of consecutive months to L1.

A centre replaces the formula by registering its own function under a new
name with :func:`register_limit_formula` (and adding the name to
``loan.limit_formula``'s choices in ``params.py``): formulas are code, chosen
by name from data, never evaluated from a file.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.fund.policy import Policy
from sim.fund.refusals import Refusal, first_refusal

BINDING = ("deposits", "ltv", "capacity", "ceiling")
LIMIT_FORMULAS: dict[str, Callable] = {}


def register_limit_formula(name: str):
    """Register an L2 formula ``f(policy, month, request, multiple_factor) -> fen``."""

    def deco(fn):
        LIMIT_FORMULAS[name] = fn
        return fn

    return deco


@dataclass(frozen=True)
class LoanRequest:
    """What the fund knows when it sizes loans: one row per applicant (money in fen)."""

    balance: np.ndarray
    deposited_total: np.ndarray
    deposit_months: np.ndarray  # months counting toward L1 (service months included where due)
    months_open: np.ndarray  # months since the account was opened, at least 1
    income: np.ndarray  # monthly income, fen
    price: np.ndarray
    term_months: np.ndarray
    first_home: np.ndarray
    green_or_upgrade: np.ndarray  # L3
    talent: np.ndarray  # L4
    age_months: np.ndarray
    retirement_age_months: np.ndarray
    good_credit: np.ndarray
    loan_outstanding: np.ndarray
    consecutive_months: np.ndarray | None = None  # the unbroken run up to now (X3)
    income_months: np.ndarray | None = None  # months with income of the last 12 (None: 12)


def loan_rate(policy: Policy, month: int, first_home, term_months) -> np.ndarray:
    """The rate in force for each loan by home (first/second) and term band (L2, FACTS.md)."""
    long = np.asarray(term_months) > 12 * policy["loan.short_term_years"]
    first = np.asarray(first_home, dtype=bool)
    fs, fl = policy.at("loan.rate_first_short", month), policy.at("loan.rate_first_long", month)
    ss, sl = policy.at("loan.rate_second_short", month), policy.at("loan.rate_second_long", month)
    return np.where(first, np.where(long, fl, fs), np.where(long, sl, ss))


def annuity_factor(annual_rate, months) -> np.ndarray:
    """Present value of 1 a month for ``months`` months at ``annual_rate``."""
    r = np.asarray(annual_rate, float) / 12.0
    n = np.asarray(months, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (1.0 - (1.0 + r) ** -n) / r
    return np.where(r > 0, f, n)


def check_eligibility(policy: Policy, req: LoanRequest) -> np.ndarray:
    """Refusal codes for loan applications (L1, E5, the national limits, and the pre-loan
    check of a steady income: F4, B 21 贷前调查)."""
    max_age = req.retirement_age_months + 12 * policy["loan.age_limit_over_retirement"]
    few = req.deposit_months < policy["loan.min_deposit_months"]
    run = policy["loan.min_consecutive_months"]
    if run:
        if req.consecutive_months is None:
            raise ValueError("loan.min_consecutive_months needs the consecutive months (X3)")
        few = few | (req.consecutive_months < run)
    months = 12 if req.income_months is None else req.income_months
    return first_refusal(
        (few, Refusal.TOO_FEW_DEPOSIT_MONTHS),
        (req.loan_outstanding, Refusal.LOAN_OUTSTANDING),
        (~req.good_credit, Refusal.BAD_CREDIT),
        (req.term_months > 12 * policy["loan.max_term_years"], Refusal.TERM_TOO_LONG),
        (req.age_months + req.term_months > max_age, Refusal.AGE_AT_MATURITY),
        (np.asarray(months) < policy["loan.min_income_months"], Refusal.UNSTEADY_INCOME),
    )


def multiplier(policy: Policy, month: int, green_or_upgrade, talent) -> np.ndarray:
    """L3 and L4 multipliers, stacked by ``loan.multiplier_stacking`` (L4-i)."""
    l3 = np.where(green_or_upgrade, policy.at("loan.green_upgrade_multiplier", month), 1.0)
    l4 = np.where(talent, policy.at("loan.talent_first_home_multiplier", month), 1.0)
    both = np.maximum(l3, l4) if policy["loan.multiplier_stacking"] == "max" else l3 * l4
    # np.round(both, 9) as numpy computes it (× 1e9, rint, ÷ 1e9) without its Python wrapper:
    # 1.2 × 1.5 is 1.7999999999999998 in binary
    return np.rint(both * 1e9) / 1e9


@register_limit_formula("deposit_more_borrow_more")
def deposit_more_borrow_more(
    policy: Policy, month: int, req: LoanRequest, multiple_factor: float = 1.0
) -> np.ndarray:
    """The default L2 amount, tied to the four inputs the documents name.

    ``base × multiple × duration factor × frequency factor``, where

    - base = half the balance + half the amount deposited (both count);
    - multiple = ``loan.balance_multiple`` (× the rationing factor, F5);
    - duration factor = min(1, ½ + ½ × deposit months / ``loan.duration_full_months``);
    - frequency factor = 1 − w + w × (deposit months / months open), w =
      ``loan.frequency_weight``.
    """
    base = 0.5 * req.balance + 0.5 * req.deposited_total
    full = policy["loan.duration_full_months"]
    duration = np.minimum(1.0, 0.5 + 0.5 * req.deposit_months / full)
    frequency = np.minimum(1.0, req.deposit_months / np.maximum(req.months_open, 1))
    w = policy["loan.frequency_weight"]
    multiple = policy.at("loan.balance_multiple", month) * multiple_factor
    return np.floor(base * multiple * duration * (1 - w + w * frequency)).astype(np.int64)


@register_limit_formula("balance_multiple")
def balance_multiple(
    policy: Policy, month: int, req: LoanRequest, multiple_factor: float = 1.0
) -> np.ndarray:
    """X4: ``max(balance × loan.balance_multiple (× the rationing factor, F5),
    loan.amount_floor)`` in fen — the published "N times the balance" designs."""
    multiple = policy.at("loan.balance_multiple", month) * multiple_factor
    amount = np.floor(req.balance * multiple).astype(np.int64)
    return np.maximum(amount, policy.fen_at("loan.amount_floor", month))


def ceiling_fen(policy: Policy, month: int, deposit_months) -> np.ndarray:
    """The loan ceiling by months deposited, in fen (L2, X4): ``loan.long_ceiling`` from
    ``loan.long_ceiling_months`` on when that is above 0, else ``loan.ceiling``."""
    base = policy.fen_at("loan.ceiling", month)
    after = policy["loan.long_ceiling_months"]
    if not after:
        return np.full(np.shape(deposit_months), base, np.int64)
    long = policy.fen_at("loan.long_ceiling", month)
    return np.where(np.asarray(deposit_months) >= after, long, base).astype(np.int64)


def max_ltv(policy: Policy, first_home) -> np.ndarray:
    """The largest loan-to-value of a purchase, first or second home (FACTS.md)."""
    return np.where(first_home, policy["loan.max_ltv_first"], policy["loan.max_ltv_second"])


def max_loan_fen(policy: Policy, price_fen, first_home) -> np.ndarray:
    """The most that loans of any kind may cover of a price, in fen: the buyer pays the rest
    down (commercial lenders are taken to lend on the same loan-to-value)."""
    return np.floor(np.asarray(price_fen) * max_ltv(policy, first_home)).astype(np.int64)


def liquidity_level(policy: Policy, loan_to_deposit: float) -> int:
    """The centre's liquidity line crossed: 0 below the first threshold of
    ``liquidity.rationing_thresholds`` (个贷率 85/90/95% by default), else its number (F5)."""
    # np.searchsorted(…, "right") on the thresholds (strictly increasing, checked on loading),
    # without making an array of the tuple three times a month; a NaN ratio is above them all
    return bisect.bisect_right(policy["liquidity.rationing_thresholds"], loan_to_deposit)


def rationing_level(policy: Policy, loan_to_deposit: float) -> int:
    """The line crossed (:func:`liquidity_level`) when the centre rations at its lines
    (``liquidity.rationing``), else 0 (F5)."""
    if not policy["liquidity.rationing"]:
        return 0
    return liquidity_level(policy, loan_to_deposit)


def loan_limit(
    policy: Policy, month: int, req: LoanRequest, *, level: int = 0, rate: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The limit in fen and which term bound it (index into :data:`BINDING`).

    ``level`` is the rationing level (:func:`rationing_level`); at level k the
    multiple is cut by ``liquidity.rationing_multiple[k-1]`` and the
    loan-to-value capped at ``liquidity.rationing_ltv[k-1]``. ``rate`` is
    :func:`loan_rate` of the request, if the caller has it.
    """
    factor, ltv_cap = 1.0, 1.0
    if level > 0:
        factor = policy["liquidity.rationing_multiple"][level - 1]
        ltv_cap = policy["liquidity.rationing_ltv"][level - 1]
    boost = multiplier(policy, month, req.green_or_upgrade, req.talent)
    formula = LIMIT_FORMULAS[policy["loan.limit_formula"]]
    deposits = np.floor(formula(policy, month, req, factor) * boost)
    ltv = max_ltv(policy, req.first_home)
    by_price = np.floor(req.price * np.minimum(ltv, ltv_cap))
    if rate is None:
        rate = loan_rate(policy, month, req.first_home, req.term_months)
    share = policy["loan.max_repayment_share"]
    capacity = np.floor(req.income * share * annuity_factor(rate, req.term_months))
    ceiling = np.floor(ceiling_fen(policy, month, req.deposit_months) * boost)
    terms = np.array([deposits, by_price, capacity, ceiling])  # np.stack's rows, in a third
    binding = np.argmin(terms, axis=0)
    return np.maximum(terms.min(axis=0), 0).astype(np.int64), binding
