"""The decision table as the report shows it: two tables that fit a page and a laptop's screen.

Twenty-odd columns do not fit an A4 landscape page nor a 1,366-pixel screen
in one table without breaking numbers, so the report shows two: what each
rate buys and costs (members, deposits, subsidy, the marginal costs, tax
forgone) and what it does to the pilot's own books and the pool's risk
(margins, reserve, liquidity, breach probabilities). Headings are short, the
unit on a line of its own, a figure followed over years as one heading over
its years; a number never breaks (a band may break only after its dash).
:func:`column_heads` gives the same columns to the workbook
(:mod:`sim.report.xlsx`).
"""

from __future__ import annotations

import html

from sim.report.committee import DECISION_COLUMNS
from sim.report.labels import KINDS, number

RISK = ("segment_margin", "segment_reserve_to_loans", "segment_net_funding", "value_added_income",
        "peak_loan_to_deposit", "min_survival_months", "reserve_to_loans", "breach_baseline",
        "breach_stress", "reserve_short", "reserve_shortfall")  # fmt: skip
"""The columns of the second table: the pilot's books and the pool's risk."""

WORDS = {
    "zh": {"parts": ("一、各补贴率的参加效果与成本", "二、灵活就业分账户与资金池风险"),
           "rate": "补贴率", "year": "第{y}年"},
    "en": {"parts": ("1. What each rate buys and costs",
                     "2. The pilot's books and the pool's risk"),
           "rate": "Rate", "year": "year {y}"},
}  # fmt: skip


def _unit(kind: str, lang: str) -> str:
    k = KINDS[kind]
    return "" if k.percent or kind in ("people", "ratio") else k.unit[lang]


def columns(rows, lang: str, stress_name: str | None) -> list[tuple[str, str, str, int | None]]:
    """(attribute, name, unit, year or None) of every decision-table column shown."""
    out = []
    for col in DECISION_COLUMNS:
        if col.attr == "breach_stress" and not stress_name:
            continue
        name = getattr(col, lang).format(s=stress_name)
        unit = _unit(col.kind, lang)
        value = getattr(rows[0], col.attr)
        years = sorted(value) if isinstance(value, dict) else [None]
        out += [(col.attr, name, unit, y) for y in years]
    return out


def column_heads(rows, lang: str, stress_name: str | None) -> list[tuple[str, str, int | None]]:
    """(attribute, heading with unit and year, year or None) of every column (the workbook's)."""
    year = WORDS[lang]["year"]
    out = []
    for attr, name, unit, y in columns(rows, lang, stress_name):
        head = name + ((f"（{unit}）" if lang == "zh" else f" ({unit})") if unit else "")
        out.append((attr, head + (f" {year.format(y=y)}" if y is not None else ""), y))
    return out


def cell_value(row, attr: str, year: int | None):
    """A decision-table cell: a Band, a probability, or None."""
    value = getattr(row, attr)
    return value[year] if year is not None else value


def kind_of(attr: str) -> str:
    """The kind (unit, decimals) of a decision-table column."""
    return next(c.kind for c in DECISION_COLUMNS if c.attr == attr)


def _num(text: str) -> str:
    return f"<span class='n'>{text}</span>"


def cell(value, kind: str, lang: str) -> str:
    """A cell's HTML: the median, and below it the band (which breaks only after its dash)."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return _num(number(value, kind, lang))
    lo, hi = number(value.lo, kind, lang), number(value.hi, kind, lang)
    return (
        f"{_num(number(value.median, kind, lang))}<br><span class='band'>"
        f"{_num('[' + lo + '–')}<wbr>{_num(hi + ']')}</span>"
    )


def decision_tables(rows, lang: str, stress_name: str | None) -> str:
    """The two tables' HTML."""
    w = WORDS[lang]
    cols = columns(rows, lang, stress_name)
    out = []
    for part, title in zip((False, True), w["parts"], strict=True):
        mine = [c for c in cols if (c[0] in RISK) == part]
        out.append(
            f"<h3 class='part'>{title}</h3><div class='scroll'><table class='decision'>"
            f"<thead>{_heads(mine, w)}</thead><tbody>"
        )
        for r in rows:
            cells = [_num(f"{r.rate:.1%}")]
            cells += [cell(cell_value(r, a, y), kind_of(a), lang) for a, _, _, y in mine]
            out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        out.append("</tbody></table></div>")
    return "".join(out)


def _heads(cols, w) -> str:
    """Two heading rows: a name (with its unit below) over its years, or spanning both rows."""
    two = " rowspan=2" if any(c[3] is not None for c in cols) else ""
    top = [f"<th{two}>{w['rate']}</th>"]
    years = []
    i = 0
    while i < len(cols):
        attr, name, unit, y = cols[i]
        span = sum(1 for c in cols[i:] if c[0] == attr)
        shown = html.escape(name) + (
            f"<br><span class='unit'>{html.escape(unit)}</span>" if unit else ""
        )
        if y is None:
            top.append(f"<th{two}>{shown}</th>")
        else:
            top.append(f"<th colspan={span}>{shown}</th>")
            years += [f"<th>{w['year'].format(y=c[3])}</th>" for c in cols[i : i + span]]
        i += span
    return f"<tr>{''.join(top)}</tr>" + (f"<tr>{''.join(years)}</tr>" if years else "")
