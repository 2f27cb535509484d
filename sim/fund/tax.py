"""The income-tax deduction of deposits (D3).

Deposits within the city's published annual cap may be deducted from
comprehensive income in the annual income-tax reconciliation (A §3(5)1,
B §3(4)10). For a depositor this is part of the return on depositing (agents
weigh it when deciding to join); for the state it is tax forgone, a fiscal
cost line in the reports. The annual cap is taken as 12 × the monthly cap in
force. The tax schedule (basic deduction, brackets, rates) is national law
and sits in the policy file so a change of law is a data change.
"""

from __future__ import annotations

import functools

import numba
import numpy as np

from sim.fund.policy import Policy


def annual_cap_yuan(policy: Policy, month: int) -> float:
    """The annual deposit amount that may be deducted (D3): 12 × the monthly cap; the
    published cap still bounds the deduction where deposits have none (X5)."""
    return 12 * policy.at("deposit.monthly_cap", month)


def income_tax_yuan(policy: Policy, annual_income_yuan: np.ndarray) -> np.ndarray:
    """Tax on comprehensive income after the basic deduction, bracket by bracket."""
    taxable = np.maximum(
        np.asarray(annual_income_yuan, float) - policy["tax.iit_basic_deduction"], 0
    )
    bounds = np.array((0.0, *policy["tax.iit_thresholds"], np.inf))
    rates = np.array(policy["tax.iit_rates"])
    in_bracket = np.clip(taxable[..., None] - bounds[:-1], 0, np.diff(bounds))
    return in_bracket @ rates


def marginal_rate(policy: Policy, annual_income_yuan: np.ndarray) -> np.ndarray:
    """The marginal income-tax rate at each income (0 below the basic deduction)."""
    taxable = np.asarray(annual_income_yuan, float) - policy["tax.iit_basic_deduction"]
    rates = np.array(policy["tax.iit_rates"])
    bracket = np.searchsorted(np.array(policy["tax.iit_thresholds"]), taxable, side="left")
    return np.where(taxable > 0, rates[bracket], 0.0)


def tax_bracket(
    policy: Policy, annual_income_yuan: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """0 for untaxed income, else 1 + the index of the bracket (``iit_rates[k - 1]``), as
    int8 (into ``out``, if given: everyone's brackets each January without a temporary)."""
    income = np.asarray(annual_income_yuan)
    if income.dtype not in (np.float32, np.float64):
        income = income.astype(np.float64)
    if out is None:
        out = np.empty(income.shape, np.int8)
    elif out.shape != income.shape or out.dtype != np.int8 or not out.flags.c_contiguous:
        raise ValueError(f"out must be contiguous int8 of shape {income.shape}, got "
                         f"{out.dtype} {out.shape}")  # fmt: skip
    thresholds = np.asarray(policy["tax.iit_thresholds"], float)
    _brackets(np.ravel(income), float(policy["tax.iit_basic_deduction"]), thresholds,
              out.reshape(-1))  # fmt: skip
    return out


@numba.njit(cache=True)
def _brackets(income, deduction, thresholds, out):
    """:func:`tax_bracket` one person at a time: the thresholds below the taxable income."""
    for i in range(len(income)):
        taxable = np.float64(income[i]) - deduction
        k = 0
        while k < len(thresholds) and thresholds[k] < taxable:
            k += 1
        out[i] = k + 1 if taxable > 0 else 0


def tax_forgone_fen(
    policy: Policy, bracket: np.ndarray, deposits_fen: np.ndarray, month: int | None = None
) -> float:
    """Income tax the month's deposits save, at each depositor's marginal rate, in fen (D3).

    ``bracket`` is each depositor's :func:`tax_bracket` (set each January from
    the last year's income); deposits are accepted within the monthly cap, so
    all of them are deductible. This is the monthly record's estimate: it
    ignores a deduction that moves income into a lower bracket, which
    :func:`tax_saving_yuan` computes exactly for a whole year, so it can
    overstate the saving of a depositor near
    a bracket's lower edge by at most the rate step on the part below it. Where deposits
    have no cap (X5), a month's deposit counts up to 12 × the published monthly cap
    (``month`` names the cap in force).
    """
    if not policy["deposit.capped"] and month is not None:
        deposits_fen = np.minimum(deposits_fen, 12 * 100 * policy.at("deposit.monthly_cap", month))
    return float((deposits_fen * _rates(policy["tax.iit_rates"])[bracket]).sum())


@functools.cache
def _rates(iit_rates: tuple[float, ...]) -> np.ndarray:
    """The marginal rate by :func:`tax_bracket` (0: untaxed), made once per policy value."""
    rates = np.array((0.0, *iit_rates))
    rates.flags.writeable = False
    return rates


def tax_saving_yuan(
    policy: Policy, month: int, annual_income_yuan: np.ndarray, annual_deposits_yuan: np.ndarray
) -> np.ndarray:
    """Tax a depositor saves by deducting the year's deposits, within the cap (D3)."""
    income = np.asarray(annual_income_yuan, float)
    deductible = np.minimum(np.asarray(annual_deposits_yuan, float), annual_cap_yuan(policy, month))
    return income_tax_yuan(policy, income) - income_tax_yuan(policy, income - deductible)
