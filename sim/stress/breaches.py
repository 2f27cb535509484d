"""Breaches by kind and size: what breaks, on how many paths, by how much (issue 22).

Each kind is its own yes/no per path (:data:`KINDS`) with a size that says how large the breach
was on that path, so the summary can say "the pilot's reserve falls short on 8 of 8 paths, by
0.1–2.3 million yuan (0.5–3% of its loans), first in 2028–2030" instead of "every path
breached". The kinds, in three groups:

- **liquidity** (the shared pool, F5 and F6): the credit line used up so that withdrawals wait
  unpaid (size: the largest amount waiting); the survival horizon under :data:`SURVIVAL_LINE`
  months (size: months under it); the pool's 个贷率 above each of :data:`LTD_LINES` (size: months
  above; the usual supervisory warning lines for a provident fund are 85% and 90%, and 95% is
  where lending is rationed);
- **the pilot's reserve** (A §3(6)2: the flexible segment's own loan risk reserve): losses larger
  than the reserve (size: the shortfall in yuan, and as a share of the pilot's peak loan balance;
  the year it first falls short);
- **the pool's reserve** (F4: the employees' loan risk reserve): exhausted (size: its lowest
  balance).

:func:`kind_stats` summarises one set of paths; :func:`sentences` words it (zh, en), naming each
kind that occurs, how often and how large, and saying plainly when none does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.report.labels import money_text

SURVIVAL_LINE = 12.0
"""A path breaches liquidity when its cash survival horizon falls below this many months."""
LTD_LINES = (0.85, 0.90, 0.95)
"""个贷率 lines (pool loans ÷ pool deposits) whose months above are counted."""


@dataclass(frozen=True)
class Kind:
    """A breach kind: its group, its test on a path's metrics, and the metric that sizes it."""

    name: str
    group: str  # liquidity | pilot_reserve | pool_reserve
    test: Callable[[dict[str, float]], bool]
    size: str  # a path metric (sim.stress.metrics.path_metrics)
    zh: str
    en: str


def _ltd(line: float) -> Kind:
    pct = round(line * 100)
    key = f"months_ltd_above_{pct}"
    return Kind(
        f"ltd_{pct}",
        "liquidity",
        lambda m: m[key] > 0,
        key,
        f"资金池个贷率高于 {pct}%",
        f"the pool's loan-to-deposit above {pct}%",
    )


KINDS = (
    Kind("credit_line", "liquidity", lambda m: m["max_unmet_withdrawals"] > 0,
         "max_unmet_withdrawals", "授信用尽、提取未能支付",
         "the credit line used up and withdrawals waiting"),
    Kind("survival", "liquidity", lambda m: m["min_survival_months"] < SURVIVAL_LINE,
         "months_under_survival", f"现金生存期不足 {SURVIVAL_LINE:g} 个月",
         f"the cash survival horizon under {SURVIVAL_LINE:g} months"),
    *(_ltd(line) for line in LTD_LINES),
    Kind("reserve", "pilot_reserve", lambda m: m["reserve_shortfall"] > 0, "reserve_shortfall",
         "灵活就业风险准备金不足以抵补损失", "the pilot's own reserve short of its losses"),
    Kind("pool_reserve", "pool_reserve", lambda m: m["min_pool_reserve"] <= 0, "min_pool_reserve",
         "资金池风险准备金耗尽", "the pool's reserve exhausted"),
)  # fmt: skip
BY_NAME = {k.name: k for k in KINDS}


EXTRA = {
    "survival": {"low": "min_survival_months"},
    "reserve": {"share": "reserve_shortfall_share", "year": "reserve_short_year"},
    **{f"ltd_{round(x * 100)}": {"peak": "peak_pool_loan_to_deposit"} for x in LTD_LINES},
}
"""Figures beside a kind's size: the lowest horizon, the shortfall's share of loans and first
year, the peak 个贷率."""


def kind_stats(metrics: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per kind: paths, paths with it, and the size's lowest/median/highest over those paths
    (with :data:`EXTRA`'s figures alike; NaN when no path has it); money in yuan."""
    out = {}
    for kind in KINDS:
        hit = [m for m in metrics if kind.test(m)]
        stat = {"paths": float(len(metrics)), "count": float(len(hit))}
        for name, key in {"size": kind.size, **EXTRA.get(kind.name, {})}.items():
            x = np.array([m.get(key, np.nan) for m in hit], float)
            q = np.nanquantile(x, [0.0, 0.5, 1.0]) if (~np.isnan(x)).any() else [np.nan] * 3
            stat[f"{name}_lo"], stat[f"{name}_median"], stat[f"{name}_hi"] = (float(v) for v in q)
        out[kind.name] = stat
    return out


def _range(lo: str, hi: str, lang: str) -> str:
    return lo if lo == hi else (f"{lo}–{hi}" if lang == "zh" else f"{lo} to {hi}")


def _months(lo: float, hi: float, lang: str) -> str:
    text = _range(f"{lo:.0f}", f"{hi:.0f}", lang)
    return f"{text} 个月" if lang == "zh" else f"{text} months"


def _pct(x: float) -> str:
    """A share at one decimal, or two below 0.1% (so a small shortfall does not read 0.0%)."""
    return f"{x:.1%}" if abs(x) >= 0.001 or x == 0 else f"{x:.2%}"


def _size(kind: Kind, s: dict[str, float], lang: str) -> str:
    """How large one kind's breach was on the paths that had it."""
    zh = lang == "zh"
    if kind.name == "credit_line":
        amount = _range(money_text(s["size_lo"], lang), money_text(s["size_hi"], lang), lang)
        return f"未能支付的提取最多 {amount}" if zh else f"up to {amount} of withdrawals waiting"
    if kind.name == "survival":
        months, low = _months(s["size_lo"], s["size_hi"], lang), f"{s['low_lo']:.1f}"
        return f"持续 {months}，最低 {low} 个月" if zh else f"for {months}, as low as {low} months"
    if kind.name.startswith("ltd_"):
        months, peak = _months(s["size_lo"], s["size_hi"], lang), f"{s['peak_hi']:.1%}"
        return f"持续 {months}，最高 {peak}" if zh else f"for {months}, peaking at {peak}"
    if kind.name == "reserve":
        amount = _range(money_text(s["size_lo"], lang), money_text(s["size_hi"], lang), lang)
        share = _range(_pct(s["share_lo"]), _pct(s["share_hi"]), lang)
        year = _range(f"{s['year_lo']:.0f}", f"{s['year_hi']:.0f}", lang)
        return (
            f"缺口 {amount}（其贷款峰值的 {share}），首次出现在 {year} 年"
            if zh
            else f"short by {amount} ({share} of its peak loans), first in {year}"
        )
    low = _range(money_text(s["size_lo"], lang), money_text(s["size_hi"], lang), lang)
    return f"最低余额 {low}" if zh else f"lowest balance {low}"


QUIET = {
    "liquidity": {"zh": "无流动性突破", "en": "no liquidity breach"},
    "pilot_reserve": {"zh": "灵活就业风险准备金在每条路径上都足以抵补损失",
                      "en": "the pilot's reserve covered its losses on every path"},
    "pool_reserve": {"zh": "资金池风险准备金从未耗尽", "en": "the pool's reserve never ran out"},
}  # fmt: skip
"""What is said of a group in which no kind occurs."""


def occurred(stats: dict[str, dict[str, float]]) -> list[str]:
    """The kinds that occur on at least one path, in :data:`KINDS` order."""
    return [k.name for k in KINDS if stats[k.name]["count"] > 0]


def sentences(stats: dict[str, dict[str, float]], lang: str) -> str:
    """Each kind that occurs: its name, on how many paths, how large; or that none does."""
    return ("；" if lang == "zh" else "; ").join(clauses(stats, lang))


def clauses(stats: dict[str, dict[str, float]], lang: str) -> list[str]:
    """:func:`sentences`' clauses, one a kind (or one saying that none occurs)."""
    n = int(next(iter(stats.values()))["paths"]) if stats else 0
    kinds = occurred(stats)
    if not kinds:
        lines = "/".join(f"{x:.0%}" for x in LTD_LINES)
        if lang == "zh":
            return [
                f"全部 {n} 条路径均未出现任何突破：流动性（授信用尽、现金生存期不足 "
                f"{SURVIVAL_LINE:g} 个月、个贷率高于 {lines}）、灵活就业风险准备金和"
                "资金池风险准备金均未突破"
            ]
        return [
            f"no breach of any kind on any of the {n} paths: liquidity (credit line used up, "
            f"cash survival horizon under {SURVIVAL_LINE:g} months, loan-to-deposit above "
            f"{lines}), the pilot's reserve and the pool's reserve all held"
        ]
    parts = []
    for name in kinds:
        kind, s = BY_NAME[name], stats[name]
        k = int(s["count"])
        if lang == "zh":
            parts.append(f"{kind.zh}：{n} 条路径中 {k} 条，{_size(kind, s, lang)}")
        else:
            parts.append(f"{kind.en} on {k} of {n} paths, {_size(kind, s, lang)}")
    groups = {BY_NAME[k].group for k in kinds}
    for group in ("liquidity", "pilot_reserve", "pool_reserve"):
        if group not in groups:
            parts.append(QUIET[group][lang])
    return parts


def similar(stats_by_rate: list[dict[str, dict[str, float]]], *, within: float = 0.25) -> bool:
    """True when every rate has the same kinds on the same number of paths, and each kind's
    median size lies within ``within`` of the others' — the breaches cannot tell rates apart."""
    first = stats_by_rate[0]
    for stats in stats_by_rate[1:]:
        for kind in KINDS:
            a, b = first[kind.name], stats[kind.name]
            if a["count"] != b["count"]:
                return False
            if a["count"] and abs(a["size_median"] - b["size_median"]) > within * max(
                abs(a["size_median"]), abs(b["size_median"]), 1e-12
            ):
                return False
    return True
