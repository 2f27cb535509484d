"""Policies as data: load, check and look up the numbers of a policy file.

A policy (``lyg-2023``, ``lyg-draft``) is a TOML file under
``scenarios/policies/`` holding every number of RULES.md for one version of
the scheme. Each parameter is a table::

    [subsidy.holding_rate]
    description = "Holding subsidy on money stored at least a full year"
    unit = "1/year"
    source = "S1: A §3(5)2, 1%-1.5% a year set by the management committee"
    assumption = "The rate adopted is not public; the bottom of the range"
    value = 0.01

The loader fails, never warns and never clips: an unknown key, a missing
``source`` or ``unit``, a wrong type, a value out of range, a floor above its
cap, or unsorted dates each raise :class:`~sim.core.errors.InputError` naming the
file and the key path. Scenarios override single parameters by key path
(:meth:`Policy.with_overrides`); all overrides are checked before any applies.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sim.core.errors import InputError, read_toml
from sim.core.money import round_yuan_to_fen, yuan_to_fen
from sim.core.months import first_month_in_force, format_month
from sim.fund.params import SPEC_BY_KEY, SPECS, ParamSpec

POLICY_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "policies"
NO_CAP_FEN = 10**15  # X5: ten trillion yuan a month, a bound no deposit reaches (× 12 fits int64)
_META_KEYS = {"id", "title", "document", "issued", "summary_zh", "summary_en"}  # summary: X
_PARAM_KEYS = {"description", "unit", "source", "assumption", "value", "values"}


@dataclass(frozen=True)
class Param:
    """One parameter as loaded: its value (or dated values) and provenance.

    ``dated`` holds ``(first_month, value)`` pairs in date order; a scalar
    parameter has ``dated == ()`` and its value in ``value``.
    """

    spec: ParamSpec
    value: Any
    dated: tuple[tuple[int, Any], ...]
    description: str
    source: str
    assumption: str | None
    origin: str
    starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # the first months of ``dated``, once: ``at`` runs some fifty times a path-month
        object.__setattr__(self, "starts", tuple(m for m, _ in self.dated))

    def at(self, month: int) -> Any:
        """The value in force in ``month``."""
        if not self.dated:
            return self.value
        starts = self.starts
        i = bisect.bisect_right(starts, month) - 1
        if i < 0:
            raise InputError(
                self.origin,
                self.spec.key,
                f"no value in force in {format_month(month)}",
                allowed=f"months from {format_month(starts[0])}",
            )
        return self.dated[i][1]

    def change_months(self) -> list[int]:
        """The months in which the value changes (empty for a scalar)."""
        return [m for m, _ in self.dated]

    def shown(self) -> str:
        """The value written as in a policy file, for reports and tables."""
        if not self.dated:
            return _toml_value(self.value)
        return ", ".join(f"from {format_month(m)}: {_toml_value(v)}" for m, v in self.dated)


@dataclass(frozen=True)
class Policy:
    """A checked policy: every parameter of :data:`~sim.fund.params.SPECS`."""

    id: str
    title: str
    path: str
    params: Mapping[str, Param] = field(repr=False)

    def at(self, key: str, month: int) -> Any:
        """The value of ``key`` in force in ``month``."""
        return self.params[key].at(month)

    def __getitem__(self, key: str) -> Any:
        """The value of a parameter that is not dated."""
        p = self.params[key]
        if p.dated:
            raise KeyError(f"{key} is dated: use Policy.at(key, month)")
        return p.value

    def fen_at(self, key: str, month: int) -> int:
        """``yuan_to_fen(self.at(key, month))``: an amount in yuan in force, in whole fen
        (refused if finer than a fen)."""
        return yuan_to_fen(self.params[key].at(month))

    def floor_fen(self, month: int) -> int:
        """The deposit floor in force in ``month``, in fen (D1, D2).

        Under ``floor_basis = "fixed"`` (lyg-2023, D1) it is ``deposit.floor``;
        under ``"min_wage_ratio"`` (lyg-draft, D2) it is the minimum wage
        times the minimum ratio, rounded to the fen.
        """
        if self["deposit.floor_basis"] == "fixed":
            return yuan_to_fen(self.at("deposit.floor", month))
        return _rounded_fen(self.at("deposit.min_wage", month) * self["deposit.min_ratio"])

    def cap_fen(self, month: int) -> int:
        """The monthly deposit cap in force in ``month``, in fen (D1); under
        ``deposit.capped = false`` (X5, Suzhou) :data:`NO_CAP_FEN`, which no deposit reaches."""
        if not self["deposit.capped"]:
            return NO_CAP_FEN
        return yuan_to_fen(self.at("deposit.monthly_cap", month))

    def assumptions(self) -> list[Param]:
        """Every parameter whose value is an assumption, not a published number."""
        return [p for p in self.params.values() if p.assumption]

    def with_overrides(self, overrides: Mapping[str, Any], *, origin: str) -> Policy:
        """A copy with single parameters replaced, all checked before any applies.

        ``overrides`` maps key paths to a scalar or a dated table
        (``{"2025-07-01": 6000}``). ``origin`` names the file (or the command
        line) they came from, for error messages.
        """
        new = dict(self.params)
        for key, raw in overrides.items():
            spec = SPEC_BY_KEY.get(key)
            if spec is None:
                raise InputError(origin, key, "unknown policy parameter", allowed=_known())
            if isinstance(raw, dict):
                value, dated = _parse_value(origin, spec, {"values": raw})
            elif spec.dated == "required":
                # A plain number replaces a dated table from its first date on.
                start = self.params[key].dated[0][0]
                value = _check_scalar(origin, key, spec, raw)
                dated = ((start, value),)
            else:
                value, dated = _parse_value(origin, spec, {"value": raw})
            new[key] = replace(self.params[key], value=value, dated=dated, origin=origin)
        _check_consistency(origin, new)
        return replace(self, params=MappingProxyType(new))


@functools.lru_cache(maxsize=256, typed=True)
def _rounded_fen(yuan: float) -> int:
    """:func:`round_yuan_to_fen` of a derived amount, once per amount."""
    return round_yuan_to_fen(yuan)


def policy_path(name: str | Path) -> Path:
    """The file of a policy given by ID (``"lyg-2023"``) or by path."""
    p = Path(name)
    if p.suffix == ".toml" or p.exists():
        return p
    candidate = POLICY_DIR / f"{name}.toml"
    if not candidate.exists():
        known = sorted(f.stem for f in POLICY_DIR.glob("*.toml"))
        raise InputError(name, "policy", f"no policy {str(name)!r}", allowed=", ".join(known))
    return candidate


def policy_named_in(origin: str, key: str, name: str, base: Path) -> Policy:
    """A policy a user's file names at ``key``: by ID, or by path (also tried relative to
    ``base``, the file's folder); an unknown one is reported against the user's file."""
    beside = Path(base) / name
    if name.endswith(".toml") and not Path(name).exists() and beside.exists():
        name = str(beside)
    try:
        return load_policy(name)
    except InputError as exc:
        if exc.key != "policy":
            raise
        raise InputError(origin, key, exc.problem, allowed=exc.allowed) from None


def load_policy(name: str | Path) -> Policy:
    """Load and check a policy by ID or path; see the module docstring."""
    path = policy_path(name)
    data = read_toml(path)
    origin = str(path)
    for key in ("id", "title"):
        if not isinstance(data.get(key), str):
            raise InputError(origin, key, "missing or not a string", allowed="a string")
    params: dict[str, Param] = {}
    _walk(origin, data, "", params)
    missing = [s.key for s in SPECS if s.key not in params]
    if missing:
        raise InputError(origin, missing[0], "missing parameter", allowed="every key of params.py")
    _check_consistency(origin, params)
    return Policy(data["id"], data["title"], origin, MappingProxyType(params))


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return f"{v:g}"


def _known() -> str:
    return "one of the key paths in sim/fund/params.py"


def _walk(origin: str, table: dict, prefix: str, out: dict[str, Param]) -> None:
    for name, item in table.items():
        key = f"{prefix}{name}"
        if not prefix and name in _META_KEYS:
            continue
        if key in SPEC_BY_KEY:
            if not isinstance(item, dict):
                raise InputError(origin, key, "must be a table with value and source")
            out[key] = _parse_param(origin, SPEC_BY_KEY[key], item)
        elif isinstance(item, dict) and any(s.key.startswith(key + ".") for s in SPECS):
            _walk(origin, item, key + ".", out)
        else:
            raise InputError(origin, key, "unknown key", allowed=_known())


def _parse_param(origin: str, spec: ParamSpec, table: dict) -> Param:
    key = spec.key
    for extra in table.keys() - _PARAM_KEYS:
        raise InputError(origin, f"{key}.{extra}", "unknown key", allowed=", ".join(_PARAM_KEYS))
    for required in ("description", "unit", "source"):
        if not isinstance(table.get(required), str) or not table[required].strip():
            raise InputError(origin, f"{key}.{required}", "missing or empty", allowed="a string")
    if table["unit"] != spec.unit:
        raise InputError(origin, f"{key}.unit", f"unit {table['unit']!r}", allowed=spec.unit)
    assumption = table.get("assumption")
    if assumption is not None and (not isinstance(assumption, str) or not assumption.strip()):
        raise InputError(origin, f"{key}.assumption", "must state its basis", allowed="a string")
    value, dated = _parse_value(origin, spec, table)
    return Param(spec, value, dated, table["description"], table["source"], assumption, origin)


def _parse_value(origin: str, spec: ParamSpec, table: dict) -> tuple[Any, tuple]:
    key = spec.key
    has_value, has_values = "value" in table, "values" in table
    if has_value == has_values:
        raise InputError(origin, key, "needs exactly one of value or values")
    if has_value:
        if spec.dated == "required":
            raise InputError(origin, key, "must be dated", allowed="values = { YYYY-MM-DD = … }")
        return _check_scalar(origin, key, spec, table["value"]), ()
    if spec.dated == "never":
        raise InputError(origin, f"{key}.values", "cannot be dated", allowed="value = …")
    raw = table["values"]
    if not isinstance(raw, dict) or not raw:
        raise InputError(origin, f"{key}.values", "must be a non-empty table of dates")
    dated, last = [], None
    for text, v in raw.items():
        try:
            day = text if isinstance(text, dt.date) else dt.date.fromisoformat(str(text))
        except ValueError:
            raise InputError(
                origin, f"{key}.values", f"{text!r} is not a date", allowed="YYYY-MM-DD"
            ) from None
        m = first_month_in_force(day)
        if last is not None and m <= last:
            raise InputError(
                origin,
                f"{key}.values",
                f"dates unsorted or overlapping at {text}",
                allowed="dates in increasing order, at most one change a month",
            )
        last = m
        dated.append((m, _check_scalar(origin, f"{key}.values.{text}", spec, v)))
    return dated[0][1], tuple(dated)


def _check_scalar(origin: str, key: str, spec: ParamSpec, v: Any) -> Any:
    def bad(problem: str):
        return InputError(origin, key, f"{problem} (got {v!r})", allowed=spec.allowed())

    if spec.kind == "bool":
        if not isinstance(v, bool):
            raise bad("wrong type")
        return v
    if spec.kind == "str":
        if not isinstance(v, str) or v not in spec.choices:
            raise bad("not one of the choices")
        return v
    if spec.kind in ("float_list", "int_list"):
        if not isinstance(v, list) or not v:
            raise bad("wrong type")
        item = "int" if spec.kind == "int_list" else "float"
        return tuple(_check_number(origin, key, spec, x, item) for x in v)
    return _check_number(origin, key, spec, v, spec.kind)


def _check_number(origin: str, key: str, spec: ParamSpec, v: Any, kind: str) -> float | int:
    ok = isinstance(v, int) if kind == "int" else isinstance(v, int | float)
    if isinstance(v, bool) or not ok:
        raise InputError(origin, key, f"wrong type (got {v!r})", allowed=spec.allowed())
    if not spec.low <= v <= spec.high:
        raise InputError(origin, key, f"out of range (got {v!r})", allowed=spec.allowed())
    return v if kind == "int" else float(v)


def _check_consistency(origin: str, params: Mapping[str, Param]) -> None:
    """Checks across parameters: floor ≤ cap at every change, tax table shape."""
    probe = Policy("check", "check", origin, params)
    months = sorted(
        {
            m
            for k in ("deposit.floor", "deposit.min_wage", "deposit.monthly_cap")
            for m in params[k].change_months()
        }
    )
    first = max(params[k].change_months()[0] for k in ("deposit.floor", "deposit.monthly_cap"))
    if probe["deposit.floor_basis"] == "min_wage_ratio":
        first = max(first, params["deposit.min_wage"].change_months()[0])
    for m in (m for m in months if m >= first):
        floor, cap = probe.floor_fen(m), probe.cap_fen(m)
        if floor > cap:
            raise InputError(
                origin,
                "deposit.floor",
                f"floor {floor / 100:.2f} is above the cap {cap / 100:.2f} in {format_month(m)}",
                allowed="floor <= deposit.monthly_cap",
            )
    thresholds, rates = probe["tax.iit_thresholds"], probe["tax.iit_rates"]
    if list(thresholds) != sorted(set(thresholds)):
        raise InputError(origin, "tax.iit_thresholds", "not strictly increasing")
    if len(rates) != len(thresholds) + 1:
        raise InputError(
            origin, "tax.iit_rates", f"{len(rates)} rates", allowed=f"{len(thresholds) + 1} rates"
        )
    if list(rates) != sorted(rates):
        raise InputError(origin, "tax.iit_rates", "not increasing")
    if 1 not in probe["deposit.allowed_months"]:
        raise InputError(origin, "deposit.allowed_months", "must allow a one-month deposit")
    levels = probe["liquidity.rationing_thresholds"]
    if list(levels) != sorted(set(levels)):
        raise InputError(
            origin, "liquidity.rationing_thresholds", f"{list(levels)} not strictly increasing"
        )
    for key in ("liquidity.withdrawal_stop_level", "liquidity.flexible_cap_level"):
        if probe[key] > len(levels):
            raise InputError(origin, key, "above the last line", allowed=f"0 to {len(levels)}")
    for key in (
        "liquidity.rationing_multiple",
        "liquidity.rationing_ltv",
        "liquidity.rationing_ceiling",
    ):
        if len(probe[key]) != len(levels):
            raise InputError(origin, key, f"{len(probe[key])} values", allowed=f"{len(levels)}")
        if list(probe[key]) != sorted(probe[key], reverse=True):
            raise InputError(origin, key, "must not rise with the level", allowed="non-increasing")
    if levels[-1] > probe["liquidity.max_loan_to_deposit"]:
        raise InputError(
            origin,
            "liquidity.rationing_thresholds",
            f"last threshold {levels[-1]} is above max_loan_to_deposit",
            allowed="thresholds <= liquidity.max_loan_to_deposit",
        )
