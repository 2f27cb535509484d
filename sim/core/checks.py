"""Checking tables of user data against specs, one line per problem.

Shared by the population, fund and calibration files: a spec is
``{key: (low, high, kind)}`` with kind ``float``, ``int`` or ``list`` (a list
of ``low`` non-negative shares summing to 1). Every problem raises an
:class:`~sim.core.errors.InputError` naming the file and the key path.
"""

from __future__ import annotations

import math
from typing import Any

from sim.core.errors import InputError
from sim.core.months import parse_month


def table_at(origin: str, key: str, value: Any) -> dict:
    """``value`` if it is a table, else a one-line error naming ``key``."""
    if not isinstance(value, dict):
        raise InputError(origin, key, "missing or not a table")
    return value


def only_keys(origin: str, prefix: str, table: dict, allowed: set[str]) -> None:
    """Raise on the first key of ``table`` not in ``allowed``."""
    for key in table:
        if key not in allowed:
            raise InputError(
                origin, f"{prefix}{key}", "unknown key", allowed=", ".join(sorted(allowed))
            )


def check_table(origin: str, where: str, table: dict, specs: dict, extra=frozenset()) -> dict:
    """Check a table against its specs; every spec key is required, plus a ``basis``."""
    only_keys(origin, f"{where}.", table, {*specs, "basis", *extra})
    if not isinstance(table.get("basis"), str) or not table["basis"].strip():
        raise InputError(origin, f"{where}.basis", "missing", allowed="a string naming the source")
    out = {}
    for key, (low, high, kind) in specs.items():
        path = f"{where}.{key}"
        if key not in table:
            raise InputError(origin, path, "missing")
        out[key] = check_value(origin, path, table[key], low, high, kind)
    return out


def check_value(origin: str, path: str, v: Any, low, high, kind):
    """One value against its (low, high, kind) spec; ``list`` means shares summing to 1."""
    if kind is list:
        ok = isinstance(v, list) and len(v) == low
        ok = ok and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
        if not ok or any(x < 0 for x in v) or not math.isclose(sum(v), 1.0, abs_tol=1e-9):
            raise InputError(
                origin, path, f"got {v!r}", allowed=f"{low} non-negative shares summing to 1"
            )
        return tuple(float(x) for x in v)
    is_num = isinstance(v, int) if kind is int else isinstance(v, int | float)
    if isinstance(v, bool) or not is_num:
        raise InputError(origin, path, f"wrong type (got {v!r})", allowed=f"a number {low}-{high}")
    if not low <= v <= high:
        raise InputError(origin, path, f"out of range (got {v!r})", allowed=f"{low} to {high}")
    return kind(v)


def check_str(origin: str, key: str, v: Any) -> str:
    """A non-empty string, or one line naming the key."""
    if not isinstance(v, str) or not v:
        raise InputError(origin, key, f"missing or not a string (got {v!r})")
    return v


def check_int(origin: str, key: str, v: Any, low: int, high: int) -> int:
    """A whole number in [low, high]."""
    return check_value(origin, key, v, low, high, int)


def check_month(origin: str, key: str, v: Any) -> int:
    """A month written YYYY-MM (:mod:`sim.core.months`)."""
    try:
        return parse_month(v)
    except ValueError:
        raise InputError(origin, key, f"got {v!r}", allowed="a month as YYYY-MM") from None
