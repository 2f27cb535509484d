"""A robust decision table: each candidate rate judged over draws of the uncertain inputs.

One scenario table shows one set of assumptions; a rate that looks best there
may be poor if the joining response or the employee segment's flows are not
what was assumed. Here every candidate value (of the holding-subsidy rate, or
any swept key) runs under the same ``D`` draws of an uncertainty file (a
Latin hypercube, :func:`draws`) and the same paths (common random numbers),
so differences between candidates are the candidates' alone. Per candidate:

- the distribution across draws (5%, 50%, 95%, and the mean) of each
  decision figure, a draw's figure being the mean over its paths;
- the objective in each draw, the **regret** against the best candidate in
  that draw (how much worse than the hindsight choice: mean and worst), and
  the **share of draws in which the candidate is best**;
- for each liquidity limit (:data:`sim.decide.outputs.LIMITS`), the share
  of draws in which it holds on every path.

Pure functions over arrays ``[candidate, draw, path]``.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import qmc

from sim.decide.outputs import LIMITS, Objective
from sim.decide.uncertainty import Space

SHOWN = ("subsidy_cost", "deposits", "members", "segment_margin", "min_survival_months",
         "peak_loan_to_deposit", "segment_reserve_coverage")  # fmt: skip
"""Figures whose distribution the table gives (those the engine writes)."""


def draws(space: Space, *, n: int, seed: int) -> np.ndarray:
    """``n`` draws of the uncertain inputs (rows), a Latin hypercube mapped through each
    parameter's distribution: every stratum of every input is visited once."""
    unit = qmc.LatinHypercube(d=len(space.names), seed=np.random.default_rng(seed)).random(n)
    return space.values(unit)


def draw_means(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each figure's mean over paths: ``[candidate, draw]``."""
    return {name: v.mean(axis=2) for name, v in values.items()}


def objective_matrix(means: dict[str, np.ndarray], objective: Objective) -> np.ndarray:
    """The objective of every candidate in every draw: ``[candidate, draw]``."""
    c, d = next(iter(means.values())).shape
    out = np.empty((c, d))
    for i in range(c):
        for j in range(d):
            out[i, j] = objective.of({name: float(m[i, j]) for name, m in means.items()})
    return out


def regret(score: np.ndarray) -> np.ndarray:
    """Best score in each draw less each candidate's (0 for the best): ``[candidate, draw]``."""
    return np.nanmax(score, axis=0, keepdims=True) - score


def limits_hold(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per limit, whether it holds on every path of a draw: ``[candidate, draw]`` booleans."""
    return {name: lim.holds(values[lim.output]).all(axis=2) for name, lim in LIMITS.items()}


def robust_rows(
    values: dict[str, np.ndarray], labels: list[str], *, objective: Objective
) -> list[dict]:
    """One row per candidate (see the module docstring)."""
    means = draw_means(values)
    score = objective_matrix(means, objective)
    lost = regret(score)
    best = np.zeros_like(score, dtype=bool)
    best[
        np.nanargmax(np.where(np.isnan(score), -np.inf, score), axis=0), np.arange(score.shape[1])
    ] = True
    holds = limits_hold(values)
    rows = []
    for i, label in enumerate(labels):
        row: dict = {
            "candidate": label,
            "draws": score.shape[1],
            "paths": values[next(iter(values))].shape[2],
        }
        for name in (n for n in SHOWN if n in means):
            x = means[name][i]
            row[f"{name}.mean"] = float(x.mean())
            for q in (5, 50, 95):
                row[f"{name}.p{q:02d}"] = float(np.quantile(x, q / 100))
        row["objective"] = objective.name
        row["objective.mean"] = float(np.nanmean(score[i]))
        row["regret.mean"] = float(np.nanmean(lost[i]))
        row["regret.max"] = float(np.nanmax(lost[i]))
        row["share_best"] = float(best[i].mean())
        for name, h in holds.items():
            row[f"holds.{name}"] = float(h[i].mean())
        rows.append(row)
    return rows


def robust_choice(rows: list[dict]) -> dict:
    """The candidate with the least worst-case regret among those whose every limit holds in
    at least 95% of draws (all candidates if none does): the minimax-regret choice."""
    safe = [r for r in rows if all(v >= 0.95 for k, v in r.items() if k.startswith("holds."))]
    return min(safe or rows, key=lambda r: (r["regret.max"], r["regret.mean"]))
