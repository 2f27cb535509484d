"""The decision figures: one number per simulated path that the committee's choice turns on.

Sensitivity analysis, the robust table and the optimiser all reduce a path's
monthly series (:data:`sim.engine.series.SERIES`) to the same few figures, so they
rank the same things. Each :class:`Output` names the series it reads; an
output whose series the engine does not write is left out (not faked).
Money in yuan; "over the horizon" sums a flow over every month (only a flow:
a series' kind and unit are :mod:`sim.engine.series`'s), "at the horizon"
reads a stock or a level at its end. The segment reserve's coverage is capped
at 1 (a reserve as large as the loans covers everything; with no loans yet the
engine reports a huge ratio).

:data:`LIMITS` are the liquidity limits the robust table and the chance
constraints check per path: the minimum survival horizon at least six months,
the segment's loan risk reserve never exhausted (no uncovered loss), the peak
个贷率 at most the level where the centre's level-3 response starts (FACTS.md
liquidity: Guiyang above 95%).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.engine.series import BY_NAME, FLOW, SERIES

Series = dict[str, np.ndarray]


@dataclass(frozen=True)
class Output:
    """One decision figure of a path."""

    name: str
    en: str
    zh: str
    columns: tuple[str, ...]
    of: Callable[[Series], float]
    better: str  # "high" or "low"

    def label(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def unit(self) -> str:
        """Its series' unit (:mod:`sim.engine.series`)."""
        return BY_NAME[self.columns[0]].unit


def _kind(col: str, flow: bool) -> str:
    """``col``, refused if it is a stock or level summed over the horizon, or a flow read at
    its end (a series' kind is :mod:`sim.engine.series`'s)."""
    if col in BY_NAME and (BY_NAME[col].kind == FLOW) != flow:
        raise ValueError(f"{col} is a {BY_NAME[col].kind}: {'not ' * flow}summed over the horizon")
    return col


def _total(*cols: str) -> Callable[[Series], float]:
    cols = tuple(_kind(c, flow=True) for c in cols)
    return lambda s: float(sum(s[c].sum() for c in cols))


def _last(col: str) -> Callable[[Series], float]:
    col = _kind(col, flow=False)
    return lambda s: float(s[col][-1])


def _min(col: str) -> Callable[[Series], float]:
    return lambda s: float(s[col].min())


def _max(col: str) -> Callable[[Series], float]:
    return lambda s: float(s[col].max())


_ALL = (
    Output("segment_margin", "segment margin over the horizon (yuan)", "灵活就业分账收益合计（元）",
           ("segment_margin",), _total("segment_margin"), "high"),
    Output("subsidy_cost", "subsidy cost over the horizon (yuan)", "补贴支出合计（元）",
           ("segment_subsidy_cost",), _total("segment_subsidy_cost"), "low"),
    Output("members", "members at the horizon", "期末缴存人数",
           ("members",), _last("members"), "high"),
    Output("deposits", "deposits attracted over the horizon (yuan)", "累计缴存额（元）",
           ("deposits",), _total("deposits"), "high"),
    Output("min_survival_months", "minimum survival horizon (months)", "最短流动性支撑月数",
           ("survival_months",), _min("survival_months"), "high"),
    Output("peak_loan_to_deposit", "peak loan-to-deposit ratio of the pool", "资金池个贷率峰值",
           ("pool_loan_to_deposit",), _max("pool_loan_to_deposit"), "low"),
    Output("segment_reserve_coverage", "segment reserve / its loans at the horizon (at most 1)",
           "期末灵活就业风险准备金覆盖率", ("segment_reserve_to_loans",),
           lambda s: min(float(s["segment_reserve_to_loans"][-1]), 1.0), "high"),
    Output("segment_reserve_uncovered", "segment losses beyond its reserve (yuan)",
           "风险准备金未覆盖损失（元）", ("reserve_uncovered",), _last("reserve_uncovered"), "low"),
    Output("unmet_withdrawals", "withdrawals left unpaid (yuan, peak)", "未能兑付提取额峰值（元）",
           ("unmet_withdrawals",), _max("unmet_withdrawals"), "low"),
)  # fmt: skip
OUTPUTS: dict[str, Output] = {o.name: o for o in _ALL if set(o.columns) <= set(SERIES)}
"""The decision figures this engine can give, by name."""


@dataclass(frozen=True)
class Limit:
    """A liquidity limit checked on each path: ``output`` ``op`` ``level``."""

    name: str
    output: str
    op: str  # ">=" or "<="
    level: float
    en: str
    zh: str

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Whether the limit holds, elementwise over values of its output."""
        v = np.asarray(values, dtype=float)
        return v >= self.level if self.op == ">=" else v <= self.level


LIMITS: dict[str, Limit] = {
    lim.name: lim
    for lim in (
        Limit(
            "survival",
            "min_survival_months",
            ">=",
            6.0,
            "survival horizon never under 6 months",
            "流动性支撑不少于6个月",
        ),
        Limit(
            "reserve",
            "segment_reserve_uncovered",
            "<=",
            0.0,
            "segment reserve never exhausted",
            "风险准备金始终覆盖损失",
        ),
        Limit(
            "loan_to_deposit",
            "peak_loan_to_deposit",
            "<=",
            0.95,
            "peak loan-to-deposit ratio at most 95%",
            "个贷率峰值不超过95%",
        ),
    )
    if lim.output in OUTPUTS
}
"""Liquidity limits (see the module docstring)."""


def path_outputs(series: Series, names=None) -> dict[str, float]:
    """Every decision figure (or those named) of one path's series."""
    return {n: OUTPUTS[n].of(series) for n in (names or OUTPUTS)}


@dataclass(frozen=True)
class Objective:
    """What the committee maximises, from the mean decision figures of one draw."""

    name: str
    en: str
    zh: str
    needs: tuple[str, ...]
    of: Callable[[dict[str, float]], float]


def _per_yuan(gain: str) -> Callable[[dict[str, float]], float]:
    return lambda m: m[gain] / m["subsidy_cost"] if m["subsidy_cost"] > 0 else float("nan")


OBJECTIVES: dict[str, Objective] = {
    o.name: o
    for o in (
        Objective(
            "segment_margin",
            "segment margin (yuan)",
            "灵活就业分账收益（元）",
            ("segment_margin",),
            lambda m: m["segment_margin"],
        ),
        Objective(
            "deposits_per_subsidy",
            "deposits per yuan of subsidy",
            "每元补贴带来的缴存额",
            ("deposits", "subsidy_cost"),
            _per_yuan("deposits"),
        ),
        Objective(
            "members_per_subsidy",
            "members per 10,000 yuan of subsidy",
            "每万元补贴带来的缴存人数",
            ("members", "subsidy_cost"),
            lambda m: 1e4 * _per_yuan("members")(m),
        ),
    )
    if set(o.needs) <= set(OUTPUTS)
}
"""Objectives of the robust table and the optimiser. A ratio's numerator is the total over
the horizon (deposits) or the members at its end; its denominator the subsidy paid."""


def objective_of(name: str) -> Objective:
    """An objective by name; a one-line error naming the allowed ones."""
    from sim.core.errors import InputError

    if name not in OBJECTIVES:
        raise InputError("(command line)", "objective", f"{name!r}", allowed=", ".join(OBJECTIVES))
    return OBJECTIVES[name]
