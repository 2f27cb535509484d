"""The uncertain inputs as data: which assumptions may be wrong, by how much, and why.

An uncertainty file (``scenarios/uncertainty/*.toml``) lists parameters of the
policy, population and fund files whose values no source pins down, each with
its key path exactly as ``--set`` takes it, a distribution and the basis of
its range (a FACTS.md source, a calibration interval or a stated judgement)::

    [uncertainty]
    name = "default"
    description = "…"

    [[parameter]]
    key = "behaviour.joining.base_annual_rate"
    distribution = "uniform"        # uniform | loguniform: low, high
    low = 0.02                      # triangular: low, mode, high
    high = 0.08                     # normal: mean, sd, low, high (truncated)
    basis = "FACTS.md …"

The loader is strict: every key known, every range inside what the key
accepts, every distribution well formed, one line per problem naming the
file, the key and what is allowed. A point of the unit hypercube (what the
samplers draw) maps to ``--set`` values through each distribution's quantile
function, so a design over ``[0, 1]^d`` carries any mix of distributions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from sim.core.checks import only_keys, table_at
from sim.core.errors import InputError, read_toml
from sim.fund.params import SPEC_BY_KEY
from sim.scenario.file_sets import file_spec, is_file_key
from sim.scenario.files import SCENARIO_DIR

UNCERTAINTY_DIR = SCENARIO_DIR / "uncertainty"
DEFAULT_UNCERTAINTY = UNCERTAINTY_DIR / "default.toml"

DISTRIBUTIONS = {
    "uniform": ("low", "high"),
    "loguniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd", "low", "high"),
}
"""Each distribution and the numbers it needs (``normal`` is truncated to ``[low, high]``)."""


@dataclass(frozen=True)
class Uncertain:
    """One uncertain parameter: a ``--set`` key path and its distribution."""

    key: str
    distribution: str
    args: dict[str, float]
    basis: str
    integer: bool = False
    fen: bool = False  # an amount of money: values in whole fen

    @property
    def low(self) -> float:
        return self.args["low"]

    @property
    def high(self) -> float:
        return self.args["high"]

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Values at probabilities ``u`` in [0, 1] (the inverse distribution function)."""
        a = self.args
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.distribution == "uniform":
            x = a["low"] + u * (a["high"] - a["low"])
        elif self.distribution == "loguniform":
            x = np.exp(np.log(a["low"]) + u * (np.log(a["high"]) - np.log(a["low"])))
        elif self.distribution == "triangular":
            span = a["high"] - a["low"]
            x = stats.triang.ppf(u, (a["mode"] - a["low"]) / span, loc=a["low"], scale=span)
        else:
            lo, hi = (a["low"] - a["mean"]) / a["sd"], (a["high"] - a["mean"]) / a["sd"]
            x = stats.truncnorm.ppf(u, lo, hi, loc=a["mean"], scale=a["sd"])
        x = np.clip(x, a["low"], a["high"])
        return np.rint(x) if self.integer else np.round(x, 2) if self.fen else x


@dataclass(frozen=True)
class Space:
    """A checked set of uncertain parameters (an uncertainty file, or part of one)."""

    path: str
    name: str
    description: str
    parameters: tuple[Uncertain, ...]

    @property
    def names(self) -> list[str]:
        return [p.key for p in self.parameters]

    def values(self, unit: np.ndarray) -> np.ndarray:
        """Parameter values (rows: samples) at points of the unit hypercube."""
        unit = np.atleast_2d(unit)
        if unit.shape[1] != len(self.parameters):
            raise ValueError(f"{unit.shape[1]} columns for {len(self.parameters)} parameters")
        return np.column_stack([p.quantile(unit[:, j]) for j, p in enumerate(self.parameters)])

    def sets(self, values: np.ndarray) -> list[dict[str, Any]]:
        """One ``--set`` dictionary per row of ``values``."""
        return [
            {
                p.key: (int(v) if p.integer else float(v))
                for p, v in zip(self.parameters, row, strict=True)
            }
            for row in np.atleast_2d(values)
        ]

    def subset(self, keys) -> Space:
        """The same file restricted to ``keys`` (in the file's order)."""
        keep = set(keys)
        return Space(
            self.path,
            self.name,
            self.description,
            tuple(p for p in self.parameters if p.key in keep),
        )

    def without(self, keys) -> Space:
        """The file less ``keys`` (decision levers are not uncertain)."""
        drop = set(keys)
        return self.subset(k for k in self.names if k not in drop)


def key_range(origin: str, key: str) -> tuple[float, float, bool, bool]:
    """``(low, high, is_integer, is_money)`` a ``--set`` key path accepts; one line if it is
    not numeric. Policy amounts in yuan must be whole fen (the ledger is exact)."""
    spec = SPEC_BY_KEY.get(key)
    if spec is not None:
        if spec.kind not in ("float", "int"):
            raise InputError(
                origin, key, f"not a number ({spec.kind})", allowed="a numeric policy parameter"
            )
        money = spec.unit.startswith("yuan")
        return float(spec.low), float(spec.high), spec.kind == "int", money
    if not is_file_key(key):
        raise InputError(
            origin,
            key,
            "not a key path --set accepts",
            allowed="a policy key path or a population/fund file key path",
        )
    low, high, kind = file_spec(key, origin)
    if kind not in (int, float):
        raise InputError(origin, key, "not a number", allowed="a numeric parameter")
    return float(low), float(high), kind is int, False


def load_uncertainty(path: str | Path = DEFAULT_UNCERTAINTY) -> Space:
    """Read and check an uncertainty file (see the module docstring)."""
    path = _named(path)
    origin = str(path)
    data = read_toml(path)
    only_keys(origin, "", data, {"uncertainty", "parameter"})
    head = table_at(origin, "uncertainty", data.get("uncertainty"))
    only_keys(origin, "uncertainty.", head, {"name", "description"})
    for key in ("name", "description"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            raise InputError(origin, f"uncertainty.{key}", "missing", allowed="a string")
    raw = data.get("parameter")
    if not isinstance(raw, list) or not raw:
        raise InputError(origin, "parameter", "no [[parameter]]", allowed="one or more")
    params, seen = [], set()
    for i, entry in enumerate(raw, start=1):
        key = entry.get("key") if isinstance(entry, dict) else None
        if key in seen:
            raise InputError(origin, f"parameter[{i}].key", f"{key} is listed twice")
        seen.add(key)
        params.append(_parameter(origin, f"parameter[{i}]", entry))
    return Space(origin, head["name"], head["description"], tuple(params))


def _named(path: str | Path) -> Path:
    p = Path(path)
    if p.suffix == ".toml" or p.exists():
        return p
    return UNCERTAINTY_DIR / f"{p}.toml"


def _parameter(origin: str, where: str, entry: Any) -> Uncertain:
    entry = table_at(origin, where, entry)
    key = entry.get("key")
    if not isinstance(key, str) or not key:
        raise InputError(origin, f"{where}.key", "missing", allowed="a --set key path")
    at = f"{where} ({key})"
    dist = entry.get("distribution")
    if dist not in DISTRIBUTIONS:
        raise InputError(
            origin, f"{at}.distribution", f"got {dist!r}", allowed=", ".join(DISTRIBUTIONS)
        )
    needed = DISTRIBUTIONS[dist]
    only_keys(origin, f"{at}.", entry, {"key", "distribution", "basis", *needed})
    basis = entry.get("basis")
    if not isinstance(basis, str) or len(basis.strip()) < 10:
        raise InputError(
            origin,
            f"{at}.basis",
            "missing or too short",
            allowed="the source, calibration interval or judgement behind the range",
        )
    args = {}
    for name in needed:
        v = entry.get(name)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise InputError(origin, f"{at}.{name}", f"missing or not a number (got {v!r})")
        args[name] = float(v)
    low, high, integer, money = key_range(origin, key)
    if not low <= args["low"] < args["high"] <= high:
        raise InputError(
            origin,
            f"{at}.low/high",
            f"[{args['low']:g}, {args['high']:g}]",
            allowed=f"low < high, both within {low:g} to {high:g}",
        )
    if dist == "loguniform" and args["low"] <= 0:
        raise InputError(origin, f"{at}.low", "loguniform needs low > 0")
    if dist == "triangular" and not args["low"] <= args["mode"] <= args["high"]:
        raise InputError(
            origin,
            f"{at}.mode",
            f"got {args['mode']:g}",
            allowed=f"between low {args['low']:g} and high {args['high']:g}",
        )
    if dist == "normal" and (args["sd"] <= 0 or not args["low"] <= args["mean"] <= args["high"]):
        raise InputError(
            origin,
            f"{at}.mean/sd",
            f"mean {args['mean']:g}, sd {args['sd']:g}",
            allowed="sd > 0 and low <= mean <= high",
        )
    return Uncertain(key, dist, args, basis.strip(), integer, money)
