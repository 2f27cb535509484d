"""The statistics of the fit (``sim.agents.fitting``): Jacobian, bootstrap, intervals and
which parameters the targets identify.

A parameter is **identified** when the fitted targets move it: at the starting values,
its conditional 95% interval (the others held at theirs: ``1.96 / sqrt((G'WG)_jj)``,
:func:`conditional_half_widths`) is narrower than :data:`IDENTIFIED_WIDTH` of its bounds.
One the targets do not move is not fitted: it keeps the population file's (sourced or
assumed) value and is listed as such, so that noise in the distance cannot carry it to a
bound. The reported intervals of the fitted ones are joint (:func:`sandwich`): two
parameters that move the same targets alike are each identified but jointly wide.
"""

from __future__ import annotations

import math

import numpy as np

IDENTIFIED_WIDTH = 0.75
"""An interval at least this share of a parameter's bounds wide: the targets do not pin it."""


def jacobian(residuals, u, step: float) -> np.ndarray:
    """Forward differences in the unit cube (backward at the upper bound)."""
    r0 = residuals(u)
    cols = []
    for j in range(len(u)):
        h = step if u[j] + step <= 1.0 else -step
        v = np.array(u, dtype=float)
        v[j] += h
        cols.append((residuals(v) - r0) / h)
    return np.column_stack(cols)


def bootstrap(moments_of, targets, runs, times: int, seed: int) -> np.ndarray:
    """Moments of ``times`` resamples of the paths (with replacement): a (times, k) array."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(runs), size=(times, len(runs)))
    return np.array([moments_of(targets, [runs[i] for i in pick]) for pick in picks])


def sandwich(g: np.ndarray, sd: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``A S A'`` with ``A = (G'WG)^-1 G'W``; an unidentified parameter gets infinite variance."""
    s = np.where(np.isfinite(s), s, 0.0)
    w = np.diag(1.0 / sd**2)
    info = g.T @ w @ g
    dead = np.diag(info) <= 1e-12 * max(float(np.max(np.diag(info))), 1e-300)
    inv = np.linalg.pinv(info)
    a = inv @ g.T @ w
    v = a @ s @ a.T
    v[dead, dead] = math.inf
    return v


def half_widths(g: np.ndarray, sd: np.ndarray, boot: np.ndarray) -> np.ndarray:
    """Half the 95% interval of each parameter: 1.96 sd of the sandwich, with the simulated
    moments' own noise from the bootstrap ``boot``; ``g`` is d moment / d parameter."""
    s = np.diag(sd**2) + np.atleast_2d(np.cov(boot, rowvar=False))
    return 1.96 * np.sqrt(np.maximum(np.diag(sandwich(g, sd, s)), 0.0))


def conditional_half_widths(g: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Half the 95% interval of each parameter with the others held fixed: 1.96 / sqrt of
    the diagonal of ``G'WG`` (infinite for a parameter no target moves)."""
    info = np.sum((g / sd[:, None]) ** 2, axis=0)
    with np.errstate(divide="ignore"):
        return np.where(info > 0, 1.96 / np.sqrt(info), math.inf)


def identified(half: np.ndarray, span: np.ndarray) -> np.ndarray:
    """True where the interval is narrower than :data:`IDENTIFIED_WIDTH` of the bounds."""
    return 2.0 * half < IDENTIFIED_WIDTH * span
