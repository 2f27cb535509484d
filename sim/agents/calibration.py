"""Calibration targets, and the agents' simulated value of each.

A target is a published figure (``scenarios/calibration/targets.toml``): its
value, the band its source supports, the source and its date — and, as data,
how the model measures the same thing: a ratio of sums of monthly series over
a window of months::

    moment = scale * sum(numerator series over months a..b, all paths)
                   / sum(denominator series over months a..b, all paths)

A series is any series :mod:`sim.agents.engine_month` records each month
(:data:`~sim.agents.engine_month.SERIES`: the month's counts and sums, and what
it derives from people's accounts; a by-key series such as ``refused`` gives
``refused.CODE``). A series name prefixed with ``-`` is subtracted. So a new
target needs one table in the targets file and no code.

The band is read as a 95% range: the target's standard deviation is a quarter
of its width, and its weight in a fit (``sim.agents.fitting``) is one over
that variance. A target with ``fit = false`` is reported but not fitted (the
model cannot produce it: see the target's own note).

:func:`calibrate` synthesises a population, runs it through the engine's own
month (:mod:`sim.agents.engine_month`: the counter, the loan desk and book, the
pool) and prints each moment beside its target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.agents.config import AgentConfig
from sim.agents.engine_month import COUNTS, DERIVED, DICTS, record_paths
from sim.core.errors import InputError, read_toml
from sim.fund.policy import Policy
from sim.report.terminal import significant, table

DEFAULT_TARGETS = Path(__file__).resolve().parents[2] / "scenarios/calibration/targets.toml"

_REQUIRED = {"description", "value", "band", "source", "date", "numerator", "denominator", "months"}
_OPTIONAL = {"scale", "fit"}


def stats_series() -> tuple[set[str], set[str]]:
    """The recorder's count series and its by-key series (whose keys become ``field.KEY``)."""
    return set(COUNTS), set(DICTS)


@dataclass(frozen=True)
class Target:
    """One published figure and how the model measures it (see the module docstring)."""

    name: str
    description: str
    value: float
    band: tuple[float, float]
    source: str
    date: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    months: tuple[int, int]
    scale: float = 1.0
    fit: bool = True

    @property
    def sd(self) -> float:
        """The band read as a 95% range: a quarter of its width."""
        return (self.band[1] - self.band[0]) / 4.0


@dataclass(frozen=True)
class Moment:
    """One target beside what the model gave."""

    target: Target
    simulated: float

    name = property(lambda self: self.target.name)
    source = property(lambda self: self.target.source)

    @property
    def within(self) -> bool:
        """True if the simulated value lies within the target's band."""
        lo, hi = self.target.band
        return lo <= self.simulated <= hi


def load_targets(path: str | Path = DEFAULT_TARGETS) -> dict[str, Target]:
    """Read and check a targets file; every problem is one line naming file and key."""
    origin = str(path)
    data = read_toml(path)
    moments = data.get("moments")
    if not isinstance(moments, dict) or set(data) != {"moments"} or not moments:
        raise InputError(origin, "moments", "the file holds one table of [moments.NAME]")
    return {name: _target(origin, name, m) for name, m in moments.items()}


def _target(origin: str, name: str, m) -> Target:
    where = f"moments.{name}"
    if not isinstance(m, dict):
        raise InputError(origin, where, "not a table")
    for key in m:
        if key not in _REQUIRED | _OPTIONAL:
            allowed = ", ".join(sorted(_REQUIRED | _OPTIONAL))
            raise InputError(origin, f"{where}.{key}", "unknown key", allowed=allowed)
    for key in sorted(_REQUIRED - set(m)):
        raise InputError(origin, f"{where}.{key}", "missing")
    for key in ("description", "source", "date"):
        if not isinstance(m[key], str) or not m[key].strip():
            raise InputError(origin, f"{where}.{key}", f"got {m[key]!r}", allowed="a string")
    value = _number(origin, f"{where}.value", m["value"])
    band = m["band"]
    if not (isinstance(band, list) and len(band) == 2):
        raise InputError(origin, f"{where}.band", f"got {band!r}", allowed="[low, high]")
    lo, hi = (_number(origin, f"{where}.band", b) for b in band)
    if not lo < hi:
        raise InputError(origin, f"{where}.band", f"got {band!r}", allowed="low < high")
    if not lo <= value <= hi:
        raise InputError(
            origin, f"{where}.value", f"{value} outside the band", allowed=f"{lo}-{hi}"
        )
    months = m["months"]
    ok = isinstance(months, list) and len(months) == 2
    ok = ok and all(isinstance(x, int) and not isinstance(x, bool) for x in months)
    if not ok or not 1 <= months[0] <= months[1] <= 1200:
        raise InputError(
            origin, f"{where}.months", f"got {months!r}", allowed="[a, b], 1 <= a <= b"
        )
    scale = _number(origin, f"{where}.scale", m.get("scale", 1.0))
    if scale <= 0:
        raise InputError(origin, f"{where}.scale", f"got {scale}", allowed="a number > 0")
    if not isinstance(m.get("fit", True), bool):
        raise InputError(origin, f"{where}.fit", f"got {m['fit']!r}", allowed="true or false")
    return Target(
        name,
        m["description"],
        value,
        (lo, hi),
        m["source"],
        m["date"],
        _series(origin, f"{where}.numerator", m["numerator"]),
        _series(origin, f"{where}.denominator", m["denominator"]),
        (months[0], months[1]),
        scale,
        m.get("fit", True),
    )


def _number(origin: str, key: str, v) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise InputError(origin, key, f"got {v!r}", allowed="a number")
    return float(v)


def _series(origin: str, key: str, names) -> tuple[str, ...]:
    numbers, dicts = stats_series()
    known = numbers | set(DERIVED)
    if not isinstance(names, list) or not names or not all(isinstance(s, str) for s in names):
        raise InputError(origin, key, f"got {names!r}", allowed="a list of series names")
    for s in names:
        bare = s.removeprefix("-")
        if bare not in known and bare.partition(".")[0] not in dicts:
            allowed = ", ".join(sorted(known)) + ", " + ", ".join(f"{d}.KEY" for d in sorted(dicts))
            raise InputError(origin, key, f"unknown series {s!r}", allowed=allowed)
    return tuple(names)


# ---------------------------------------------------------------- measuring


def record(
    config: AgentConfig,
    policy: Policy,
    *,
    n: int,
    months: int,
    seed: int,
    path: int,
    start_month: int,
) -> dict[str, np.ndarray]:
    """One path through the engine's month: every series, one value a month (float64)."""
    return record_paths(
        config, policy, n=n, months=months, seed=seed, start_month=start_month, paths=[path]
    )[0]


def moment(target: Target, paths: list[dict[str, np.ndarray]]) -> float:
    """The target's ratio of sums over its window and all ``paths`` (NaN if out of the run)."""
    a, b = target.months
    length = min(len(next(iter(p.values()))) for p in paths)
    if a > length:
        return math.nan
    window = slice(a - 1, min(b, length))

    def total(names):
        out = 0.0
        for name in names:
            sign, bare = (-1.0, name[1:]) if name.startswith("-") else (1.0, name)
            out += sign * sum(float(p[bare][window].sum()) for p in paths if bare in p)
        return out

    den = total(target.denominator)
    return target.scale * total(target.numerator) / den if den else math.nan


def calibrate(
    config: AgentConfig,
    policy: Policy,
    *,
    targets: str | Path = DEFAULT_TARGETS,
    n: int = 20_000,
    months: int = 36,
    seed: int = 1,
    paths: int = 1,
    start_month: int,
) -> list[Moment]:
    """Simulated moments beside their targets, in the targets file's order."""
    wanted = load_targets(targets)
    runs = record_paths(
        config, policy, n=n, months=months, seed=seed, start_month=start_month, paths=range(paths)
    )
    return [Moment(t, moment(t, runs)) for t in wanted.values()]


def format_moments(moments: list[Moment]) -> str:
    """A table: moment, simulated, target and band, within the band or not."""
    rows = []
    for m in moments:
        t = m.target
        ok = "n/a" if math.isnan(m.simulated) else "yes" if m.within else "NO"
        ok += "" if t.fit else " (not fitted)"
        band = f"{significant(t.band[0])}–{significant(t.band[1])}"
        rows.append([t.name, significant(m.simulated), significant(t.value), band, ok])
    return table(["moment", "simulated", "target", "band", "ok"], rows, align="lrrrl")
