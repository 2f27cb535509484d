"""Where the liquidity lines break: PRIM boxes for every breach kind from one set of samples.

Scenario discovery (:func:`sim.stress.reverse.discover_runs`) runs a stress's effects sampled
jointly over its ``[ranges]``. Each sample's runs say, for **every** breach kind
(:data:`sim.stress.breaches.KINDS`) at once, whether it breached on at least ``level`` of the
paths, so one set of samples answers "what combination crosses each line": per kind, how many
samples breach, the PRIM box where breaches concentrate (:func:`sim.stress.reverse.prim`,
:func:`~sim.stress.reverse.choose_box`), its coverage and density, and the **smallest breaking
sample** — the breaching sample closest to no stress, each effect measured as the share of its
range's distance from the no-effect value. The search file
``scenarios/stress/search/liquidity.toml`` spans the employee outflow, loan demand, a run of
exits and a loan-rate cut; it reads the pool from the scenario's fund file, so it works on
whichever pool that file describes.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.shock import SHOCK_EFFECTS
from sim.stress.breaches import KINDS
from sim.stress.reverse import Box, choose_box, prim

EFFECT_WORDS = {
    "income_cut": ("收入下降", "incomes cut by"),
    "idle_multiplier": ("无收入月份倍数", "idle months ×"),
    "exit_multiplier": ("退出倍数", "exits ×"),
    "purchase_multiplier": ("购房倍数", "purchases ×"),
    "employee_deposits": ("职工缴存倍数", "employee deposits ×"),
    "employee_withdrawals": ("职工提取倍数", "employee withdrawals ×"),
    "employee_loan_demand": ("职工贷款需求倍数", "employee loan demand ×"),
    "house_prices": ("房价指数", "house prices ×"),
    "loan_rate_cut": ("贷款利率下调", "loan rates cut by"),
}  # fmt: skip


def distance(row: np.ndarray, names: list[str], ranges: dict[str, tuple[float, float]]) -> float:
    """How far a sample is from no stress: the sum over effects of the share of the range's
    distance from the no-effect value that the sample has gone."""
    total = 0.0
    for value, name in zip(row, names, strict=True):
        neutral = SHOCK_EFFECTS[name][2]
        lo, hi = ranges[name]
        far = max(abs(lo - neutral), abs(hi - neutral)) or 1.0
        total += abs(value - neutral) / far
    return total


def describe(box: Box, ranges: dict[str, tuple[float, float]], lang: str) -> str:
    """The box in words: only the bounds PRIM tightened (``ranges``: the full box, the
    samples' own span), each effect named."""
    parts = []
    for name, (lo, hi) in box.bounds.items():
        flo, fhi = ranges[name]
        word = EFFECT_WORDS[name][0 if lang == "zh" else 1]
        if lo > flo + 1e-12:
            parts.append(f"{word} ≥ {lo:.3g}" if lang == "zh" else f"{word} {lo:.3g} or more")
        if hi < fhi - 1e-12:
            parts.append(f"{word} ≤ {hi:.3g}" if lang == "zh" else f"{word} {hi:.3g} or less")
    if not parts:
        return "范围内任意组合" if lang == "zh" else "anywhere in the ranges"
    return ("且".join(parts)) if lang == "zh" else " and ".join(parts)


def sample_text(row: np.ndarray, names: list[str], lang: str) -> str:
    """A sample's effects in words, those away from no effect only."""
    parts = [
        f"{EFFECT_WORDS[n][0 if lang == 'zh' else 1]} {v:.3g}"
        for v, n in zip(row, names, strict=True)
        if abs(v - SHOCK_EFFECTS[n][2]) > 1e-9
    ]
    return ("，".join(parts) if lang == "zh" else ", ".join(parts)) or "–"


def discover_kinds(
    x: np.ndarray,
    names: list[str],
    ranges: dict[str, tuple[float, float]],
    probabilities: list[dict[str, float]],
    *,
    level: float,
) -> list[dict]:
    """Per breach kind: samples breaching, the PRIM box, the smallest breaking sample."""
    rows = []
    for kind in KINDS:
        y = np.array([p[kind.name] >= level for p in probabilities])
        row = {"breach": kind.name, "samples": len(y), "breaching": int(y.sum())}
        if y.any():
            boxes = prim(x, y, names)
            box = choose_box(boxes)
            near = min(np.flatnonzero(y), key=lambda i: distance(x[i], names, ranges))
            row |= {
                "box": box,
                "full": boxes[0].bounds,
                "coverage": box.coverage,
                "density": box.density,
                "support": box.support,
                "smallest": x[near],
            }
        rows.append(row)
    return rows


def discovery_table(rows: list[dict], names, ranges, lang: str) -> tuple[list, list]:
    """Head and rows (strings) of the discovery table."""
    zh = lang == "zh"
    head = (
        ["突破", "突破样本", "突破集中的区域（PRIM）", "覆盖率", "密度", "最小的突破组合"]
        if zh
        else [
            "breach",
            "samples breaching",
            "where breaches concentrate (PRIM box)",
            "coverage",
            "density",
            "smallest breaking combination",
        ]
    )
    body = []
    for r in rows:
        kind = next(k for k in KINDS if k.name == r["breach"])
        name = kind.zh if zh else kind.en
        count = f"{r['breaching']} / {r['samples']}"
        if not r["breaching"]:
            body.append([name, count, "无" if zh else "none in the ranges", "–", "–", "–"])
            continue
        body.append(
            [
                name,
                count,
                describe(r["box"], r["full"], lang),
                f"{r['coverage']:.0%}",
                f"{r['density']:.0%}",
                sample_text(r["smallest"], names, lang),
            ]
        )
    return head, body
