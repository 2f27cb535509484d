"""Stress files: the library of named stresses, read and checked.

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

What a stress does to the figures — metrics per path and breaches — is
:mod:`sim.stress.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sim.core.checks import check_value, only_keys, table_at
from sim.core.errors import InputError, read_toml
from sim.scenario.shock import SHOCK_EFFECTS, Shock, parse_shock

STRESS_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "stress"


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
    shocks = [parse_shock(origin, i, r, start) for i, r in enumerate(raw, start=1)]
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
