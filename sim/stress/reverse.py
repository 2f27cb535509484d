"""Reverse stress testing: what does it take to break the fund?

**Threshold search** (:func:`find_threshold`): the smallest severity of a
stress at which the probability of a breach across paths reaches a level
(default 5%). Severity is searched by bracketing and bisection; every run
uses the same seed, so the paths differ only in severity (common random
numbers) and the breach probability rises with it. The answer is the bracket
``[lo, hi]`` (no breach level at ``lo``, breach level at ``hi``) and a 90%
Wilson interval of the breach probability measured at ``hi``.

**Scenario discovery** (:func:`discover`): the stress's effects are sampled
jointly by Latin hypercube over the ranges its file states (``[ranges]``),
each sample is run, runs with a breach are marked, and PRIM (:func:`prim`)
peels the parameter box down to where breaches concentrate, reporting each
box's coverage (share of all breaches inside) and density (share of runs
inside that breach), so a risk officer reads "breaches happen when
income_cut > X and exit_multiplier > Y".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import qmc

Probe = Callable[[float], float]
"""A function from severity to breach probability (runs the paths)."""


@dataclass(frozen=True)
class Threshold:
    """The result of a threshold search."""

    found: bool
    lo: float
    hi: float
    p_hi: float
    ci_hi: tuple[float, float]
    paths: int
    evaluations: list[tuple[float, float]] = field(default_factory=list)


def wilson(p: float, n: int, z: float = 1.645) -> tuple[float, float]:
    """Wilson score interval of a proportion (90% by default)."""
    if n == 0:
        return (0.0, 1.0)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def find_threshold(
    probe: Probe,
    *,
    level: float = 0.05,
    hi: float = 4.0,
    tolerance: float = 0.05,
    paths: int,
) -> Threshold:
    """Bracket and bisect the severity where ``probe(s)`` first reaches ``level``."""
    evaluations = []

    def p(s: float) -> float:
        value = probe(s)
        evaluations.append((s, value))
        return value

    p_hi = p(hi)
    if p_hi < level:
        return Threshold(False, hi, hi, p_hi, wilson(p_hi, paths), paths, evaluations)
    lo = 0.0
    if p(lo) >= level:
        return Threshold(
            True,
            0.0,
            0.0,
            evaluations[-1][1],
            wilson(evaluations[-1][1], paths),
            paths,
            evaluations,
        )
    while hi - lo > tolerance:
        mid = (lo + hi) / 2
        value = p(mid)
        if value >= level:
            hi, p_hi = mid, value
        else:
            lo = mid
    return Threshold(True, lo, hi, p_hi, wilson(p_hi, paths), paths, evaluations)


@dataclass(frozen=True)
class Box:
    """A box of parameter space: bounds per parameter, with coverage and density."""

    bounds: dict[str, tuple[float, float]]
    coverage: float
    density: float
    support: int

    def describe(self, full: dict[str, tuple[float, float]]) -> str:
        """'income_cut > 0.21 and exit_multiplier > 4.3' — only the restricted bounds."""
        parts = []
        for name, (lo, hi) in self.bounds.items():
            flo, fhi = full[name]
            if lo > flo + 1e-12:
                parts.append(f"{name} > {lo:.3g}")
            if hi < fhi - 1e-12:
                parts.append(f"{name} < {hi:.3g}")
        return " and ".join(parts) or "anywhere in the ranges"


def latin_hypercube(ranges: dict[str, tuple[float, float]], n: int, *, seed: int) -> np.ndarray:
    """``n`` samples × parameters, stratified over the ranges."""
    sampler = qmc.LatinHypercube(d=len(ranges), seed=seed)
    lows = np.array([r[0] for r in ranges.values()])
    highs = np.array([r[1] for r in ranges.values()])
    return qmc.scale(sampler.random(n), lows, highs)


def discover_runs(
    ranges: dict[str, tuple[float, float]],
    n: int,
    *,
    seed: int,
    breached: Callable[[dict[str, float], int], bool],
) -> tuple[np.ndarray, np.ndarray]:
    """Sample the ranges by Latin hypercube; ``breached(effects, i)`` runs sample ``i``."""
    x = latin_hypercube(ranges, n, seed=seed)
    names = list(ranges)
    y = np.array([breached(dict(zip(names, row, strict=True)), i) for i, row in enumerate(x)])
    return x, y


def prim(
    x: np.ndarray,
    y: np.ndarray,
    names: list[str],
    *,
    alpha: float = 0.05,
    min_support: float = 0.05,
) -> list[Box]:
    """The PRIM peeling trajectory (Friedman & Fisher 1999), from the full box inward.

    At each step remove the ``alpha`` share of the remaining samples at the
    low or high end of one parameter — whichever leaves the highest share of
    breaches — until fewer than ``min_support`` of the samples remain.
    """
    y = np.asarray(y, bool)
    total = max(int(y.sum()), 1)
    inside = np.ones(len(y), bool)
    bounds = {n: (float(x[:, j].min()), float(x[:, j].max())) for j, n in enumerate(names)}
    boxes = [Box(dict(bounds), y.sum() / total, float(y.mean()), len(y))]
    while inside.sum() > max(min_support * len(y), 1):
        best = None
        for j, name in enumerate(names):
            col = x[inside, j]
            for side in ("low", "high"):
                q = np.quantile(col, alpha if side == "low" else 1 - alpha)
                keep = inside & ((x[:, j] >= q) if side == "low" else (x[:, j] <= q))
                if keep.sum() == inside.sum() or keep.sum() == 0:
                    continue
                density = y[keep].mean()
                if best is None or density > best[0]:
                    best = (density, keep, name, side, q)
        if best is None:
            break
        density, keep, name, side, q = best
        lo, hi = bounds[name]
        bounds[name] = (float(q), hi) if side == "low" else (lo, float(q))
        inside = keep
        boxes.append(Box(dict(bounds), y[inside].sum() / total, float(density), int(inside.sum())))
    return boxes


def choose_box(boxes: list[Box], *, min_coverage: float = 0.5) -> Box:
    """The densest box that still holds at least ``min_coverage`` of the breaches."""
    candidates = [b for b in boxes if b.coverage >= min_coverage] or boxes[:1]
    return max(candidates, key=lambda b: (b.density, b.coverage))
