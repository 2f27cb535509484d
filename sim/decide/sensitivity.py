"""Global sensitivity analysis: which uncertain inputs move the decision figures.

Two methods, both with SALib over the unit hypercube of an uncertainty file
(:mod:`sim.decide.uncertainty` maps each coordinate through its parameter's
distribution):

- **Morris screening** (elementary effects,
  Campolongo trajectories): ``r`` trajectories of ``d + 1`` runs each. μ* (the mean
  absolute change of an output when one input moves by Δ = p / (2(p − 1)) of
  its quantile range — 2/3 at p = 4 levels — so every input is on the same
  scale) ranks the inputs; σ says whether an input acts non-linearly or
  through others. μ* carries a bootstrap confidence interval.
- **Sobol' indices** (Saltelli's design, ``N (d + 2)`` runs, first-order and
  total indices with bootstrap confidence intervals): how much of an
  output's variance each input explains alone (S1) and with everything it
  interacts with (ST). It is run on the inputs Morris keeps
  (:func:`kept_by_morris`), the others fixed at the scenario's values.

:func:`analyse` is the one path every analysis takes — a design, its values,
an ``evaluate`` callback that returns each output per sample, and the
estimator — so the Ishigami test and a simulation run share it. Pure
functions; randomness only from ``seed``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from sim.decide.uncertainty import Space

METHODS = ("morris", "sobol")
Evaluate = Callable[[Space, np.ndarray], dict[str, np.ndarray]]
"""``evaluate(space, values)``: each output's value per sample (row of ``values``)."""


@dataclass(frozen=True)
class Analysis:
    """A design, its outputs and its indices (one row per parameter and output)."""

    method: str
    space: Space
    unit: np.ndarray
    values: np.ndarray
    outputs: dict[str, np.ndarray]
    rows: list[dict]


def _problem(d: int) -> dict:
    return {"num_vars": d, "names": [f"x{j}" for j in range(d)], "bounds": [[0.0, 1.0]] * d}


def morris_design(d: int, *, trajectories: int, levels: int = 4, seed: int) -> np.ndarray:
    """``trajectories × (d + 1)`` points of the unit hypercube (Morris's one-at-a-time steps)."""
    return morris_sample.sample(_problem(d), trajectories, num_levels=levels, seed=seed)


def sobol_design(d: int, *, n: int, seed: int) -> np.ndarray:
    """``n × (d + 2)`` points (Saltelli's scheme, first and total order); ``n`` a power of 2."""
    if n < 2 or n & (n - 1):
        raise ValueError(f"the Sobol' base sample must be a power of 2 (got {n})")
    return sobol_sample.sample(_problem(d), n, calc_second_order=False, seed=seed)


def design(method: str, d: int, *, samples: int, seed: int, levels: int = 4) -> np.ndarray:
    """The unit-hypercube design of ``method`` (``samples``: Morris trajectories or Sobol' N)."""
    if method == "morris":
        return morris_design(d, trajectories=samples, levels=levels, seed=seed)
    if method == "sobol":
        return sobol_design(d, n=samples, seed=seed)
    raise ValueError(f"unknown method {method!r}")


def morris_rows(
    space: Space,
    unit: np.ndarray,
    outputs: dict[str, np.ndarray],
    *,
    levels: int = 4,
    seed: int,
    resamples: int = 1000,
    conf: float = 0.95,
) -> list[dict]:
    """μ, μ*, its interval and σ per parameter and output; ``mu_star_share`` = μ* / largest."""
    rows = []
    for name, y in outputs.items():
        res = morris_analyze.analyze(
            _problem(len(space.names)),
            unit,
            np.asarray(y, float),
            num_resamples=resamples,
            conf_level=conf,
            num_levels=levels,
            seed=seed,
        )
        top = float(np.max(res["mu_star"])) or 1.0
        for j, key in enumerate(space.names):
            rows.append(
                {
                    "parameter": key,
                    "output": name,
                    "method": "morris",
                    "mu": float(res["mu"][j]),
                    "mu_star": float(res["mu_star"][j]),
                    "mu_star_conf": float(res["mu_star_conf"][j]),
                    "sigma": float(res["sigma"][j]),
                    "mu_star_share": float(res["mu_star"][j]) / top,
                }
            )
    return rows


def sobol_rows(
    space: Space,
    outputs: dict[str, np.ndarray],
    *,
    seed: int,
    resamples: int = 1000,
    conf: float = 0.95,
) -> list[dict]:
    """S1 and ST with their confidence half-widths per parameter and output."""
    rows = []
    for name, y in outputs.items():
        y = np.asarray(y, float)
        if np.ptp(y) == 0:
            res = {k: np.zeros(len(space.names)) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = sobol_analyze.analyze(
                    _problem(len(space.names)),
                    y,
                    calc_second_order=False,
                    num_resamples=resamples,
                    conf_level=conf,
                    seed=seed,
                )
        for j, key in enumerate(space.names):
            rows.append(
                {
                    "parameter": key,
                    "output": name,
                    "method": "sobol",
                    "S1": float(res["S1"][j]),
                    "S1_conf": float(res["S1_conf"][j]),
                    "ST": float(res["ST"][j]),
                    "ST_conf": float(res["ST_conf"][j]),
                }
            )
    return rows


def kept_by_morris(rows: list[dict], *, threshold: float = 0.1, at_most: int = 8) -> list[str]:
    """Parameters whose μ* reaches ``threshold`` × the largest μ* for some output, most
    influential first, at most ``at_most`` (at least two, so Sobol' has something to split)."""
    best: dict[str, float] = {}
    for r in rows:
        if r["method"] == "morris":
            best[r["parameter"]] = max(best.get(r["parameter"], 0.0), r["mu_star_share"])
    ranked = sorted(best, key=lambda k: -best[k])
    kept = [k for k in ranked if best[k] >= threshold][:at_most]
    return kept if len(kept) >= 2 else ranked[:2]


def analyse(
    space: Space,
    evaluate: Evaluate,
    *,
    method: str,
    samples: int,
    seed: int,
    levels: int = 4,
    resamples: int = 1000,
    conf: float = 0.95,
) -> Analysis:
    """Design, evaluate and estimate: the one code path of every sensitivity analysis."""
    unit = design(method, len(space.names), samples=samples, seed=seed, levels=levels)
    values = space.values(unit)
    outputs = evaluate(space, values)
    if method == "morris":
        rows = morris_rows(
            space, unit, outputs, levels=levels, seed=seed, resamples=resamples, conf=conf
        )
    else:
        rows = sobol_rows(space, outputs, seed=seed, resamples=resamples, conf=conf)
    return Analysis(method, space, unit, values, outputs, rows)


def ranking(rows: list[dict], output: str) -> list[dict]:
    """One output's rows, most influential first (by μ* or by ST)."""
    key = "mu_star" if rows and rows[0]["method"] == "morris" else "ST"
    return sorted((r for r in rows if r["output"] == output), key=lambda r: -r[key])


def top_drivers(rows: list[dict], *, at_most: int = 3) -> list[tuple[str, list[str]]]:
    """Per output, the few parameters that move it most (for the committee's report)."""
    names = list(dict.fromkeys(r["output"] for r in rows))
    return [(name, [r["parameter"] for r in ranking(rows, name)[:at_most]]) for name in names]
