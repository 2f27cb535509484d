"""The decision table's columns: which are shown, their headings and their cells.

One column model for every format the table is written in: the HTML report
(:mod:`sim.report.html`) and the workbook (:mod:`sim.report.xlsx`).
"""

from __future__ import annotations

from sim.report.committee import DECISION_COLUMNS
from sim.report.labels import KINDS

YEAR = {"zh": "第{y}年", "en": "year {y}"}


def column_heads(rows, lang: str, stress_name: str | None) -> list[tuple[str, str, int | None]]:
    """(attribute, heading, year or None) for every decision-table column shown."""
    heads = []
    for col in DECISION_COLUMNS:
        if col.attr == "breach_stress" and not stress_name:
            continue
        unit = KINDS[col.kind].unit[lang]
        name = getattr(col, lang).format(s=stress_name)
        if unit and not KINDS[col.kind].percent and col.kind != "people" and col.kind != "ratio":
            name += f"（{unit}）" if lang == "zh" else f" ({unit})"
        value = getattr(rows[0], col.attr)
        if isinstance(value, dict):
            heads += [(col.attr, f"{name} {YEAR[lang].format(y=y)}", y) for y in sorted(value)]
        else:
            heads.append((col.attr, name, None))
    return heads


def cell_value(row, attr: str, year: int | None):
    """A decision-table cell: a Band, a probability, or None."""
    value = getattr(row, attr)
    return value[year] if year is not None else value


def kind_of(attr: str) -> str:
    """The kind (unit and format) of a decision-table column."""
    return next(c.kind for c in DECISION_COLUMNS if c.attr == attr)
