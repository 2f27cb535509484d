"""The model's calendar-year pool figures beside the fund centre's published ones (back-test).

A published file (``scenarios/published/lianyungang.toml``) holds the annual
report's figures by calendar year, each with its unit, source and grade::

    [year.2024.loan_balance]
    value = 255.92
    unit = "亿元"
    source = "2024 annual report"
    grade = "B"

:func:`reconcile` sums the run's monthly series over each calendar year the
run covers (flows: every month of the year must be in the run; balances and
ratios: the December value), takes the median and the 90% band (5th–95th
percentile) over paths, and sets them beside the published value with the
difference. A published value outside the band is flagged: the model, as
fitted, does not reproduce it. A centre adds a year to the file when its next
report comes out and runs the same command: years after the fit are the
back-test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.core.errors import InputError, read_toml
from sim.core.months import calendar_month, format_month
from sim.engine.series import year_summary

DEFAULT_PUBLISHED = (
    Path(__file__).resolve().parents[2] / "scenarios" / "published" / "lianyungang.toml"
)
FIGURES = {
    name: (series, year_summary(series))
    for name, series in {
        "deposits": "pool_deposits",
        "withdrawals": "pool_withdrawals",
        "withdrawers": "pool_withdrawers",
        "loans_issued": "pool_loans_issued",
        "loans_issued_amount": "pool_loans_issued_amount",
        "principal_recovered": "pool_principal_repaid",
        "deposit_balance": "pool_deposit_balance",
        "loan_balance": "pool_loan_balance",
        "cash": "cash",
        "loan_to_deposit": "pool_loan_to_deposit",
    }.items()
}
"""Published figure → (the model's monthly series, and by its kind in :mod:`sim.engine.series`:
a flow summed over the year, a stock or a level at December)."""
UNITS = {"亿元": 1e8, "yuan": 1.0, "count": 1.0, "people": 1.0, "ratio": 1.0}
"""A published value × this = the model's unit (yuan, counts, ratios)."""


@dataclass(frozen=True)
class Published:
    """One published figure, in the model's unit."""

    year: int
    figure: str
    value: float
    unit: str
    source: str
    grade: str


@dataclass(frozen=True)
class Row:
    """A published figure beside the model's median and 90% band (model units)."""

    published: Published
    median: float | None
    low: float | None
    high: float | None
    note: str = ""

    @property
    def difference(self) -> float | None:
        """(model median − published) ÷ published."""
        if self.median is None or not self.published.value:
            return None
        return self.median / self.published.value - 1

    @property
    def outside(self) -> bool:
        """Whether the published value falls outside the model's band."""
        return self.median is not None and not self.low <= self.published.value <= self.high


def load_published(path: str | Path = DEFAULT_PUBLISHED) -> list[Published]:
    """The published figures, checked: known figures and units, a source and grade each."""
    origin = str(path)
    data = read_toml(path)
    years = data.get("year")
    if not isinstance(years, dict) or not years:
        raise InputError(origin, "year", "missing or not a table", allowed="[year.YYYY.FIGURE]")
    out = []
    for year, figures in years.items():
        if not str(year).isdigit() or not isinstance(figures, dict):
            raise InputError(origin, f"year.{year}", "not a year's table", allowed="year.YYYY")
        for name, f in figures.items():
            where = f"year.{year}.{name}"
            if name not in FIGURES:
                raise InputError(origin, where, "unknown figure", allowed=", ".join(FIGURES))
            if not isinstance(f, dict):
                raise InputError(origin, where, "not a table", allowed="value, unit, source, grade")
            value, unit = f.get("value"), f.get("unit")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(origin, f"{where}.value", f"got {value!r}", allowed="a number")
            if unit not in UNITS:
                raise InputError(origin, f"{where}.unit", f"got {unit!r}", allowed=", ".join(UNITS))
            for key in ("source", "grade"):
                if not isinstance(f.get(key), str) or not f[key].strip():
                    raise InputError(origin, f"{where}.{key}", "missing", allowed="a string")
            out.append(
                Published(
                    int(year), name, float(value) * UNITS[unit], unit, f["source"], f["grade"]
                )
            )
    return out


def year_values(series: np.ndarray, start: int, year: int, kind: str) -> np.ndarray | None:
    """paths × months → one value a path for calendar ``year`` (None if the run does not
    cover what the figure needs: every month for a flow, December for a stock)."""
    months = start + np.arange(series.shape[1])
    years = np.array([int(format_month(m)[:4]) for m in months])
    inside = years == year
    if kind == "flow":
        if inside.sum() < 12:
            return None
        return series[:, inside].sum(axis=1)
    december = inside & (np.array([calendar_month(m) for m in months]) == 12)
    return series[:, december][:, 0] if december.any() else None


def reconcile(
    by_path: dict[int, dict[str, np.ndarray]], start: int, published: list[Published]
) -> list[Row]:
    """Each published figure beside the model's median and 5–95% band over paths."""
    rows = []
    for pub in published:
        name, kind = FIGURES[pub.figure]
        series = np.vstack([by_path[p][name] for p in sorted(by_path)]).astype(float)
        values = year_values(series, start, pub.year, kind)
        if values is None:
            note = "the run does not cover the whole year" if kind == "flow" else "no December"
            rows.append(Row(pub, None, None, None, note))
            continue
        low, med, high = np.quantile(values, [0.05, 0.5, 0.95])
        rows.append(Row(pub, float(med), float(low), float(high)))
    return rows


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "亿元":
        return f"{value / 1e8:,.2f}"
    if unit == "ratio":
        return f"{value:.4f}"
    return f"{value:,.0f}"


def table(rows: list[Row]) -> str:
    """The reconcile table as text: published beside the model, in the published units."""
    head = (
        "year",
        "figure",
        "unit",
        "published",
        "grade",
        "model median",
        "90% band",
        "difference",
        "",
    )
    lines = [head]
    for r in rows:
        p = r.published
        band = (
            f"{_shown(r.low, p.unit)} – {_shown(r.high, p.unit)}"
            if r.median is not None
            else r.note
        )
        diff = f"{r.difference:+.1%}" if r.difference is not None else "—"
        lines.append(
            (
                str(p.year),
                p.figure,
                p.unit,
                _shown(p.value, p.unit),
                p.grade,
                _shown(r.median, p.unit),
                band,
                diff,
                "outside the band" if r.outside else "",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    ]
    outside = [f"{r.published.year} {r.published.figure}" for r in rows if r.outside]
    text.append("")
    text.append(
        "published figures outside the model's 90% band: "
        + (", ".join(outside) if outside else "none")
    )
    return "\n".join(text)


def reconcile_run(run_dir: str | Path, published: str | Path | None = None) -> str:
    """``hpfsim reconcile RUN [--published FILE]``: the table for each of the run's variants."""
    from sim.engine.results import load_paths, read_manifest

    run_dir = Path(run_dir)
    if not (run_dir / "manifest.json").exists():
        raise InputError(
            str(run_dir),
            "manifest.json",
            "not a results folder",
            allowed="a folder written by hpfsim run or compare",
        )
    manifest = read_manifest(run_dir)
    if not manifest.get("complete"):
        raise InputError(
            str(run_dir),
            "manifest.json",
            "the run is incomplete",
            allowed="a complete run (finish it with --resume)",
        )
    figures = load_published(published or DEFAULT_PUBLISHED)
    out = []
    for variant in manifest["variants"]:
        by_path = load_paths(run_dir, variant["label"])
        if not by_path:
            raise InputError(str(run_dir), f"paths/{variant['label']}", "no paths on disk")
        out.append(
            f"{variant['label']} ({len(by_path)} paths) against {published or DEFAULT_PUBLISHED}"
        )
        out.append(table(reconcile(by_path, manifest["start"], figures)))
    return "\n".join(out)


def add_command(sub) -> None:
    """Register ``hpfsim reconcile RUN [--published FILE]``."""
    cmd = sub.add_parser(
        "reconcile",
        help="the run's calendar-year pool figures beside the "
        "fund centre's published ones (back-test)",
    )
    cmd.add_argument("run_dir", help="a results folder (hpfsim run or compare)")
    cmd.add_argument(
        "--published", help="published figures (default scenarios/published/lianyungang.toml)"
    )
    cmd.set_defaults(run=_run)


def _run(args) -> int:
    print(reconcile_run(args.run_dir, args.published))
    return 0
