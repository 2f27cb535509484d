"""A book file as a centre's staff save it: CSV in UTF-8 or GBK, or an Excel workbook.

A fund centre's system exports through WPS or Excel on a Chinese Windows
machine: CSV in GBK (GB18030) or UTF-8 with or without a byte-order mark,
or ``.xlsx``; the headers may be the format's Chinese names
(:data:`sim.book.format.ZH_HEADERS`), and a title line may stand above them.
:func:`read_sheet` turns any of these into one table of text cells under the
format's own column names, remembers each data row's row number as the
spreadsheet shows it (the header is row 1 when it is the first line) and the
header as written, so an error can point at the cell the staff see. Wholly
empty rows (Excel's trailing ``,,,,``) are dropped. A file in none of these
encodings, a binary file, or a workbook saved under ``.csv`` is refused in
one line (:class:`~sim.core.errors.InputError`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from sim.book.format import Column, header_aliases
from sim.core.errors import InputError

ENCODINGS = ("utf-8-sig", "gb18030")
"""Encodings a CSV book may use, tried in this order (GB18030 reads GBK and GB2312)."""

_TEXT = "CSV in UTF-8 (with or without BOM) or GBK/GB18030, or .xlsx"
_FILLED = re.compile(rb"[^\s,]")
_TITLE_LINES = 10  # a title above the header: look this far for the header line


@dataclass(frozen=True)
class Sheet:
    """Where a table's rows and columns came from, for errors."""

    rows: np.ndarray  # the spreadsheet row number of each data row
    written: dict[str, str]  # column name -> header as written (when it differs)


SHEETS: dict[str, Sheet] = {}
"""The last read of each file (by path): row numbers and headers for its errors."""


def read_sheet(path: Path, columns: tuple[Column, ...]) -> pa.Table:
    """The file's cells as text under the format's column names (empty cells null)."""
    if path.suffix.lower() == ".xlsx":
        header_row, names, cells = _xlsx(path, columns)
    else:
        header_row, names, cells = _csv(path, columns)
    canonical = _canonical(path, names, columns)
    table = pa.table(cells, names=[f"c{i}" for i in range(len(cells))]) if cells else None
    if table is None:
        table = pa.table({n: pa.array([], pa.string()) for n in canonical})
    else:
        table = table.rename_columns(canonical)
    rows = np.arange(table.num_rows, dtype=np.int64) + header_row + 1
    if table.num_rows and table.num_columns and table.column(0).null_count:
        filled = np.asarray(table.column(0).is_valid())  # a wholly empty row starts empty
        for col in table.columns[1:]:
            filled |= np.asarray(col.is_valid())
        if not filled.all():
            table, rows = table.filter(pa.array(filled)), rows[filled]
    written = {c: n for c, n in zip(canonical, names, strict=True) if c != n}
    SHEETS[str(path)] = Sheet(rows, written)
    return table


def shown_row(path: Path, i: int) -> int:
    """The spreadsheet row number of data row ``i`` (0-based) of ``path``."""
    sheet = SHEETS.get(str(path))
    return int(sheet.rows[i]) if sheet is not None and i < len(sheet.rows) else i + 2


def shown_column(path: Path, name: str) -> str:
    """The column as the file wrote it: ``余额 (balance)``, or ``balance``."""
    sheet = SHEETS.get(str(path))
    written = sheet.written.get(name) if sheet is not None else None
    return f"{written} ({name})" if written else name


def _canonical(path: Path, names: list[str], columns: tuple[Column, ...]) -> list[str]:
    aliases = header_aliases(columns)
    out = [aliases.get(_key(n), n) for n in names]
    seen: dict[str, str] = {}
    for written, name in zip(names, out, strict=True):
        if name in seen:
            both = f"{seen[name]} and {written}" if seen[name] != written else written
            raise InputError(
                path,
                f"column {name}",
                f"appears twice in the header ({both})",
                allowed="each column once",
            )
        seen[name] = written
    return out


def _key(header: str) -> str:
    """A header as looked up: trimmed, lower case, a trailing unit in brackets dropped."""
    text = header.strip().strip('"').strip()
    text = re.sub(r"\s*[(（][^()（）]*[)）]$", "", text)
    return text.lower()


def _header_line(rows: list[list[str]], columns: tuple[Column, ...]) -> int:
    """Index of the header among the first lines: the first that names a known column."""
    aliases = header_aliases(columns)
    for i, cells in enumerate(rows[:_TITLE_LINES]):
        if any(_key(c) in aliases for c in cells if c):
            return i
    return 0


def _raw(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, "(file)", f"cannot be read: {exc.strerror or exc}") from None
    if data[:4] == b"PK\x03\x04":
        raise InputError(
            path,
            "(file)",
            "an Excel workbook saved under a .csv name",
            allowed=f"rename it {path.stem}.xlsx",
        )
    if b"\x00" in data[:65536]:
        raise InputError(path, "(file)", "a binary file, not CSV text", allowed=_TEXT)
    return data


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text and its encoding (the first of :data:`ENCODINGS` that reads it)."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InputError(path, "(file)", "text in an unknown encoding", allowed=_TEXT)


def _csv(path: Path, columns: tuple[Column, ...]) -> tuple[int, list[str], list[pa.Array]]:
    data = _raw(path)
    bom = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    cut = data.rfind(b"\n", 0, 65536) + 1 or len(data)
    head, encoding = _decode(path, data[bom:cut] if len(data) > 65536 else data[bom:])
    first = list(csv.reader(head.splitlines()[:_TITLE_LINES]))
    skip = _header_line(first, columns)
    names = [n.strip() for n in first[skip]] if len(first) > skip else []
    if not any(names):
        raise InputError(
            path, "(file)", "empty: no header line", allowed="a header line naming the columns"
        )
    pos = bom  # the body starts after the header line ("\n" is one byte in UTF-8 and GBK alike)
    for _ in range(skip + 1):
        pos = data.find(b"\n", pos) + 1 or len(data)
    if not _FILLED.search(data, pos):
        return skip + 1, names, [pa.array([], pa.string()) for _ in names]
    body = pa.py_buffer(data).slice(pos)  # no copy of a large file
    if encoding != "utf-8-sig":
        body = _decode(path, data[pos:])[0].encode("utf-8")
    try:
        table = _parse(body, len(names))
    except pa.ArrowInvalid as exc:
        if "UTF8" not in str(exc):
            first_line = str(exc).splitlines()[0]
            raise InputError(path, "(file)", f"cannot be read as CSV: {first_line}") from None
        table = _parse(_decode(path, data[pos:])[0].encode("utf-8"), len(names))  # GBK after all
    return skip + 1, names, list(table.columns)


def _parse(body, width: int) -> pa.Table:
    names = [f"c{i}" for i in range(width)]
    options = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    return pacsv.read_csv(
        pa.BufferReader(body),
        read_options=pacsv.ReadOptions(column_names=names),
        convert_options=options,
    )


def _xlsx(path: Path, columns: tuple[Column, ...]) -> tuple[int, list[str], list[pa.Array]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(
            path,
            "(file)",
            f"not an Excel workbook (.xlsx): {exc}",
            allowed="a workbook saved by Excel or WPS as .xlsx",
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    skip = _header_line(rows, columns)
    if len(rows) <= skip or not any(rows[skip]):
        raise InputError(
            path,
            "(file)",
            "empty: no header row in the first sheet",
            allowed="a first sheet whose header row names the columns",
        )
    header = rows[skip]
    width = max((i + 1 for i, v in enumerate(header) if v), default=0)
    names = [(header[i] or "").strip() for i in range(width)]
    body = rows[skip + 1 :]
    cells = [
        pa.array([r[i] if i < len(r) else None for r in body], pa.string()) for i in range(width)
    ]
    return skip + 1, names, cells


def _cell(value) -> str | None:
    """An Excel cell as the text a CSV would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return repr(value)
    text = str(value).strip()
    return text or None
