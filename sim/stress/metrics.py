"""Stress metrics: what a path's series say about liquidity and losses, and breaches.

**Metrics** per path (:func:`path_metrics`) and **breaches** (:data:`BREACHES`, each a yes/no
per path whose probability across paths is reported; their kinds and sizes are
:mod:`sim.stress.breaches`), for the stress table (``hpfsim stress``), the reverse stress test
and the committee report. The survival horizon is the cash horizon of
:mod:`sim.fund.liquidity` (zero only when cash is gone; the credit line a second series).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sim.stress.breaches import KINDS, LTD_LINES, SURVIVAL_LINE, kind_stats

SURVIVAL_THRESHOLD = SURVIVAL_LINE


def path_metrics(
    series: dict[str, np.ndarray], credit_rate: float, credit_limit: float, start: int | None = None
) -> dict[str, float]:
    """One path's stress metrics (money in yuan); ``start`` (the scenario's first month) dates
    the year the pilot's reserve first falls short."""
    uncovered = np.flatnonzero(series["reserve_uncovered"] > 0)
    shortfall = float(series["reserve_uncovered"].max())
    peak_loans = float(series["loan_balance"].max())
    ltd = series["pool_loan_to_deposit"]
    first = float(uncovered[0]) if len(uncovered) else float("nan")
    return {
        "months_under_survival": float((series["survival_months"] < SURVIVAL_LINE).sum()),
        "min_survival_months_with_line": float(series["survival_months_with_line"].min()),
        **{f"months_ltd_above_{round(x * 100)}": float((ltd > x).sum()) for x in LTD_LINES},
        "months_unmet": float((series["unmet_withdrawals"] > 0).sum()),
        "max_queue_amount": float(series["loan_queue_amount"].max()),
        "reserve_shortfall": shortfall,
        "reserve_shortfall_share": shortfall / peak_loans if peak_loans > 0 else float("nan"),
        "reserve_short_year": float((start + first) // 12)
        if start is not None and len(uncovered)
        else float("nan"),
        "min_pool_reserve": float(series["employee_reserve"].min()),
        "min_survival_months": float(series["survival_months"].min()),
        "peak_loan_to_deposit": float(series["loan_to_deposit"].max()),
        "peak_pool_loan_to_deposit": float(series["pool_loan_to_deposit"].max()),
        "max_queue_length": float(series["loan_queue_length"].max()),
        "max_wait_months": float(series["loan_queue_wait_months"].max()),
        "max_credit_line": float(series["credit_line_balance"].max()),
        "max_unmet_withdrawals": float(series["unmet_withdrawals"].max()),
        "credit_line_cost": float(series["credit_line_balance"].sum() * credit_rate / 12),
        "min_reserve_to_loans": float(series["reserve_to_loans"].min()),
        "reserve_exhausted_month": first,
        "defaults_amount": float(series["defaults_amount"].sum()),
        "credit_losses": float(series["credit_losses"].sum()),
        "exits": float(series["exits"].sum()),
        "min_house_price_index": float(series["house_price_index"].min()),
        "deposits": float(series["deposits"].sum()),
        "credit_limit": credit_limit,
    }


BREACHES: dict[str, Callable[[dict[str, float]], bool]] = {k.name: k.test for k in KINDS}
"""Breaches a risk officer watches, by name (:data:`sim.stress.breaches.KINDS`): liquidity —
the credit line used up so that withdrawals wait unpaid (the line itself cannot go past its
limit, F6), the cash survival horizon under 12 months, the pool's 个贷率 above 85/90/95%; the
pilot's own loan risk reserve short of its losses (A §3(6)2); the pool's reserve exhausted."""

# metric: which tail is the bad one ("low": the 5% quantile, "high": the 95%)
WORST = {
    "min_survival_months": "low", "peak_loan_to_deposit": "high",
    "peak_pool_loan_to_deposit": "high", "max_queue_length": "high", "max_wait_months": "high",
    "max_credit_line": "high", "credit_line_cost": "high", "min_reserve_to_loans": "low",
    "defaults_amount": "high", "credit_losses": "high", "exits": "high", "deposits": "low",
    "min_survival_months_with_line": "low", "max_queue_amount": "high",
    "months_under_survival": "high", "months_ltd_above_85": "high", "months_ltd_above_90": "high",
    "months_ltd_above_95": "high", "reserve_shortfall": "high",
}  # fmt: skip


def table_rows(
    runs, credit_rate: float, credit_limit: float, start: int | None = None
) -> list[dict[str, Any]]:
    """One row per scenario label: median and worst-5% path of each metric, breach odds; the
    breaches' kinds and sizes under ``"breaches"`` (:func:`sim.stress.breaches.kind_stats`)."""
    rows = []
    for label, by_path in runs.items():
        metrics = [
            path_metrics(by_path[p], credit_rate, credit_limit, start) for p in sorted(by_path)
        ]
        row: dict[str, Any] = {"scenario": label, "paths": len(metrics)}
        for name, tail in WORST.items():
            x = np.array([m[name] for m in metrics])
            row[f"{name}.median"] = float(np.median(x))
            row[f"{name}.worst5"] = float(np.quantile(x, 0.05 if tail == "low" else 0.95))
        for name, breach in BREACHES.items():
            row[f"P({name} breach)"] = float(np.mean([breach(m) for m in metrics]))
        row["breaches"] = kind_stats(metrics)
        rows.append(row)
    return rows


def breach_probability(by_path, breach: str, credit_rate: float, credit_limit: float) -> float:
    """Share of paths with the named breach."""
    test = BREACHES[breach]
    return float(
        np.mean([test(path_metrics(s, credit_rate, credit_limit)) for s in by_path.values()])
    )
