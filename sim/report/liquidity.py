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

from sim.engine.results import stack
from sim.report.labels import number, shown_as
from sim.report.params_zh import variant_name
from sim.report.terminal import table

ROWS = tuple((*row[:4], row[4] or shown_as(row[2])) for row in (
    ("months at or past the 1st line (85%)", "在第一条线（85%）及以上的月数",
     "liquidity_level", "line1", "months"),
    ("months at or past the 2nd line (90%)", "在第二条线（90%）及以上的月数",
     "liquidity_level", "line2", "months"),
    ("months at or past the 3rd line (95%)", "在第三条线（95%）及以上的月数",
     "liquidity_level", "line3", "months"),
    ("longest loan queue (applications)", "最长轮候队列（笔）", "loan_queue_length", "peak",
     None),
    ("loans held back by the lines' ceilings", "因限额下调少贷金额", "pool_loans_rationed",
     "total", None),
    ("withdrawals stopped at the lines", "因流动性线暂停的提取", "pool_withdrawals_stopped",
     "total", None),
    ("largest credit-line draw", "最大银行授信使用", "credit_line_balance", "peak", None),
    ("subsidy and bonus paid (cost)", "补贴与奖励支出（成本）", "subsidy_paid", "cost", None),
    ("pilot's net funding at the end", "灵活就业期末净融出资金", "segment_net_funding", "end",
     None),
))  # fmt: skip
"""English, Chinese, series, how a path is reduced, and the kind of number
(:data:`sim.report.labels.KINDS`): written only where it is not the series' own (a count of
months), else the series' unit's (:mod:`sim.engine.series`, :func:`sim.report.labels.shown_as`)."""
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


def liquidity_table(runs: dict[str, dict[int, dict[str, np.ndarray]]], *, lang: str = "en") -> str:
    """The rows of :data:`ROWS`, one column per scenario label."""
    labels = list(runs)
    rows = []
    for en, zh, series, how, kind in ROWS:
        cells = [en if lang == "en" else zh]
        for lab in labels:
            lo, mid, hi = np.quantile(reduce(runs[lab], series, how), [0.05, 0.5, 0.95])
            cells.append(
                f"{number(mid, kind, lang)} [{number(lo, kind, lang)} – {number(hi, kind, lang)}]"
            )
        rows.append(cells)
    title, metric = WORDS[lang]
    shown = [variant_name(lab) for lab in labels] if lang == "zh" else labels
    return title + "\n" + table([metric, *shown], rows)


SECTION = {
    "en": ("The pool's liquidity per rate",
           "Median over paths, 5%–95% below; the lines are the centre's 个贷率 lines "
           "(liquidity.rationing_thresholds). Money in m yuan. The employees' deposits are "
           "about 99% of the pool, so a rate moves these figures only as far as the pilot's "
           "net funding moves the pool."),
    "zh": ("各补贴率下的资金池流动性",
           "各路径中位数，下方为 5%–95%；各条线为中心的个贷率流动性线"
           "（liquidity.rationing_thresholds）。金额单位万元。职工缴存约占资金池的 99%，"
           "补贴率对这些数字的影响以灵活就业净融出资金对资金池的影响为限。"),
}  # fmt: skip


def liquidity_section(
    runs: dict[str, dict[int, dict[str, np.ndarray]]], *, lang: str = "zh"
) -> str:
    """The committee report's section: :data:`ROWS` per scenario label, as an HTML table."""
    import html

    title, note = SECTION[lang]
    labels = list(runs)
    heads = [_short(lab) for lab in labels]
    out = [
        f"<h2>{html.escape(title)}</h2>",
        "<div class='scroll'><table class='liquidity'><tr><th></th>",
    ]
    out += [f"<th>{html.escape(h)}</th>" for h in heads] + ["</tr>"]
    for en, zh, series, how, kind in ROWS:
        cells = [html.escape(en if lang == "en" else zh)]
        for lab in labels:
            lo, mid, hi = np.quantile(reduce(runs[lab], series, how), [0.05, 0.5, 0.95])
            cells.append(
                f"{number(mid, kind, lang)}<br><span class='band'>"
                f"{number(lo, kind, lang)} – {number(hi, kind, lang)}</span>"
            )
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append(f"</table></div><p class='band'>{html.escape(note)}</p>")
    return "".join(out)


def _short(label: str) -> str:
    """``subsidy.holding_rate=0.012|stress`` → ``1.2% | stress``; other labels as they are."""
    head, bar, tail = label.partition("|")
    key, eq, val = head.partition("=")
    try:
        shown = f"{float(val):.1%}" if eq and key.endswith("holding_rate") else head
    except ValueError:
        shown = head
    return shown + (f" | {tail}" if bar else "")
