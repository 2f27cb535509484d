"""``report.xlsx``: the committee's decision table, summary and assumptions for a spreadsheet.

Three sheets, numbers stored as numbers (never text) in the report's units
with a number format that shows the unit (``#,##0.0" 万元"``, ``0%``), so a
committee member can sort, chart and recompute: the decision table (median,
5% and 95% for each figure and rate; for a breach probability, the 90%
Wilson interval over the paths, so no cell is empty), the summary paragraph,
and every assumption in force with key path, value and basis. A file is
named relative to the project (``scenarios/fund/lianyungang.toml``) or by its
name alone, never by a local absolute path. A text cell starting with ``=``,
``+``, ``-`` or ``@`` is stored as text with Excel's quote prefix: a basis
such as ``=HYPERLINK(…)`` in a population file never becomes a live formula.
Written with openpyxl.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from sim.engine.results import write_atomic
from sim.report.bases import shown
from sim.report.decision_html import cell_value, column_heads, kind_of
from sim.report.labels import KINDS

SHEETS = {
    "zh": {"table": "补贴率比较表", "summary": "结论摘要", "assumptions": "假设",
           "rate": "补贴率", "median": "中位数", "lo": "5%", "hi": "95%",
           "head": ["来源", "文件", "参数路径", "取值", "依据", "决定结论"],
           "note": "突破概率的 5% 和 95% 两列为按 {n} 条路径计算的 90% 置信区间（Wilson）。"},
    "en": {"table": "Decision table", "summary": "Summary", "assumptions": "Assumptions",
           "rate": "Rate", "median": "median", "lo": "5%", "hi": "95%",
           "head": ["Source", "File", "Key path", "Value", "Basis", "Drives the decision"],
           "note": "For a breach probability, the 5% and 95% columns are its 90% confidence "
                   "interval over {n} paths (Wilson)."},
}  # fmt: skip

FORMATS = {
    "people": {"zh": '#,##0" 人"', "en": "#,##0"},
    "count": {"zh": "#,##0", "en": "#,##0"},
    "money": {"zh": '#,##0.0" 万元"', "en": '#,##0.00" m yuan"'},
    "yuan": {"zh": '#,##0" 元"', "en": '#,##0" yuan"'},
    "ratio": {"zh": "0.000", "en": "0.000"},
    "months": {"zh": '0.0" 月"', "en": '0.0" months"'},
    "share": {"zh": "0.0%", "en": "0.0%"},
    "probability": {"zh": "0%", "en": "0%"},
}
"""Number formats by kind (:data:`sim.report.labels.KINDS`): the unit in the format, the
number itself in the cell (money in 万元 or million yuan; shares as fractions)."""

ROOT = Path(__file__).resolve().parents[2]
FORMULA_STARTS = ("=", "+", "-", "@")
Z90 = 1.6448536269514722  # the normal quantile at 95%: a two-sided 90% interval


def _scaled(x, kind: str, lang: str):
    if x is None or x != x:  # NaN: the figure does not apply (e.g. no pilot loans): empty
        return None
    k = KINDS[kind]
    if k.percent:
        return round(x, k.decimals[lang] + 2)  # a fraction, shown as a percentage
    return round(x / k.scale[lang], k.decimals[lang])


def wilson(p: float, n: int) -> tuple[float, float]:
    """The 90% Wilson score interval of a proportion ``p`` seen in ``n`` paths."""
    if n <= 0:
        return (0.0, 1.0)
    z2 = Z90 * Z90
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z90 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def file_name(path: str) -> str:
    """A file as the workbook names it: relative to the project, else its name alone."""
    p = Path(path)
    if not p.is_absolute():
        return path
    try:
        return p.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return p.name


def safe_row(sheet) -> None:
    """Store the last row's text cells that start like a formula as text (quote prefix)."""
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


def _value(a):
    """An assumption's value: the number itself when it is one, else its text."""
    if isinstance(a.raw, int | float):  # bool too: TRUE / FALSE, not the text "true"
        return a.raw
    return a.value


def write_workbook(
    path: Path, rows, summary: str, assumptions, *, lang: str, stress_name: str | None
) -> Path:
    """Write the workbook atomically; return its path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    w = SHEETS[lang]
    book = Workbook()
    sheet = book.active
    sheet.title = w["table"]
    heads = column_heads(rows, lang, stress_name)
    top = [w["rate"]]
    for _, head, _ in heads:
        top += [head, None, None]
    sheet.append(top)
    safe_row(sheet)
    sheet.append([None] + [w[q] for _ in heads for q in ("median", "lo", "hi")])
    for r in rows:
        line, kinds = [r.rate], ["share"]
        for attr, _, year in heads:
            v = cell_value(r, attr, year)
            kind = kind_of(attr)
            kinds += [kind] * 3
            if v is None:
                line += [None, None, None]
            elif isinstance(v, float):
                line += [_scaled(x, kind, lang) for x in (v, *wilson(v, r.paths))]
            else:
                line += [_scaled(b, kind, lang) for b in (v.median, v.lo, v.hi)]
        sheet.append(line)
        for cell, kind in zip(sheet[sheet.max_row], kinds, strict=True):
            cell.number_format = FORMATS[kind][lang]
    for c in range(len(heads)):
        sheet.merge_cells(start_row=1, start_column=2 + 3 * c, end_row=1, end_column=4 + 3 * c)
    for cell in sheet[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B3"
    if any(kind_of(attr) == "probability" for attr, _, _ in heads):
        sheet.append([])
        sheet.append([w["note"].format(n=max((r.paths for r in rows), default=0))])

    text = book.create_sheet(w["summary"])
    text.append([summary])
    safe_row(text)
    text["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    text.column_dimensions["A"].width = 120

    table = book.create_sheet(w["assumptions"])
    table.append(w["head"])
    for a in assumptions:
        table.append(
            [
                a.source,
                file_name(a.file),
                a.key,
                _value(a),
                shown(a.basis, lang),
                "★" if a.drives else "",
            ]
        )
        safe_row(table)
    for col, width in zip("ABCDEF", (12, 30, 45, 25, 90, 8), strict=True):
        table.column_dimensions[col].width = width
    buf = io.BytesIO()
    book.save(buf)
    write_atomic(Path(path), buf.getvalue())
    return Path(path)
