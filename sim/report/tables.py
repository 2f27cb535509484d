"""Plain-text tables of run results: the run summary and paired differences.

Metric names, units and decimals come from :mod:`sim.report.labels` (one line per
metric), how a year or a path sums a series up from its kind (:mod:`sim.engine.series`);
columns are aligned by :func:`sim.report.terminal.table`.
"""

from __future__ import annotations

import numpy as np

from sim.engine.results import stack, yearly
from sim.engine.series import FLOW, summaries, year_summary
from sim.report.labels import label, value
from sim.report.params_zh import variant_name
from sim.report.terminal import table

SUMMARY = tuple(
    summaries(
        "members", "deposit_balance", "subsidy_paid", "loans_disbursed_amount",
        ("pool_loan_to_deposit", "max"), ("survival_months", "min"), "reserve_to_loans",
        "segment_margin", "segment_reserve_to_loans", "segment_net_funding",
    ).items()
)  # fmt: skip
"""The run summary's metrics and how a year summarises each (:func:`sim.engine.series.summaries`)."""


def _over_path(*figures: str | tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """How a path reduces each figure: a flow summed (``total``), a stock or a level at the
    end (``stock``), or as given (``peak``, ``low``)."""
    return tuple(
        f if isinstance(f, tuple) else (f, "total" if year_summary(f) == FLOW else "stock")
        for f in figures
    )


PAIRED = _over_path(
    "members", "deposit_balance", "subsidy_paid", "deposits", "exits",
    ("pool_loan_to_deposit", "peak"), ("survival_months", "low"), "segment_subsidy_cost",
    "segment_margin", "segment_net_funding",
)  # fmt: skip
"""The paired differences' metrics and how a path reduces each."""
WORDS = {
    "zh": {"paths": "{label}（{n} 条路径）：中位数，下行为 [5%–95%] 区间", "year": "第 {y} 年",
           "stock": "年末", "flow": "全年", "max": "年内最高", "min": "年内最低",
           "paired": "与 {label} 的差（均值 ± 2 倍标准误，共同随机数）",
           "total": "合计", "peak": "最高", "low": "最低", "end": "期末", "metric": "指标",
           "na": "“–”：不适用（尚无贷款）", "months": "前 {m} 个月"},
    "en": {"paths": "{label} ({n} paths): median, under it the [5%–95%] band", "year": "year {y}",
           "stock": "at year end", "flow": "in the year", "max": "peak in year",
           "min": "lowest in year",
           "paired": "difference against {label} (mean ± 2 s.e., common random numbers)",
           "total": "in all", "peak": "peak", "low": "lowest", "end": "at the end",
           "metric": "metric", "na": "'–': does not apply (no loans yet)",
           "months": "first {m} months"},
}  # fmt: skip


def _title(name: str, when: str, lang: str) -> str:
    """``deposit balance (m yuan), at year end`` / ``缴存余额（万元）·年末``."""
    return f"{label(name, lang)}, {when}" if lang == "en" else f"{label(name, lang)}·{when}"


APPLIES = {"segment_reserve_to_loans": "loan_balance", "reserve_to_loans": "pool_loan_balance"}
"""A ratio shown only where its denominator is not zero: no placeholder for "no loans"."""


def _shown(by_path, name: str) -> np.ndarray:
    x = stack(by_path, name)
    if name in APPLIES:
        x = np.where(stack(by_path, APPLIES[name]) > 0, x, np.nan)
    return x


def _quantiles(x: np.ndarray) -> list[float]:
    if np.isnan(x).all():
        return [float("nan")] * 3
    return list(np.nanquantile(x, [0.05, 0.5, 0.95]))


def summary_table(runs, *, lang: str = "en") -> str:
    """Median of the key figures at years 1, 3, 5 and 10, per scenario label, and under each
    its 5%–95% band over paths (two lines a metric: a terminal's width)."""
    w = WORDS[lang]
    blocks = []
    for name_, by_path in runs.items():
        months = len(next(iter(by_path.values()))["members"])
        years = months // 12
        show = [y for y in (1, 3, 5, 10) if y <= years] or [1]
        rows = []
        for name, kind in SUMMARY:  # a metric's medians, and under them their bands
            shown_ = _shown(by_path, name)
            per_year = yearly(shown_, kind) if years else _span(shown_, kind)
            medians, bands = [_title(name, w[kind], lang)], [""]
            for y in show:
                lo, mid, hi = _quantiles(per_year[:, y - 1])
                nan = np.isnan(mid)
                medians.append("–" if nan else value(name, mid, lang))
                bands.append("" if nan else f"[{value(name, lo, lang)}–{value(name, hi, lang)}]")
            rows += [medians, bands] if any(bands) else [medians]  # no band: no blank line
        head = [
            w["metric"],
            *(w["year"].format(y=y) if years else w["months"].format(m=months) for y in show),
        ]
        na = any(c == "–" for r in rows for c in r[1:])
        shown_label = variant_name(name_) if lang == "zh" else name_
        blocks.append(
            w["paths"].format(label=shown_label, n=len(by_path))
            + "\n"
            + table(head, rows)
            + ("\n" + w["na"] if na else "")
        )
    return "\n\n".join(blocks)


def _span(series: np.ndarray, kind: str) -> np.ndarray:
    """A run shorter than a year summarised as one span (paths × 1), as :func:`yearly` would."""
    return {
        "stock": series[:, -1:],
        "flow": series.sum(axis=1, keepdims=True),
        "max": series.max(axis=1, keepdims=True),
        "min": series.min(axis=1, keepdims=True),
    }[kind]


def paired_differences(runs, name: str, how: str) -> dict[str, tuple[float, float]]:
    """Mean difference against the first label and its paired standard error, per label."""

    def reduce(x):
        return {
            "stock": x[:, -1],
            "total": x.sum(axis=1),
            "peak": x.max(axis=1),
            "low": x.min(axis=1),
        }[how]

    labels = list(runs)
    base = reduce(stack(runs[labels[0]], name))
    out = {}
    for lab in labels[1:]:
        diff = reduce(stack(runs[lab], name)) - base
        se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
        out[lab] = (float(diff.mean()), float(se))
    return out


def paired_table(runs, *, lang: str = "en") -> str:
    """Paired differences against the first label, ± 2 standard errors."""
    labels = list(runs)
    rows = []
    for name, how in PAIRED:
        diffs = paired_differences(runs, name, how)
        when = WORDS[lang]["end" if how == "stock" else how]
        rows.append(
            [_title(name, when, lang)]
            + [
                f"{value(name, diffs[lab][0], lang, sign=True)} ± {value(name, 2 * diffs[lab][1], lang)}"
                for lab in labels[1:]
            ]
        )
    shown = [variant_name(lab) for lab in labels] if lang == "zh" else labels
    head = [WORDS[lang]["metric"], *shown[1:]]
    return WORDS[lang]["paired"].format(label=shown[0]) + "\n" + table(head, rows)
