"""Fan charts: the median and the 5%–95% band across paths, month by month.

One PNG per key series, with one fan per scenario label, so a run of several
subsidy rates shows them side by side.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sim.months import format_month
from sim.results import stack, write_atomic

FIGURES = {
    "members": ("Members", "people"),
    "deposit_balance": ("Deposit balance (flexible segment)", "yuan"),
    "subsidy_paid": ("Subsidy paid", "yuan a month"),
    "loans_disbursed_amount": ("Loans granted", "yuan a month"),
    "loan_queue_length": ("Loan queue", "applications waiting"),
    "pool_loan_to_deposit": ("Loan-to-deposit ratio, pool", "ratio"),
    "survival_months": ("Survival horizon", "months"),
    "risk_reserve": ("Loan risk reserve", "yuan"),
}


def fan_chart(runs, name: str, start: int) -> bytes:
    """PNG bytes of one series' fan chart across scenario labels."""
    title, unit = FIGURES[name]
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=110)
    for label, by_path in runs.items():
        x = stack(by_path, name)
        t = np.arange(x.shape[1])
        lo, mid, hi = np.quantile(x, [0.05, 0.5, 0.95], axis=0)
        line = ax.plot(t, mid, lw=1.6, label=label)[0]
        ax.fill_between(t, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    ticks = np.arange(0, x.shape[1], 12)
    ax.set_xticks(ticks, [format_month(start + int(k))[:4] for k in ticks])
    ax.set_title(title)
    ax.set_ylabel(unit)
    ax.grid(alpha=0.3)
    if len(runs) > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def write_figures(run_dir: Path, runs, start: int) -> list[Path]:
    """Every fan chart of :data:`FIGURES` into ``run_dir/figures``."""
    out = []
    for name in FIGURES:
        path = run_dir / "figures" / f"{name}.png"
        write_atomic(path, fan_chart(runs, name, start))
        out.append(path)
    return out
