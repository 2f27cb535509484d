"""Reading one book file (CSV or Parquet) into checked numpy columns, vectorised.

A CSV file's cells are read as text, so every rule sees what was written: one
pattern per kind decides which rows parse, the first row that does not is
named in a one-line :class:`~sim.core.errors.InputError` (file, row, column,
allowed), and the rest is converted in pyarrow's compute kernels — no Python
loop over rows. A Parquet file's numeric columns are checked as numbers (a
money column with a fraction of a fen is refused); its other columns as text.
Money becomes exact ``int64`` fen (``12.34`` is 1234 fen; ``12.345`` is
refused, never rounded). Rows are counted from 1, the first row after the
header.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim.book.format import Column
from sim.core.errors import InputError

_PATTERNS = {
    "int": r"^-?[0-9]{1,18}$",
    "float": r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$",
    "money": r"^-?[0-9]{1,13}(\.[0-9]{0,2}0*)?$",
    "month": r"^[0-9]{4}-(0[1-9]|1[0-2])$",
    "bool": r"^(true|false|TRUE|FALSE|True|False|1|0)$",
}
_WHAT = {
    "int": "not a whole number",
    "float": "not a number",
    "money": "not an amount in yuan",
    "month": "not a month",
    "bool": "not true or false",
    "choice": "not one of the allowed values",
}
_FILL = {"month": "1900-01", "choice": None}
NO_MONTH = -1
"""An empty month cell (``last_deposit_month`` of an account that never deposited)."""


def find_file(folder: Path, stem: str) -> Path:
    """``stem.csv`` or ``stem.parquet`` in ``folder`` (exactly one of them)."""
    found = [folder / f"{stem}.{ext}" for ext in ("csv", "parquet") if (folder / f"{stem}.{ext}")
             .exists()]  # fmt: skip
    if len(found) != 1:
        problem = "both .csv and .parquet" if found else "no such file"
        raise InputError(folder / f"{stem}.csv", "(file)", problem,
                         allowed=f"one of {stem}.csv or {stem}.parquet")  # fmt: skip
    return found[0]


def read_table(path: Path) -> pa.Table:
    """A CSV file's columns as text, a Parquet file's as stored (empty cells as nulls)."""
    try:
        if path.suffix == ".parquet":
            return pq.read_table(path)
        with path.open("r", encoding="utf-8-sig") as fh:
            names = [n.strip().strip('"') for n in fh.readline().rstrip("\r\n").split(",")]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise InputError(path, f"column {dup}", "appears twice in the header")
        options = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        )  # fmt: skip
        return pacsv.read_csv(path, convert_options=options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        first = str(exc).splitlines()[0]
        raise InputError(path, "(file)", f"cannot be read: {first}") from None


def check_columns(path: Path, table: pa.Table, columns: tuple[Column, ...]) -> None:
    """Refuse an unknown column or a missing required one."""
    known = {c.name for c in columns}
    for name in table.column_names:
        if name not in known:
            raise InputError(path, f"column {name}", "unknown column",
                             allowed=", ".join(c.name for c in columns))  # fmt: skip
    for c in columns:
        if c.required and c.name not in table.column_names:
            raise InputError(path, f"column {c.name}", "missing column", allowed=c.allowed)


def fail(path: Path, rows: np.ndarray, column: str, problem: str, allowed: str, values=None):
    """Raise for the first of ``rows`` (a bool mask over rows) if any is set."""
    bad = np.flatnonzero(rows)
    if len(bad):
        i = int(bad[0])
        got = f" (got {values[i]!s})" if values is not None else ""
        raise InputError(path, f"row {i + 1}, column {column}", f"{problem}{got}", allowed=allowed)


def convert(path: Path, table: pa.Table, col: Column) -> tuple[np.ndarray, np.ndarray]:
    """One column as a numpy array and its mask of empty cells (absent column: all empty).

    ``int`` and ``money`` give ``int64`` (money in fen), ``float`` ``float64``,
    ``month`` ``int32`` month indices (:data:`NO_MONTH` when empty), ``bool``
    a bool array and ``choice`` the ``int8`` index into ``col.choices``. One
    pattern match and one cast per column; a row that fails is diagnosed alone.
    """
    n = table.num_rows
    if col.name not in table.column_names:
        return _empty(col, n), np.ones(n, bool)
    raw = table[col.name].combine_chunks()
    if col.kind in ("int", "money", "float") and _numeric(raw.type):
        return _typed(path, raw, col), np.asarray(raw.is_null())
    if not pa.types.is_string(raw.type):
        raw = pc.cast(raw, pa.string())
    empty = np.asarray(raw.is_null()) if raw.null_count else np.zeros(n, bool)
    if col.required and col.name != "last_deposit_month":
        fail(path, empty, col.name, "empty cell", col.allowed)
    text = raw.fill_null(_FILL.get(col.kind, "0")) if raw.null_count else raw
    if col.kind == "choice":
        index = np.asarray(pc.index_in(text, value_set=pa.array(col.choices)).fill_null(-1))
        fail(path, (index < 0) & ~empty, col.name, _WHAT["choice"], col.allowed, raw)
        return index.astype(np.int8), empty
    ok = np.asarray(pc.match_substring_regex(text, _PATTERNS[col.kind]))
    if not ok.all():
        i = int(np.argmin(ok))
        fail(path, ~ok, col.name, _diagnose(col.kind, str(text[i])), col.allowed, raw)
    if col.kind == "bool":
        return np.asarray(pc.is_in(text, pa.array(["true", "TRUE", "True", "1"]))), empty
    if col.kind == "month":
        year = np.asarray(pc.cast(pc.utf8_slice_codeunits(text, 0, 4), pa.int32()))
        month = np.asarray(pc.cast(pc.utf8_slice_codeunits(text, 5, 7), pa.int32()))
        return np.where(empty, NO_MONTH, year * 12 + month - 1).astype(np.int32), empty
    if col.kind == "money":
        # exact: a number of at most 13 digits and 2 decimals is far within half a fen of
        # its double, so rounding × 100 gives its fen (the pattern refused anything else)
        values = np.rint(np.asarray(pc.cast(text, pa.float64())) * 100).astype(np.int64)
    elif col.kind == "int":
        values = np.asarray(pc.cast(text, pa.int64()))
    else:
        values = np.asarray(pc.cast(text, pa.float64()))
        fail(path, ~np.isfinite(values), col.name, "not a finite number", col.allowed, raw)
    _in_range(path, values, empty, col, raw)
    return values, empty


def _in_range(path: Path, values: np.ndarray, empty: np.ndarray, col: Column, raw) -> None:
    """Refuse the first filled cell outside the column's range (money in fen)."""
    scale = 100 if col.kind == "money" else 1
    low = -np.inf if col.low is None else col.low * scale
    high = np.inf if col.high is None else col.high * scale
    problem = "negative" if col.low == 0 else "out of range"
    fail(path, (values < low) & ~empty, col.name, problem, col.allowed, raw)
    fail(path, (values > high) & ~empty, col.name, "out of range", col.allowed, raw)


def _numeric(kind: pa.DataType) -> bool:
    t = pa.types
    return t.is_integer(kind) or t.is_floating(kind) or t.is_decimal(kind)


def _typed(path: Path, raw: pa.Array, col: Column) -> np.ndarray:
    """A numeric Parquet column: checked and converted without going through text."""
    empty = np.asarray(raw.is_null())
    if col.required:
        fail(path, empty, col.name, "empty cell", col.allowed)
    if pa.types.is_integer(raw.type) and col.kind != "float":
        values = np.asarray(raw.fill_null(0)).astype(np.int64) * (100 if col.kind == "money" else 1)
    else:
        x = np.asarray(pc.cast(raw, pa.float64()).fill_null(0.0))
        fail(path, ~np.isfinite(x), col.name, "not a finite number", col.allowed, x)
        if col.kind == "float":
            values = x
        else:
            scale = 100 if col.kind == "money" else 1
            values = np.rint(x * scale)
            what = "more than 2 decimals" if col.kind == "money" else "not a whole number"
            fail(path, np.abs(x * scale - values) > 1e-6, col.name, what, col.allowed, x)
            fail(path, np.abs(values) >= 2.0**62, col.name, "out of range", col.allowed, x)
            values = values.astype(np.int64)
    _in_range(path, values, empty, col, raw)
    return values


def _diagnose(kind: str, value: str) -> str:
    """Why one cell failed its kind's pattern (only the first bad cell is looked at)."""
    if kind == "money" and re.fullmatch(r"-?[0-9]+\.[0-9]*", value):
        return "more than 2 decimals" if len(value.split(".")[1].rstrip("0")) > 2 else (
            "out of range")  # fmt: skip
    if kind in ("money", "int") and re.fullmatch(r"-?[0-9]+", value):
        return "out of range"
    return _WHAT[kind]


def _empty(col: Column, n: int) -> np.ndarray:
    dtype = {"int": np.int64, "money": np.int64, "float": np.float64, "month": np.int32,
             "bool": bool, "choice": np.int8}[col.kind]  # fmt: skip
    return np.full(n, NO_MONTH if col.kind == "month" else 0, dtype=dtype)
