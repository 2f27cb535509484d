"""Stress testing: the library of named stresses, their metrics, and breaches.

A stress file (``scenarios/stress/*.toml``) is a set of shocks with what it
represents, its basis and a ``severity`` — one multiplier that scales every
shock in it (0 = no stress, 1 = as written, 2 = twice as far from no
effect), so a stress can be scaled by the reverse stress test::

    [stress]
    name = "recession"
    description = "…"
    basis = "…"
    severity = 1.0
    [ranges]                     # optional: ranges for scenario discovery
    income_cut = [0.0, 0.4]
    [[shock]]
    name = "income recession"
    start = "2025-07"
    months = 12
    income_cut = 0.15

It is applied on top of a scenario (``--set stress=FILE``), so a stress and
the baseline see the same people and draws (common random numbers).

**Metrics** per path (:func:`path_metrics`) and **breaches** (:data:`BREACHES`,
each a yes/no per path whose probability across paths is reported).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from sim.core.checks import check_value, only_keys, table_at
from sim.core.errors import InputError, read_toml
from sim.scenario.files import SCENARIO_DIR, SHOCK_EFFECTS, Shock, _shock

STRESS_DIR = SCENARIO_DIR / "stress"
SURVIVAL_THRESHOLD = 12.0
"""A path breaches liquidity when its survival horizon falls below this many months."""


@dataclass(frozen=True)
class Stress:
    """A checked stress file."""

    path: str
    name: str
    description: str
    basis: str
    severity: float
    shocks: tuple[Shock, ...]
    ranges: dict[str, tuple[float, float]]


def library() -> list[Path]:
    """The stress files shipped in ``scenarios/stress/``."""
    return sorted(STRESS_DIR.glob("*.toml"))


def stress_path(name: str | Path) -> Path:
    """A stress by file path or by name in the library."""
    p = Path(name)
    if p.suffix == ".toml":
        return p
    candidate = STRESS_DIR / f"{name}.toml"
    if not candidate.exists():
        known = ", ".join(f.stem for f in library())
        raise InputError(name, "stress", f"no stress {str(name)!r}", allowed=known)
    return candidate


def load_stress(
    name: str | Path,
    *,
    start: int,
    severity: float | None = None,
    effects: dict[str, float] | None = None,
) -> Stress:
    """Read and check a stress; ``severity`` replaces the file's own, ``effects`` set single
    effects (in every shock that has them, else in the first) — scenario discovery's samples."""
    path = stress_path(name)
    origin = str(path)
    data = read_toml(path)
    only_keys(origin, "", data, {"stress", "ranges", "shock"})
    head = table_at(origin, "stress", data.get("stress"))
    only_keys(origin, "stress.", head, {"name", "description", "basis", "severity"})
    for key in ("name", "description", "basis"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            raise InputError(origin, f"stress.{key}", "missing", allowed="a string")
    sev = severity if severity is not None else head.get("severity", 1.0)
    sev = check_value(origin, "stress.severity", sev, 0.0, 10.0, float)
    raw = data.get("shock", [])
    if not isinstance(raw, list) or not raw:
        raise InputError(origin, "shock", "a stress needs at least one [[shock]]")
    shocks = [_shock(origin, i, r, start) for i, r in enumerate(raw, start=1)]
    for key, value in (effects or {}).items():
        if key not in SHOCK_EFFECTS:
            raise InputError(
                origin, f"effects.{key}", "unknown effect", allowed=", ".join(SHOCK_EFFECTS)
            )
        holders = [i for i, s in enumerate(shocks) if key in s.effects] or [0]
        for i in holders:
            shocks[i] = replace(shocks[i], effects={**shocks[i].effects, key: float(value)})
    shocks = tuple(replace(s, severity=s.severity * sev) for s in shocks)
    ranges = {}
    for key, value in table_at(origin, "ranges", data.get("ranges", {})).items():
        if key not in SHOCK_EFFECTS:
            raise InputError(
                origin, f"ranges.{key}", "unknown effect", allowed=", ".join(SHOCK_EFFECTS)
            )
        low, high, _ = SHOCK_EFFECTS[key]
        ok = isinstance(value, list) and len(value) == 2 and low <= value[0] < value[1] <= high
        if not ok:
            raise InputError(
                origin, f"ranges.{key}", f"got {value!r}", allowed=f"[lo, hi] within {low}-{high}"
            )
        ranges[key] = (float(value[0]), float(value[1]))
    return Stress(origin, head["name"], head["description"], head["basis"], sev, shocks, ranges)


def path_metrics(
    series: dict[str, np.ndarray], credit_rate: float, credit_limit: float
) -> dict[str, float]:
    """One path's stress metrics (money in yuan)."""
    uncovered = np.flatnonzero(series["reserve_uncovered"] > 0)
    return {
        "min_survival_months": float(series["survival_months"].min()),
        "peak_loan_to_deposit": float(series["loan_to_deposit"].max()),
        "peak_pool_loan_to_deposit": float(series["pool_loan_to_deposit"].max()),
        "max_queue_length": float(series["loan_queue_length"].max()),
        "max_wait_months": float(series["loan_queue_wait_months"].max()),
        "max_credit_line": float(series["credit_line_balance"].max()),
        "max_unmet_withdrawals": float(series["unmet_withdrawals"].max()),
        "credit_line_cost": float(series["credit_line_balance"].sum() * credit_rate / 12),
        "min_reserve_to_loans": float(series["reserve_to_loans"].min()),
        "reserve_exhausted_month": float(uncovered[0]) if len(uncovered) else float("nan"),
        "defaults_amount": float(series["defaults_amount"].sum()),
        "credit_losses": float(series["credit_losses"].sum()),
        "exits": float(series["exits"].sum()),
        "min_house_price_index": float(series["house_price_index"].min()),
        "deposits": float(series["deposits"].sum()),
        "credit_limit": credit_limit,
    }


BREACHES: dict[str, Callable[[dict[str, float]], bool]] = {
    "survival": lambda m: m["min_survival_months"] < SURVIVAL_THRESHOLD,
    "credit_line": lambda m: m["max_unmet_withdrawals"] > 0,
    "reserve": lambda m: not np.isnan(m["reserve_exhausted_month"]),
}
"""Breaches a risk officer watches: survival horizon under 12 months, the credit line used up
so that withdrawals wait unpaid (the line itself cannot go past its limit, F6), the flexible
segment's own loan risk reserve exhausted by its losses (A §3(6)2)."""

# metric: which tail is the bad one ("low": the 5% quantile, "high": the 95%)
WORST = {
    "min_survival_months": "low", "peak_loan_to_deposit": "high",
    "peak_pool_loan_to_deposit": "high", "max_queue_length": "high", "max_wait_months": "high",
    "max_credit_line": "high", "credit_line_cost": "high", "min_reserve_to_loans": "low",
    "defaults_amount": "high", "credit_losses": "high", "exits": "high", "deposits": "low",
}  # fmt: skip


def table_rows(runs, credit_rate: float, credit_limit: float) -> list[dict[str, Any]]:
    """One row per scenario label: median and worst-5% path of each metric, breach odds."""
    rows = []
    for label, by_path in runs.items():
        metrics = [path_metrics(by_path[p], credit_rate, credit_limit) for p in sorted(by_path)]
        row: dict[str, Any] = {"scenario": label, "paths": len(metrics)}
        for name, tail in WORST.items():
            x = np.array([m[name] for m in metrics])
            row[f"{name}.median"] = float(np.median(x))
            row[f"{name}.worst5"] = float(np.quantile(x, 0.05 if tail == "low" else 0.95))
        for name, breach in BREACHES.items():
            row[f"P({name} breach)"] = float(np.mean([breach(m) for m in metrics]))
        rows.append(row)
    return rows


def breach_probability(by_path, breach: str, credit_rate: float, credit_limit: float) -> float:
    """Share of paths with the named breach."""
    test = BREACHES[breach]
    return float(
        np.mean([test(path_metrics(s, credit_rate, credit_limit)) for s in by_path.values()])
    )
