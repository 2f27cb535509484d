"""Stress effects in their window, paired path by path against the baseline (issue 22).

A stress and the baseline run the same people and draws (common random numbers), so path ``p``
of the stress minus path ``p`` of the baseline is the stress's own effect on that path. Ten-year
totals hide it: a recession raises the default rate while it lasts and then, because fewer
loans were made, lowers the ten-year count. So each figure is taken **in the stress window**
(from the first shock's start to the end of the last one's recovery) and **after it**, on both
runs, and the difference is summarised over paths (median, lowest, highest, paths up).

The figures (:data:`FIGURES`): the pilot's deposits, withdrawals and new loans; the default rate
and losses of the **stress cohort** — the loans outstanding when the stress began, the same loans
in both runs (:data:`sim.fund.figures.COHORT_SERIES`): written-off principal over the slice ÷ the
cohort's balance at its start; the default rate of all loans — written-off principal ÷ the average
loan balance, a year's worth — and their credit losses; the pool's loan queue, cash survival
horizon and 个贷率.

Why the cohort: in this model a stress that drains the pool's cash stops the desk lending
(F5), so under ``combined_severe`` fewer loans are made, and fewer young loans default, than
under the baseline; the all-loans default rate and losses can then fall under a stress that
raises every borrower's risk (measured: at 100,000 people the pool's cash runs down and the
desk grants no flexible loan in 2026). The cohort's rate compares like with like. Its losses
stay zero on a path where no defaulted cohort loan owes more than 70% of its house's value
(``loan.recovery_rate``): the pilot's loans are small against their collateral (the limit is a
multiple of the balance), so losses rise under a stress only where there are losses at all.

A figure **moved** when the median paired difference is more than :data:`MOVED` of the
baseline's value (or any amount from zero).

The pilot is a small part of the pool (its deposits ÷ the pool's: :func:`pilot_share`), so a
stress on flexible workers alone cannot move the pool's liquidity (the survival horizon and the
个贷率): :func:`effects` says which stresses do (``moves_pool``), rather than showing zeros as if
they were an answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.series import BY_NAME, FLOW

MOVED = 0.005
"""A figure moved when its median paired change exceeds this share of the baseline's value."""
POOL = ("survival_months", "pool_loan_to_deposit")
"""The pool's liquidity figures."""


def _sum(name):
    """A flow's total over the slice; a stock or a level is not summed (its kind:
    :mod:`sim.engine.series`)."""
    if BY_NAME[name].kind != FLOW:
        raise ValueError(f"{name} is a {BY_NAME[name].kind}: not summed over the window")
    return lambda s, w: float(s[name][w].sum())


def _default_rate(s, w) -> float:
    """Written-off principal in the window ÷ the average loan balance, a year's worth."""
    months = w.stop - w.start
    balance = float(s["loan_balance"][w].mean()) if months else 0.0
    if months <= 0 or balance <= 0:
        return float("nan")
    return float(s["defaults_amount"][w].sum()) / balance * 12 / months


def _to_date(s, name: str, w: slice) -> float:
    """A to-date series' growth over the slice."""
    before = float(s[name][w.start - 1]) if w.start > 0 else 0.0
    return float(s[name][w.stop - 1]) - before


def _cohort_rate(s, w) -> float:
    """The stress cohort's written-off principal over the slice ÷ its balance when it began."""
    if w.start <= 0 or w.stop <= w.start:
        return float("nan")
    balance = float(s["cohort_loan_balance"][w.start - 1])
    if balance <= 0:
        return float("nan")
    return _to_date(s, "cohort_written_off_to_date", w) / balance


@dataclass(frozen=True)
class Figure:
    """A figure of the window: a name (a :data:`sim.report.labels.METRICS` key) and how one
    path's series reduce over a slice of months."""

    name: str
    reduce: object  # (series, slice) -> float


FIGURES = (
    Figure("deposits", _sum("deposits")),
    Figure("withdrawals", _sum("withdrawals")),
    Figure("loans_disbursed_amount", _sum("loans_disbursed_amount")),
    Figure("cohort_default_rate", _cohort_rate),
    Figure("cohort_losses", lambda s, w: _to_date(s, "cohort_losses_to_date", w)),
    Figure("default_rate", _default_rate),
    Figure("credit_losses", _sum("credit_losses")),
    Figure("max_queue_length", lambda s, w: float(s["loan_queue_length"][w].max())),
    Figure("survival_months", lambda s, w: float(s["survival_months"][w].min())),
    Figure("pool_loan_to_deposit", lambda s, w: float(s["pool_loan_to_deposit"][w].max())),
)


def stress_window(shocks, start: int, horizon: int) -> tuple[int, int]:
    """Month indexes ``[a, b)`` from the first shock's start to the end of the last one's
    recovery, within the horizon."""
    a = min(max(min(s.start for s in shocks) - start, 0), horizon)
    b = max(s.start + s.months + s.recovery_months for s in shocks) - start
    return a, max(min(b, horizon), a)


def pilot_share(by_path, window: tuple[int, int]) -> float:
    """The pilot's deposits ÷ the pool's, median over paths, averaged over the window."""
    a, b = window
    shares = [
        float(np.mean(s["deposit_balance"][a:b] / np.maximum(s["pool_deposit_balance"][a:b], 1.0)))
        for s in by_path.values()
    ]
    return float(np.median(shares))


def paired(base, stressed, figure: Figure, w: slice) -> dict[str, float | list]:
    """One figure over slice ``w``, path by path: both values, the change, and whether it moved."""
    paths = sorted(set(base) & set(stressed))
    empty = w.stop <= w.start
    b = np.array([np.nan if empty else figure.reduce(base[p], w) for p in paths])
    s = np.array([np.nan if empty else figure.reduce(stressed[p], w) for p in paths])
    d = s - b
    ok = ~np.isnan(d)
    if not ok.any():
        return {
            "base": float("nan"),
            "stress": float("nan"),
            "change": float("nan"),
            "lo": float("nan"),
            "hi": float("nan"),
            "up": 0.0,
            "down": 0.0,
            "moved": False,
            "base_paths": b.tolist(),
            "stress_paths": s.tolist(),
        }
    base_median, change = float(np.median(b[ok])), float(np.median(d[ok]))
    moved = abs(change) > MOVED * abs(base_median) if base_median else change != 0
    return {
        "base": base_median,
        "stress": float(np.median(s[ok])),
        "change": change,
        "lo": float(d[ok].min()),
        "hi": float(d[ok].max()),
        "up": float((d[ok] > 0).sum()),
        "down": float((d[ok] < 0).sum()),
        "moved": bool(moved),
        "base_paths": b.tolist(),
        "stress_paths": s.tolist(),
    }


def effects(runs, windows: dict[str, tuple[int, int]], *, baseline: str = "baseline") -> dict:
    """Per stress label: its window, the pilot's share of the pool, every figure in the window
    and after it (:func:`paired`), and whether it moves the pool's liquidity."""
    base = runs[baseline]
    horizon = len(next(iter(base.values()))["members"])
    out = {}
    for label, (a, b) in windows.items():
        stressed = runs[label]
        inside, after = slice(a, b), slice(b, horizon)
        figures = {
            f.name: {
                "in": paired(base, stressed, f, inside),
                "after": paired(base, stressed, f, after) if b < horizon else None,
            }
            for f in FIGURES
        }
        out[label] = {
            "window": (a, b),
            "pilot_share": pilot_share(base, (a, b)),
            "figures": figures,
            "moves_pool": any(figures[n]["in"]["moved"] for n in POOL),
        }
    return out
