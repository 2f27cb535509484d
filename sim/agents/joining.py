"""Joining: who opens an account, and how the subsidy rate draws them in.

Each month a person without an account opens one with a probability that
rises with what the account offers besides the subsidy, against an outside
option, in logit form, times the subsidy's own pull::

    R     = deposit rate
            + marginal income-tax rate / tax_horizon_years (D3: each yuan deposited
              saves that much tax once, spread over the years it is held)
            + loan_access_value (for people intending to buy: the cheap fund loan,
              "deposit more, borrow more")
    score = logit(p_ref) + return_semi_elasticity * (R - reference_return)
    p     = participation multiplier * 1 / (1 + exp(-score))

``p_ref`` is the monthly probability equivalent to ``base_annual_rate`` at the
reference return. The holding subsidy enters only through the participation
multiplier of the rate response in force (``sim.agents.response``: the
evidence's elasticity of participation to a match, 0.02–0.07, weighed down
for the subsidy being paid a year late). A person who exited before (S4)
gets no subsidy: they face the multiplier of a zero rate, so a higher rate
does not draw them back.

Whether the fund accepts the person (E1, E2) is the fund's decision
(``sim.fund.eligibility.may_join``); a refused person stops asking.
"""

from __future__ import annotations

import functools
import math

import numba
import numpy as np

from sim.agents.config import Joining


def monthly_from_annual(annual: float) -> float:
    """The monthly probability that compounds to ``annual`` over 12 months."""
    return 1.0 - (1.0 - min(annual, 0.999999)) ** (1.0 / 12.0)


def reference_logit(cfg: Joining) -> float:
    """``logit(p_ref)``: the monthly log-odds of joining at the reference return."""
    p = monthly_from_annual(cfg.base_annual_rate)
    return math.log(p / (1.0 - p))


@numba.njit(inline="always")
def join_probability(
    ref_logit: float,
    semi_elasticity: float,
    reference_return: float,
    deposit_rate: float,
    multiplier: float,
    tax_rate: float,
    intends_to_buy: bool,
    loan_access_value: float,
) -> float:
    """Monthly probability that a non-member asks to open an account."""
    r = deposit_rate + tax_rate
    if intends_to_buy:
        r += loan_access_value
    p = 1.0 / (1.0 + math.exp(-(ref_logit + semi_elasticity * (r - reference_return))))
    return min(p * multiplier, 1.0)


def join_table(
    cfg: Joining, deposit_rate: float, tax_rates, *, multiplier: float, forfeited_multiplier: float
) -> np.ndarray:
    """Join probability for every (tax bracket, intends to buy, forfeited) combination.

    ``multiplier`` is the rate response's participation multiplier at the
    holding rate in force, ``forfeited_multiplier`` the one at a zero rate
    (S4). The score takes only these few values, so the monthly kernel looks
    the probability up instead of computing it per person. The terms change
    only with the policy or a shock, so a table is computed once per set of
    terms (each month gets its own copy).
    """
    return _join_table(cfg, deposit_rate, tuple(tax_rates), multiplier, forfeited_multiplier).copy()


@functools.lru_cache(maxsize=64)
def _join_table(
    cfg: Joining,
    deposit_rate: float,
    tax_rates: tuple[float, ...],
    multiplier: float,
    forfeited_multiplier: float,
) -> np.ndarray:
    ref = reference_logit(cfg)
    table = np.empty((len(tax_rates), 2, 2))
    for b, tax in enumerate(tax_rates):
        for intends in (0, 1):
            for forfeited, m in ((0, multiplier), (1, forfeited_multiplier)):
                table[b, intends, forfeited] = join_probability(
                    ref,
                    cfg.return_semi_elasticity,
                    cfg.reference_return,
                    deposit_rate,
                    m,
                    tax / cfg.tax_horizon_years,
                    bool(intends),
                    cfg.loan_access_value,
                )
    return table
