"""The what-if grid: the committee's levers, every combination run on the same paths.

``hpfsim whatif [SCENARIO] --grid rate=0.010,0.012,0.015 --grid bonus=0,300 …`` runs one
variant per point of the grid (the product of the levers' values) with common random
numbers — every point sees the same people and luck, as ``compare`` does — and reduces
each to the decision figures with their 90% bands (:data:`FIGURES`) and a few monthly
series for the chart (:data:`SERIES`). The page (:mod:`sim.report.whatif`) interpolates
between grid points, multilinearly, exactly as :func:`interpolate` does here; a setting
on a grid point shows that point's figures unchanged.

A lever is a policy key path (:data:`LEVERS`); the scenario's own value of a lever not on
the grid stays in force. The levers are the committee's: the holding rate (S1), the
opening bonus (S6), the loan multiple and the loan ceiling (L2, X4); the interest subsidy
share (X1) and the deposit cap (D1) too.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from sim.core.errors import InputError
from sim.engine.results import stack


@dataclass(frozen=True)
class Lever:
    """A lever of the page: its policy key, names, the slider's step and how it is shown."""

    key: str
    zh: str
    en: str
    step: float
    kind: str  # "rate" (shown as %), "yuan", "multiple", "share"


LEVERS = {
    "rate": Lever("subsidy.holding_rate", "缴存补贴率（年）", "Holding subsidy rate (a year)",
                  0.0005, "rate"),
    "bonus": Lever("subsidy.opening_bonus", "首次开户补贴（元）", "Opening bonus (yuan)", 10, "yuan"),
    "multiple": Lever("loan.balance_multiple", "贷款额度倍数（余额的倍数）",
                      "Loan multiple (× the balance)", 0.5, "multiple"),
    "ceiling": Lever("loan.ceiling", "贷款最高额度（元）", "Loan ceiling (yuan)", 10_000, "yuan"),
    "share": Lever("subsidy.interest_share", "利息补贴（存款利率的比例）",
                   "Interest subsidy (share of the deposit rate)", 0.05, "share"),
    "cap": Lever("deposit.monthly_cap", "月缴存上限（元）", "Monthly deposit cap (yuan)", 100, "yuan"),
}  # fmt: skip

DEFAULT_GRID = {
    "rate": (0.010, 0.0125, 0.015),
    "bonus": (0.0, 200.0, 400.0),
    "multiple": (15.0, 25.0),
    "ceiling": (500_000.0, 800_000.0),
}
"""The committee's four levers: the range of A §3(5)2, the draft's bonuses, Lianyungang's
assumed ×15 against Chongqing's ×25, the assumed 500k against Chongqing's 800k."""

FIGURES = {  # name: (series, reduction, kind)
    "members": ("members", "end", "people"),
    "deposit_balance": ("deposit_balance", "end", "money"),
    "deposits": ("deposits", "sum", "money"),
    "subsidy": (("subsidy_paid", "bonus_paid"), "sum", "money"),
    "loans": ("loans_disbursed_amount", "sum", "money"),
    "segment_margin": ("segment_margin", "sum", "money"),
    "segment_reserve_to_loans": ("segment_reserve_to_loans", "end1", "ratio"),
    "segment_net_funding": ("segment_net_funding", "end", "money"),
    "pool_loan_to_deposit": ("pool_loan_to_deposit", "end", "ratio"),
    "survival_months": ("survival_months", "end", "months"),
}
"""The pool's 个贷率 and survival horizon at the end: their peak and low are the opening
pool's, set before the pilot matters, the same at every grid point (README, designs)."""
SERIES = ("members", "deposit_balance", "subsidy_paid", "pool_loan_to_deposit")
QUANTILES = (0.05, 0.5, 0.95)


def parse_grid(texts: list[str]) -> dict[str, tuple[float, ...]]:
    """``--grid NAME=V1,V2,...`` (each lever at most once), values sorted; none: the default."""
    if not texts:
        return dict(DEFAULT_GRID)
    grid: dict[str, tuple[float, ...]] = {}
    for text in texts:
        where = f"--grid {text}"
        name, eq, raw = text.partition("=")
        name = name.strip()
        if not eq or name not in LEVERS:
            raise InputError(
                "(command line)",
                where,
                "expected LEVER=V1,V2,...",
                allowed="levers " + ", ".join(LEVERS),
            )
        if name in grid:
            raise InputError("(command line)", where, f"{name} given twice")
        try:
            values = sorted({float(v) for v in raw.split(",") if v.strip()})
        except ValueError:
            raise InputError("(command line)", where, "not a list of numbers") from None
        if not values:
            raise InputError("(command line)", where, "no values", allowed="one or more numbers")
        grid[name] = tuple(values)
    points = int(np.prod([len(v) for v in grid.values()]))
    if points > 400:
        raise InputError(
            "(command line)",
            "--grid",
            f"{points} grid points",
            allowed="at most 400 (each point is a run)",
        )
    return grid


def points(grid: dict[str, tuple[float, ...]]) -> list[dict[str, float]]:
    """Every combination of the levers' values, the last lever varying fastest."""
    names = list(grid)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]


def label_of(point: dict[str, float]) -> str:
    """A variant label for a grid point (``rate=0.012,bonus=300``)."""
    return ",".join(f"{k}={v:g}" for k, v in point.items())


def sets_of(point: dict[str, float]) -> dict[str, float]:
    """The policy overrides of a grid point."""
    return {LEVERS[k].key: v for k, v in point.items()}


def _reduce(by_path, series, how: str) -> np.ndarray:
    names = series if isinstance(series, tuple) else (series,)
    x = sum(stack(by_path, n) for n in names)
    if how == "end":
        return x[:, -1]
    if how == "end1":
        return np.minimum(x[:, -1], 1.0)
    return {"sum": x.sum(axis=1), "max": x.max(axis=1), "min": x.min(axis=1)}[how]


def figures_of(by_path) -> dict[str, list[float]]:
    """One grid point's decision figures: [5%, median, 95%] across paths."""
    out = {}
    for name, (series, how, _) in FIGURES.items():
        q = np.quantile(_reduce(by_path, series, how).astype(float), QUANTILES)
        out[name] = [float(v) for v in q]
    return out


def series_of(by_path) -> dict[str, list[list[float]]]:
    """One grid point's chart: each series' [5%, median, 95%] by month."""
    out = {}
    for name in SERIES:
        q = np.quantile(stack(by_path, name).astype(float), QUANTILES, axis=0)
        out[name] = [[round(float(v), 4) for v in row] for row in q]
    return out


def interpolate(grid: dict[str, tuple[float, ...]], values: list, setting: dict[str, float]):
    """Multilinear interpolation of ``values`` (one per grid point, in :func:`points` order,
    each a number or nested lists of numbers) at ``setting``; a setting outside a lever's
    range is held at the nearest end. Returns the value and whether it was interpolated."""
    names = list(grid)
    dims = [len(grid[n]) for n in names]
    corners = [[]]
    between = False
    for name in names:
        axis = grid[name]
        x = min(max(setting[name], axis[0]), axis[-1])
        i = int(np.searchsorted(axis, x, side="right") - 1)
        i = min(max(i, 0), len(axis) - 1)
        if axis[i] == x or i == len(axis) - 1:
            pairs = [(i, 1.0)]
        else:
            w = (x - axis[i]) / (axis[i + 1] - axis[i])
            pairs = [(i, 1.0 - w), (i + 1, w)]
            between = True
        corners = [[*c, p] for c in corners for p in pairs]
    total = None
    for corner in corners:
        index, weight = 0, 1.0
        for (i, w), size in zip(corner, dims, strict=True):
            index = index * size + i
            weight *= w
        part = _scale(values[index], weight)
        total = part if total is None else _add(total, part)
    return total, between


def _scale(v, w):
    return [_scale(x, w) for x in v] if isinstance(v, list) else v * w


def _add(a, b):
    return [_add(x, y) for x, y in zip(a, b, strict=True)] if isinstance(a, list) else a + b
