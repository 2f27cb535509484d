"""Fan charts: the median and the 5%–95% band across paths, month by month.

One PNG per key series, with one fan per scenario label, so a run of several
subsidy rates shows them side by side. Titles come in the reader's language
(:data:`FIGURES`, one line per series); the unit is the series' own
(:mod:`sim.engine.series` through :mod:`sim.report.labels`; a flow's is a
month's), :data:`FIGURES`' only where that kind shows none (a count, a ratio). Chinese is drawn with Noto
Sans CJK SC, an open font the ``mplfonts`` package installs with the project,
so no glyph falls back to a missing-glyph box whatever fonts the machine has.

Charts are drawn on ``matplotlib.figure.Figure`` objects, never through
``pyplot``: importing this module leaves matplotlib's backend alone (a
notebook keeps its inline backend; nothing here needs a display).

Time runs along the x axis in months; ticks sit at each January and carry the
calendar year, so a payment made in June is drawn inside its own year.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from sim.core.months import calendar_month
from sim.engine.results import stack, write_atomic
from sim.engine.series import BY_NAME, FLOW
from sim.report.fonts import FAMILY, cjk_font_file
from sim.report.labels import KINDS, METRICS

FIGURES = {
    # series: {lang: (title, unit)}
    "members": {"zh": ("缴存人数", "人"), "en": ("Members", "people")},
    "deposit_balance": {"zh": ("缴存余额（灵活就业）", "元"),
                        "en": ("Deposit balance (flexible segment)", "yuan")},
    "subsidy_paid": {"zh": ("缴存补贴支出", "元/月"), "en": ("Subsidy paid", "yuan a month")},
    "loans_disbursed_amount": {"zh": ("贷款发放额", "元/月"), "en": ("Loans granted", "yuan a month")},
    "loan_queue_length": {"zh": ("贷款轮候队列", "笔"), "en": ("Loan queue", "applications waiting")},
    "pool_loan_to_deposit": {"zh": ("个贷率（全市资金池）", "比率"),
                             "en": ("Loan-to-deposit ratio, pool", "ratio")},
    "survival_months": {"zh": ("流动性生存期", "月"), "en": ("Survival horizon", "months")},
    "risk_reserve": {"zh": ("贷款风险准备金", "元"), "en": ("Loan risk reserve", "yuan")},
}  # fmt: skip


def year_ticks(start: int, months: int) -> tuple[list[int], list[str]]:
    """Tick positions at each January inside the horizon, labelled by calendar year."""
    first = (13 - calendar_month(start)) % 12
    ticks = list(range(first, months, 12))
    return ticks, [str((start + t) // 12) for t in ticks]


def fan_chart(runs, name: str, start: int, *, lang: str = "en") -> bytes:
    """PNG bytes of one series' fan chart across scenario labels."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    title, _ = FIGURES[name][lang]
    kind = KINDS[METRICS[name].kind]
    scale, unit = kind.scale[lang], kind.unit[lang] or FIGURES[name][lang][1]
    if BY_NAME[name].kind == FLOW:
        unit += "/月" if lang == "zh" else " a month"
    cjk_font_file()
    with rc_context({"font.family": "sans-serif", "font.sans-serif": [FAMILY, "DejaVu Sans"]}):
        fig = Figure(figsize=(7, 3.6), dpi=110)
        ax = fig.subplots()
        months = 0
        for label, by_path in runs.items():
            x = stack(by_path, name) / scale
            months = x.shape[1]
            t = np.arange(months)
            lo, mid, hi = np.quantile(x, [0.05, 0.5, 0.95], axis=0)
            line = ax.plot(t, mid, lw=1.6, label=label)[0]
            ax.fill_between(t, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
        top = max(abs(v) for v in ax.get_ylim())
        places = 0 if top >= 100 else 1 if top >= 10 else 2 if top >= 1 else 3
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.{places}f}"))
        ticks, labels = year_ticks(start, months)
        ax.set_xticks(ticks, labels)
        ax.set_xticks(range(months), minor=True)
        ax.tick_params(axis="x", which="minor", length=2)
        ax.set_xlim(0, max(months - 1, 1))
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
        if len(runs) > 1:
            ax.legend(fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


def write_figures(run_dir: Path, runs, start: int, *, lang: str = "en") -> list[Path]:
    """Every fan chart of :data:`FIGURES` into ``run_dir/figures``."""
    out = []
    for name in FIGURES:
        path = run_dir / "figures" / f"{name}.png"
        write_atomic(path, fan_chart(runs, name, start, lang=lang))
        out.append(path)
    return out
