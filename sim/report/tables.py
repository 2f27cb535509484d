"""Plain-text tables of run results: the run summary, paired differences, stress metrics."""

from __future__ import annotations

import numpy as np

from sim.results import stack, yearly

SUMMARY = (
    ("members", "stock", "members", 1),
    ("deposit_balance", "stock", "deposit balance (m yuan)", 1e6),
    ("subsidy_paid", "flow", "subsidy paid in year (m yuan)", 1e6),
    ("loans_disbursed_amount", "flow", "loans granted in year (m yuan)", 1e6),
    ("pool_loan_to_deposit", "max", "peak 个贷率 (pool)", 1),
    ("survival_months", "min", "min survival horizon (months)", 1),
    ("reserve_to_loans", "stock", "reserve / loans", 1),
)
PAIRED = (
    ("members", "stock", "members at the end", 1),
    ("deposit_balance", "stock", "deposit balance at the end (m yuan)", 1e6),
    ("subsidy_paid", "total", "subsidy paid in all (m yuan)", 1e6),
    ("deposits", "total", "deposits in all (m yuan)", 1e6),
    ("exits", "total", "exits in all", 1),
    ("pool_loan_to_deposit", "peak", "peak 个贷率 (pool)", 1),
    ("survival_months", "low", "min survival horizon (months)", 1),
)


def fmt_number(x: float, *, millions: bool = False) -> str:
    """Numbers for a terminal table: thousands apart (or in millions), ratios to three places."""
    if millions and abs(x) >= 1e6:
        return f"{x / 1e6:,.1f}m"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def summary_table(runs) -> str:
    """Median [5%–95%] of the key figures at years 1, 3, 5 and 10, per scenario label."""
    lines = []
    for label, by_path in runs.items():
        years = len(next(iter(by_path.values()))["members"]) // 12
        show = [y for y in (1, 3, 5, 10) if y <= years] or [years]
        lines.append(f"{label} ({len(by_path)} paths): median [5% - 95%]")
        lines.append(f"{'':32}" + "".join(f"{'year ' + str(y):>26}" for y in show))
        for name, kind, title, scale in SUMMARY:
            per_year = yearly(stack(by_path, name), kind) / scale
            cells = []
            for y in show:
                lo, mid, hi = np.quantile(per_year[:, y - 1], [0.05, 0.5, 0.95])
                cells.append(f"{fmt_number(mid)} [{fmt_number(lo)} - {fmt_number(hi)}]".rjust(26))
            lines.append(f"{title:32}" + "".join(cells))
    return "\n".join(lines)


def paired_differences(runs, name: str, how: str) -> dict[str, tuple[float, float]]:
    """Mean difference against the first label and its paired standard error, per label."""

    def reduce(x):
        return {"stock": x[:, -1], "total": x.sum(axis=1), "peak": x.max(axis=1),
                "low": x.min(axis=1)}[how]  # fmt: skip

    labels = list(runs)
    base = reduce(stack(runs[labels[0]], name))
    out = {}
    for label in labels[1:]:
        diff = reduce(stack(runs[label], name)) - base
        se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else float("nan")
        out[label] = (float(diff.mean()), float(se))
    return out


def paired_table(runs) -> str:
    """Paired differences against the first label, ± 2 standard errors."""
    labels = list(runs)
    lines = [f"difference against {labels[0]} (mean ± 2 s.e., common random numbers)"]
    lines.append(f"{'':40}" + "".join(f"{label:>34}" for label in labels[1:]))
    for name, how, title, scale in PAIRED:
        diffs = paired_differences(runs, name, how)
        cells = [f"{diffs[label][0] / scale:+,.4g} ± {2 * diffs[label][1] / scale:.2g}".rjust(34)
                 for label in labels[1:]]  # fmt: skip
        lines.append(f"{title:40}" + "".join(cells))
    return "\n".join(lines)
