"""``report.xlsx``: the committee's decision table, summary and assumptions for a spreadsheet.

Three sheets, numbers stored as numbers (not text) in the report's units, so a
committee member can sort, chart and recompute: the decision table (median,
5% and 95% for each figure and rate), the summary paragraph, and every
assumption in force with key path, value and basis. Written with openpyxl.
"""

from __future__ import annotations

import io
from pathlib import Path

from sim.engine.results import write_atomic
from sim.report.bases import shown
from sim.report.columns import cell_value, column_heads, kind_of
from sim.report.labels import KINDS

SHEETS = {
    "zh": {"table": "补贴率比较表", "summary": "结论摘要", "assumptions": "假设",
           "rate": "补贴率", "median": "中位数", "lo": "5%", "hi": "95%",
           "head": ["来源", "文件", "参数路径", "取值", "依据", "决定结论"]},
    "en": {"table": "Decision table", "summary": "Summary", "assumptions": "Assumptions",
           "rate": "Rate", "median": "median", "lo": "5%", "hi": "95%",
           "head": ["Source", "File", "Key path", "Value", "Basis", "Drives the decision"]},
}  # fmt: skip


def _scaled(x, kind: str, lang: str):
    if x is None or x != x:  # NaN: the figure does not apply (e.g. no pilot loans): empty
        return None
    k = KINDS[kind]
    return round(x / k.scale[lang], k.decimals[lang])


def write_workbook(path: Path, rows, summary: str, assumptions, *, lang: str,
                   stress_name: str | None) -> Path:  # fmt: skip
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
    sheet.append([None] + [w[q] for _ in heads for q in ("median", "lo", "hi")])
    for r in rows:
        line = [r.rate]
        for attr, _, year in heads:
            v = cell_value(r, attr, year)
            kind = kind_of(attr)
            if v is None:
                line += [None, None, None]
            elif isinstance(v, float):
                line += [_scaled(v, kind, lang), None, None]
            else:
                line += [_scaled(b, kind, lang) for b in (v.median, v.lo, v.hi)]
        sheet.append(line)
    for c in range(len(heads)):
        sheet.merge_cells(start_row=1, start_column=2 + 3 * c, end_row=1, end_column=4 + 3 * c)
    for cell in sheet[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=3, max_col=1):
        row[0].number_format = "0.0%"
    sheet.freeze_panes = "B3"

    text = book.create_sheet(w["summary"])
    text.append([summary])
    text["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    text.column_dimensions["A"].width = 120

    table = book.create_sheet(w["assumptions"])
    table.append(w["head"])
    for a in assumptions:
        table.append(
            [a.source, a.file, a.key, a.value, shown(a.basis, lang), "★" if a.drives else ""]
        )
    for col, width in zip("ABCDEF", (12, 30, 45, 25, 90, 8), strict=True):
        table.column_dimensions[col].width = width
    buf = io.BytesIO()
    book.save(buf)
    write_atomic(Path(path), buf.getvalue())
    return Path(path)
