"""Reading one book file (CSV or Parquet) into checked numpy columns, vectorised.

Every cell is read as text first (Parquet columns are cast to text), so a CSV
and a Parquet file are checked by the same rules: a pattern per kind decides
which rows parse, the first row that does not is named in a one-line
:class:`~sim.errors.InputError` (file, row, column, allowed), and the rest is
converted in pyarrow's compute kernels — no Python loop over rows. Money is
turned into exact ``int64`` fen from its decimal text (never through a
float), so ``12.34`` is 1234 fen and ``12.345`` is refused. Rows are counted
from 1, the first row after the header.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sim.book.format import Column
from sim.errors import InputError

_PATTERNS = {
    "int": r"^-?[0-9]+$",
    "float": r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$",
    "money": r"^-?[0-9]+(\.[0-9]*)?$",
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


def read_text_table(path: Path) -> pa.Table:
    """Every column of a CSV or Parquet file as text (empty cells as nulls)."""
    try:
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            return pa.table({n: pc.cast(table[n], pa.string()) for n in table.column_names})
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
    a bool array and ``choice`` the ``int8`` index into ``col.choices``.
    """
    n = table.num_rows
    if col.name not in table.column_names:
        return _empty(col, n), np.ones(n, bool)
    raw = pc.utf8_trim_whitespace(table[col.name].combine_chunks())
    empty = np.asarray(pc.or_kleene(pc.is_null(raw), pc.equal(raw, "")).fill_null(True))
    if col.required and col.name != "last_deposit_month":
        fail(path, empty, col.name, "empty cell", col.allowed)
    text = pc.if_else(pa.array(empty), pa.scalar("0" if col.kind != "month" else "1900-01"), raw)
    if col.kind == "choice":
        index = np.asarray(pc.index_in(text, value_set=pa.array(col.choices)).fill_null(-1))
        fail(path, (index < 0) & ~empty, col.name, _WHAT["choice"], col.allowed, raw)
        return index.astype(np.int8), empty
    ok = np.asarray(pc.match_substring_regex(text, _PATTERNS[col.kind]))
    fail(path, ~ok, col.name, _WHAT[col.kind], col.allowed, raw)
    if col.kind == "bool":
        return np.asarray(pc.is_in(pc.utf8_lower(text), pa.array(["true", "1"]))), empty
    if col.kind == "month":
        year = np.asarray(pc.cast(pc.utf8_slice_codeunits(text, 0, 4), pa.int32()))
        month = np.asarray(pc.cast(pc.utf8_slice_codeunits(text, 5, 7), pa.int32()))
        return np.where(empty, NO_MONTH, year * 12 + month - 1).astype(np.int32), empty
    if col.kind == "money":
        values = _money_fen(path, text, col, raw)
    elif col.kind == "int":
        long = np.asarray(pc.greater(pc.utf8_length(text), 18))
        fail(path, long, col.name, "out of range", col.allowed, raw)
        values = np.asarray(pc.cast(text, pa.int64()))
    else:
        values = np.asarray(pc.cast(text, pa.float64()))
        fail(path, ~np.isfinite(values), col.name, "not a finite number", col.allowed, raw)
    scale = 100 if col.kind == "money" else 1
    low = -np.inf if col.low is None else col.low * scale
    high = np.inf if col.high is None else col.high * scale
    problem = "negative" if col.low == 0 else "out of range"
    fail(path, (values < low) & ~empty, col.name, problem, col.allowed, raw)
    fail(path, (values > high) & ~empty, col.name, "out of range", col.allowed, raw)
    return values, empty


def _money_fen(path: Path, text: pa.Array, col: Column, raw: pa.Array) -> np.ndarray:
    """Exact fen from decimal text: whole yuan × 100 + two decimals (no float in between)."""
    extra = np.asarray(pc.match_substring_regex(text, r"\.[0-9]{2}[0-9]*[1-9]"))
    fail(path, extra, col.name, "more than 2 decimals", col.allowed, raw)
    negative = np.asarray(pc.starts_with(text, "-"))
    body = pc.utf8_ltrim(text, "-")
    parts = pc.split_pattern(pc.binary_join_element_wise(body, ".", ""), ".", max_splits=2)
    whole = pc.list_element(parts, 0)
    long = np.asarray(pc.greater(pc.utf8_length(whole), 13))
    fail(path, long, col.name, "out of range", col.allowed, raw)
    frac = pc.utf8_slice_codeunits(pc.utf8_rpad(pc.list_element(parts, 1), 2, "0"), 0, 2)
    fen = np.asarray(pc.cast(whole, pa.int64())) * 100 + np.asarray(pc.cast(frac, pa.int64()))
    return np.where(negative, -fen, fen)


def _empty(col: Column, n: int) -> np.ndarray:
    dtype = {"int": np.int64, "money": np.int64, "float": np.float64, "month": np.int32,
             "bool": bool, "choice": np.int8}[col.kind]  # fmt: skip
    return np.full(n, NO_MONTH if col.kind == "month" else 0, dtype=dtype)
