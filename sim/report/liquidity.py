"""The pool's liquidity beside the pilot's cost, per scenario label (per rate in a compare run).

The subsidy exists "to encourage more deposits held longer and promote liquidity balance"
(A §3(5)2), and Lianyungang's pool runs near its 95% line (FACTS.md): what the committee
buys with a higher rate is, in part, fewer months past the centre's liquidity lines, a shorter
queue and fewer loans cut by the lines' smaller ceilings. :func:`liquidity_table` shows, over
the whole run, the median and 5–95% band over paths of: the months at or past each line
(``liquidity_level``), the longest queue, the loans the lines' smaller ceilings held back, the
withdrawals stopped at the lines, the largest credit-line draw — beside the subsidy and bonus
paid and the pilot's net funding at the end (what its deposits lend to the pool).
"""

from __future__ import annotations

import numpy as np

from sim.report.labels import number
from sim.results import stack
from sim.terminal import table

ROWS = (
    ("months at or past the 1st line (85%)", "在第一条线（85%）及以上的月数",
     "liquidity_level", "line1", "months"),
    ("months at or past the 2nd line (90%)", "在第二条线（90%）及以上的月数",
     "liquidity_level", "line2", "months"),
    ("months at or past the 3rd line (95%)", "在第三条线（95%）及以上的月数",
     "liquidity_level", "line3", "months"),
    ("longest loan queue (applications)", "最长轮候队列（笔）", "loan_queue_length", "peak",
     "count"),
    ("loans held back by the lines' ceilings", "因限额下调少贷金额", "pool_loans_rationed",
     "total", "money"),
    ("withdrawals stopped at the lines", "因流动性线暂停的提取", "pool_withdrawals_stopped",
     "total", "money"),
    ("largest credit-line draw", "最大银行授信使用", "credit_line_balance", "peak", "money"),
    ("subsidy and bonus paid (cost)", "补贴与奖励支出（成本）", "subsidy_paid", "cost", "money"),
    ("pilot's net funding at the end", "灵活就业期末净融出资金", "segment_net_funding", "end",
     "money"),
)  # fmt: skip
"""English, Chinese, series, how a path is reduced, kind of number (:mod:`sim.report.labels`)."""
WORDS = {
    "en": ("pool liquidity over the run, median [5% – 95%] over paths; money in m yuan",
           "metric"),
    "zh": ("资金池流动性（全期），各路径中位数 [5% – 95%]；金额单位万元", "指标"),
}  # fmt: skip


def reduce(by_path: dict[int, dict[str, np.ndarray]], series: str, how: str) -> np.ndarray:
    """One value a path for a row of :data:`ROWS`."""
    x = stack(by_path, series)
    if how.startswith("line"):
        return (x >= int(how[-1])).sum(axis=1).astype(float)
    if how == "cost":
        return x.sum(axis=1) + stack(by_path, "bonus_paid").sum(axis=1)
    return {"peak": x.max(axis=1), "total": x.sum(axis=1), "end": x[:, -1]}[how]


def liquidity_table(runs: dict[str, dict[int, dict[str, np.ndarray]]], *, lang: str = "en"
                    ) -> str:  # fmt: skip
    """The rows of :data:`ROWS`, one column per scenario label."""
    labels = list(runs)
    rows = []
    for en, zh, series, how, kind in ROWS:
        cells = [en if lang == "en" else zh]
        for lab in labels:
            lo, mid, hi = np.quantile(reduce(runs[lab], series, how), [0.05, 0.5, 0.95])
            cells.append(f"{number(mid, kind, lang)} [{number(lo, kind, lang)} – "
                         f"{number(hi, kind, lang)}]")  # fmt: skip
        rows.append(cells)
    title, metric = WORDS[lang]
    return title + "\n" + table([metric, *labels], rows)
