"""Reading one book file (CSV, Excel or Parquet) into checked numpy columns, vectorised.

A CSV or Excel file's cells are read as text (:mod:`sim.book.sheet`: UTF-8 or
GBK, Chinese headers), and a centre's ways of writing them are accepted
(``4,884.60``, ``2024/07/01``, 男/女, 是/否, ``3.1%``), so every rule sees what was written: one
pattern per kind decides which rows parse, the first row that does not is
named in a one-line :class:`~sim.core.errors.InputError` (file, row, column,
allowed), and the rest is converted in pyarrow's compute kernels — no Python
loop over rows. A Parquet file's numeric columns are checked as numbers (a
money column with a fraction of a fen is refused); its other columns as text.
Money becomes exact ``int64`` fen (``12.34`` is 1234 fen; ``12.345`` is
refused, never rounded). Rows are numbered as the spreadsheet shows them:
the header is row 1 (or the row it stands on, below a title).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.book.format import ZH_VALUES, Column
from sim.book.sheet import SHEETS, Sheet, read_sheet, shown_column, shown_row
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
    """``stem.csv``, ``stem.xlsx`` or ``stem.parquet`` in ``folder`` (exactly one of them)."""
    found = [folder / f"{stem}.{ext}" for ext in FILE_TYPES if (folder / f"{stem}.{ext}").is_file()]
    allowed = f"one of {stem}.csv, {stem}.xlsx or {stem}.parquet"
    if len(found) != 1:
        problem = "both " + " and ".join(p.name for p in found) if found else "no such file"
        if not found and (folder / f"{stem}.xls").exists():
            problem, allowed = "an old .xls workbook", f"save it as {stem}.xlsx (or CSV)"
        raise InputError(folder / f"{stem}.csv", "(file)", problem, allowed=allowed)
    return found[0]


FILE_TYPES = ("csv", "xlsx", "parquet")
"""The kinds of file a book's accounts and loans may come in."""


def read_table(path: Path, columns: tuple[Column, ...]) -> pa.Table:
    """A CSV or Excel file's columns as text under the format's names (:mod:`sim.book.sheet`),
    a Parquet file's as stored (empty cells as nulls)."""
    if path.suffix != ".parquet":
        return read_sheet(path, columns)
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        first = str(exc).splitlines()[0]
        raise InputError(path, "(file)", f"cannot be read: {first}") from None
    SHEETS[str(path)] = Sheet(np.arange(table.num_rows, dtype=np.int64) + 2, {})
    return table


def check_columns(path: Path, table: pa.Table, columns: tuple[Column, ...]) -> None:
    """Refuse an unknown column or a missing required one."""
    known = {c.name for c in columns}
    for name in table.column_names:
        if name not in known:
            raise InputError(
                path,
                f"column {name}",
                "unknown column",
                allowed=", ".join(f"{c.name} ({c.zh})" for c in columns),
            )
    for c in columns:
        if c.required and c.name not in table.column_names:
            raise InputError(path, f"column {c.name}", "missing column", allowed=c.allowed)


def given_columns(table: pa.Table, columns: tuple[Column, ...]) -> set[str]:
    """The columns the file holds: an optional column left wholly empty (a template's) counts
    as absent, so its default applies."""
    n = table.num_rows
    return {
        c.name
        for c in columns
        if c.name in table.column_names and (c.required or n == 0 or table[c.name].null_count < n)
    }


def fail(path: Path, rows: np.ndarray, column: str, problem: str, allowed: str, values=None):
    """Raise for the first of ``rows`` (a bool mask over rows) if any is set."""
    bad = np.flatnonzero(rows)
    if len(bad):
        i = int(bad[0])
        got = f" (got {values[i]!s})" if values is not None else ""
        where = f"row {shown_row(path, i)}, column {shown_column(path, column)}"
        raise InputError(path, where, f"{problem}{got}", allowed=allowed)


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
    ok, percent = _matches(col, text, empty), None
    if not ok.all():  # a centre's way of writing a cell: trimmed and normalised, only then
        text, percent = _normalise(col, pc.utf8_trim_whitespace(text))
        ok = _matches(col, text, empty)
    if not ok.all():
        i = int(np.argmin(ok))
        what = _WHAT["choice"] if col.kind == "choice" else _diagnose(col.kind, str(text[i]))
        fail(path, ~ok, col.name, what, col.allowed, raw)
    if col.kind == "choice":
        index = np.asarray(pc.index_in(text, value_set=pa.array(col.choices)).fill_null(-1))
        return index.astype(np.int8), empty
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
        if percent is not None:
            values = np.where(percent, values / 100, values)
        fail(path, ~np.isfinite(values), col.name, "not a finite number", col.allowed, raw)
    _in_range(path, values, empty, col, raw)
    return values, empty


_GROUPED = r"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$"
_DAY = r"([-/.](0?[1-9]|[12][0-9]|3[01])日?)?( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?$"
_DATES = (
    (r"^([0-9]{4})[-/.年]([1-9])(月|月[0-9]{1,2}日)?" + _DAY, r"\1-0\2"),
    (r"^([0-9]{4})[-/.年](0[1-9]|1[0-2])(月|月[0-9]{1,2}日)?" + _DAY, r"\1-\2"),
)
_TRUE_FALSE = {"是": "true", "否": "false"}


def _matches(col: Column, text: pa.Array, empty: np.ndarray) -> np.ndarray:
    """Which cells are written as the format writes them (an empty cell passes here)."""
    if col.kind == "choice":
        return np.asarray(pc.is_in(text, value_set=pa.array(col.choices))) | empty
    return np.asarray(pc.match_substring_regex(text, _PATTERNS[col.kind]))


def _normalise(col: Column, text: pa.Array) -> tuple[pa.Array, np.ndarray | None]:
    """A centre's ways of writing a cell turned into the format's: ``4,884.60`` → ``4884.60``,
    ``2024/07/01`` or ``2024年7月`` → ``2024-07``, 男 → male, 是 → true, ``3.1%`` → 3.1
    (the mask of percentages is returned, to be divided by 100)."""
    percent = None
    if col.kind in ("int", "money", "float"):
        grouped = pc.match_substring_regex(text, _GROUPED)
        text = pc.if_else(grouped, pc.replace_substring(text, ",", ""), text)
        if col.kind == "float":
            percent = pc.ends_with(text, "%")
            if pc.any(percent).as_py():
                text = pc.replace_substring(text, "%", "")
                percent = np.asarray(percent)
            else:
                percent = None
    elif col.kind == "month":
        for pattern, to in _DATES:
            text = pc.replace_substring_regex(text, pattern, to)
    elif col.kind in ("choice", "bool"):
        words = (
            _TRUE_FALSE
            if col.kind == "bool"
            else {zh: en for en, zh in ZH_VALUES.get(col.name, {}).items()}
        )
        text = pc.utf8_lower(text)
        for zh, en in words.items():
            text = pc.if_else(pc.equal(text, zh), en, text)
    return text, percent


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
        return (
            "more than 2 decimals" if len(value.split(".")[1].rstrip("0")) > 2 else ("out of range")
        )
    if kind in ("money", "int") and re.fullmatch(r"-?[0-9]+", value):
        return "out of range"
    return _WHAT[kind]


def _empty(col: Column, n: int) -> np.ndarray:
    dtype = {
        "int": np.int64,
        "money": np.int64,
        "float": np.float64,
        "month": np.int32,
        "bool": bool,
        "choice": np.int8,
    }[col.kind]
    return np.full(n, NO_MONTH if col.kind == "month" else 0, dtype=dtype)
