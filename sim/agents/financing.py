"""The financing choice at a purchase: a fund loan, a commercial loan or both (组合贷).

A buyer borrows what the down payment leaves: ``need = price × the largest
loan-to-value`` the fund allows for a first or second home (the buyer puts
down no more than the minimum). The fund offers a loan up to its limit (L1–L4,
``sim.fund.loan_limit``, only called here); whatever the fund does not lend
comes from a commercial bank. So the buyer compares two plans:

- **commercial only**: ``need`` at the commercial rate in force (the
  ``financing.commercial_rate`` path of the population file);
- **fund** (a pure fund loan when the offer covers the need, else a
  combination): ``F = min(limit, need)`` at the fund rate, the rest
  commercial.

Over a term of ``T`` months the fund part saves the difference in total
interest, ``F × (I(c, T) − I(f, T))`` with ``I(r, T)`` the interest paid on a
yuan borrowed (annuity schedule). Against it the buyer counts:

- the subsidy lost on borrowing (S3): the holding rate × the balance they
  keep after the purchase withdrawal, plus half of
  ``subsidy_horizon_years`` of their usual deposits, over that many years;
- ``paperwork_cost``: fees and time a fund loan (or a second bank, for a
  combination) costs beyond a commercial loan;
- ``min_fund_loan``: below it the fund part is not worth asking for.

The buyer applies for the fund loan when ``F ≥ min_fund_loan`` and the
saving beats the two costs; the fund may still refuse (L1), and a refused
buyer borrows commercially. Loan sizes therefore follow the price and the
fund's limit, not the balance alone.

**Saving up.** When the purchase hazard fires (``buying``), the member plans
the purchase ``saving_up_months`` ahead and deposits ``saving_up_factor``
times their usual amount until then (``depositing``): a bigger balance and
deposit record raise the "deposit more, borrow more" limit (L2).
"""

from __future__ import annotations

import numpy as np

from sim.agents.config import Financing


def interest_per_yuan(annual_rate, months) -> np.ndarray:
    """Total interest paid on one yuan repaid in equal instalments over ``months``."""
    r = np.asarray(annual_rate, float) / 12.0
    n = np.asarray(months, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        payment = np.where(r > 0, r / (1.0 - (1.0 + r) ** -n), 1.0 / n)
    return payment * n - 1.0


def instalment_fen(principal_fen, annual_rate, months) -> np.ndarray:
    """Monthly instalment of an annuity loan, whole fen rounded up."""
    r = np.asarray(annual_rate, float) / 12.0
    n = np.asarray(months, float)
    p = np.asarray(principal_fen, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pay = np.where(r > 0, p * r / (1.0 - (1.0 + r) ** -n), p / n)
    return np.ceil(pay - 1e-9).astype(np.int64)


def lost_subsidy_fen(
    cfg: Financing, holding_rate: float, kept_balance_fen, monthly_deposit_fen
) -> np.ndarray:
    """The subsidy a fund loan forfeits (S3), as the buyer counts it (module docstring)."""
    years = cfg.subsidy_horizon_years
    held = np.asarray(kept_balance_fen, float) + 0.5 * 12.0 * years * np.asarray(
        monthly_deposit_fen, float
    )
    return holding_rate * years * held


def choose_fund_loan(
    cfg: Financing,
    month: int,
    *,
    need_fen,
    limit_fen,
    fund_rate,
    term_months,
    holding_rate: float,
    kept_balance_fen,
    monthly_deposit_fen,
) -> np.ndarray:
    """The fund loan each buyer asks for, in fen (0: a commercial loan only)."""
    fund = np.minimum(np.asarray(limit_fen, np.int64), np.asarray(need_fen, np.int64))
    spread = interest_per_yuan(cfg.commercial_rate_at(month), term_months) - interest_per_yuan(
        fund_rate, term_months
    )
    saving = fund * spread
    cost = 100 * cfg.paperwork_cost + lost_subsidy_fen(
        cfg, holding_rate, kept_balance_fen, monthly_deposit_fen
    )
    take = (fund >= round(100 * cfg.min_fund_loan)) & (fund > 0) & (saving > cost)
    return np.where(take, fund, 0).astype(np.int64)
