"""Designs side by side: a ``compare`` run over ``policy.id`` as one table and one page.

``hpfsim compare scenarios/designs.toml --designs --report`` runs each design (a policy
file: Lianyungang's two documents and other cities' designs, docs/rules.md "X") on the
same people, pool and paths (common random numbers). For each design this module
reports what it attracts — members at the end, deposits in all and the deposit balance —
what it costs — subsidy and bonus paid —, the loans it makes (count, amount, average
size), the pilot's margin, its own reserve against its loans and its net funding
(deposits less loans: what it adds to the pool's cash), and the pool's liquidity at the
end (个贷率, survival horizon; their peak and low are the opening pool's, set before the
pilot matters, so they do not tell designs apart), each as the median across paths
with its 90% band, and explains each design in one line (``summary_zh``/``summary_en``
of its policy file). ``designs.html`` (Chinese) and ``designs.en.html`` are
self-contained, like the committee's report; :func:`markdown_table` gives the README's.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.core.errors import InputError, read_toml
from sim.engine.results import stack, write_atomic
from sim.fund.policy import load_policy
from sim.report.committee import Band
from sim.report.labels import number

DESIGN_KEY = "policy.id"
FILES = {"zh": "designs", "en": "designs.en"}
FIGURES = ("members", "deposit_balance", "subsidy_paid", "loans_disbursed_amount",
           "pool_loan_to_deposit", "survival_months")  # fmt: skip


@dataclass(frozen=True)
class DesignRow:
    """One design's figures across paths (money in yuan)."""

    design: str
    summary: dict[str, str]
    members: Band  # at the end
    deposits: Band  # in all
    deposit_balance: Band  # at the end
    subsidy: Band  # holding subsidy and opening bonus, in all
    loans: Band  # fund loans disbursed, count in all
    loan_amount: Band  # in all
    loan_size: Band  # average loan, per path
    margin: Band  # the pilot's margin, in all
    reserve_to_loans: Band  # the pilot's own reserve / its loans, at the end (1 = no loans)
    net_funding: Band  # the pilot's deposits less its loans, at the end
    pool_loan_to_deposit: Band  # the pool's 个贷率, at the end
    pool_survival: Band  # the pool's survival horizon, at the end
    paths: int
    assumptions: int


COLUMNS = (  # attribute, zh, en, kind (sim.report.labels.KINDS)
    ("members", "缴存人数（期末）", "Members (end)", "people"),
    ("deposits", "缴存额合计", "Deposits in all", "money"),
    ("deposit_balance", "缴存余额（期末）", "Deposit balance (end)", "money"),
    ("subsidy", "补贴支出合计", "Subsidy cost in all", "money"),
    ("loans", "发放贷款笔数", "Loans made", "count"),
    ("loan_amount", "贷款金额合计", "Loans in all", "money"),
    ("loan_size", "笔均贷款（元）", "Average loan (yuan)", "yuan"),
    ("margin", "灵活就业分账收益合计", "Pilot's margin in all", "money"),
    ("reserve_to_loans", "灵活就业准备金/贷款（期末）", "Pilot's reserve / loans (end)", "ratio"),
    ("net_funding", "灵活就业净融出（期末）", "Pilot's net funding (end)", "money"),
    ("pool_loan_to_deposit", "资金池个贷率（期末）", "Pool's loan-to-deposit (end)", "ratio"),
    ("pool_survival", "资金池流动性生存期（期末，月）", "Pool's survival horizon (end, months)", "months"),
)  # fmt: skip

TEXT = {
    "zh": {"title": "其他城市的设计在连云港的测算对比", "design": "方案", "what": "方案要点",
           "table": "各方案对比（中位数，下方为 90% 区间）", "figures": "走势（中位数与 90% 区间）",
           "note": "同一批人、同一资金池、同一组随机数（共同随机数）下逐一运行各方案；"
                   "{p} 条路径，{n} 人，{m} 个月。金额单位：万元。各方案未公布的参数按连云港的"
                   "数值或标明的假设取值（每个方案的假设数见表末列，详见 scenarios/policies/ "
                   "与 docs/rules.md）。",
           "assumptions": "假设数"},
    "en": {"title": "Other cities' designs applied to Lianyungang", "design": "Design",
           "what": "What the design does",
           "table": "Designs side by side (median, below it the 90% band)",
           "figures": "Projections (median and 90% band)",
           "note": "Each design run on the same people, pool and random numbers (common random "
                   "numbers); {p} paths, {n} people, {m} months. Money in million yuan. What a "
                   "design does not publish is Lianyungang's number or a stated assumption (count "
                   "in the last column; scenarios/policies/ and docs/rules.md list them).",
           "assumptions": "Assumptions"},
}  # fmt: skip


def design_of(label: str) -> str:
    """The policy ID in a compare label ``policy.id=suzhou-2025``."""
    return label.split("|")[0].split("=", 1)[1]


def summary_of(design: str) -> dict[str, str]:
    """The design's one-line explanation in each language, from its policy file."""
    policy = load_policy(design)
    data = read_toml(policy.path)
    return {lang: str(data.get(f"summary_{lang}", policy.title)) for lang in ("zh", "en")}


def _sum(by_path, name: str) -> np.ndarray:
    return stack(by_path, name).sum(axis=1)


def _end(by_path, name: str) -> np.ndarray:
    return stack(by_path, name)[:, -1]


def design_rows(runs) -> list[DesignRow]:
    """One row per design, in the order of the run."""
    rows = []
    for label, by_path in runs.items():
        if DESIGN_KEY not in label:
            continue
        design = design_of(label)
        count, amount = _sum(by_path, "loans_disbursed"), _sum(by_path, "loans_disbursed_amount")
        size = np.where(count > 0, amount / np.maximum(count, 1), np.nan)
        rows.append(
            DesignRow(
                design=design,
                summary=summary_of(design),
                members=Band.of(_end(by_path, "members")),
                deposits=Band.of(_sum(by_path, "deposits")),
                deposit_balance=Band.of(_end(by_path, "deposit_balance")),
                subsidy=Band.of(_sum(by_path, "subsidy_paid") + _sum(by_path, "bonus_paid")),
                loans=Band.of(count),
                loan_amount=Band.of(amount),
                loan_size=Band.of(size)
                if np.isfinite(size).any()
                else Band(np.nan, np.nan, np.nan),
                margin=Band.of(_sum(by_path, "segment_margin")),
                reserve_to_loans=Band.of(
                    np.minimum(_end(by_path, "segment_reserve_to_loans"), 1.0)
                ),
                net_funding=Band.of(_end(by_path, "segment_net_funding")),
                pool_loan_to_deposit=Band.of(_end(by_path, "pool_loan_to_deposit")),
                pool_survival=Band.of(_end(by_path, "survival_months")),
                paths=len(by_path),
                assumptions=len(load_policy(design).assumptions()),
            )
        )
    if not rows:
        raise ValueError(f"the run holds no {DESIGN_KEY} variants to compare")
    return rows


def _num(x: float, kind: str, lang: str) -> str:
    if not np.isfinite(x):
        return "–"
    if kind == "yuan":
        return f"{x:,.0f}"
    return number(x, kind, lang)


def markdown_table(rows: list[DesignRow], lang: str = "en") -> str:
    """The medians as a Markdown table (the README's), a line per design."""
    heads = [TEXT[lang]["design"]] + [c[1 if lang == "zh" else 2] for c in COLUMNS]
    out = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for r in rows:
        cells = [f"`{r.design}`"] + [_num(getattr(r, a).median, k, lang) for a, _, _, k in COLUMNS]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def _cell(b: Band, kind: str, lang: str) -> str:
    return (
        f"{_num(b.median, kind, lang)}<br><span class='band'>[{_num(b.lo, kind, lang)}–"
        f"{_num(b.hi, kind, lang)}]</span>"
    )


def render_designs(run_dir: Path, runs, manifest, *, lang: str = "zh") -> Path:
    """Write ``designs.html`` (``designs.en.html``) into the run folder; return its path."""
    from sim.report.figures import fan_chart
    from sim.report.fonts import font_face
    from sim.report.html import CSS
    from sim.scenario.files import load_scenario

    t = TEXT[lang]
    first = manifest["variants"][0]
    scenario = load_scenario(manifest["scenario_file"], sets=first["sets"])
    if scenario.switch_policy is not None:
        raise InputError(
            manifest["scenario_file"],
            "policy.switch_to",
            "a design comparison runs one policy for the whole run",
            allowed="a scenario with no switch (scenarios/designs.toml)",
        )
    rows = design_rows(runs)
    note = t["note"].format(p=rows[0].paths, n=f"{scenario.population_size:,}", m=scenario.horizon)
    parts = [
        f"<h1>{t['title']}</h1>",
        f"<p class='summary'>{html.escape(note)}</p>",
        f"<h2 class='first'>{t['what']}</h2><ul>",
    ]
    parts += [
        f"<li><b>{html.escape(r.design)}</b>: {html.escape(r.summary[lang])}</li>" for r in rows
    ]
    parts.append(f"</ul><h2>{t['table']}</h2><div class='scroll'><table class='designs'><tr>")
    parts += [f"<th class='l'>{t['design']}</th>"]
    parts += [f"<th>{html.escape(c[1 if lang == 'zh' else 2])}</th>" for c in COLUMNS]
    parts.append(f"<th>{t['assumptions']}</th></tr>")
    for r in rows:
        cells = "".join(f"<td>{_cell(getattr(r, a), k, lang)}</td>" for a, _, _, k in COLUMNS)
        parts.append(
            f"<tr><td class='l'>{html.escape(r.design)}</td>{cells}<td>{r.assumptions}</td></tr>"
        )
    parts.append(f"</table></div><h2>{t['figures']}</h2><div class='figs'>")
    by_design = {design_of(k): v for k, v in runs.items() if DESIGN_KEY in k}
    for name in FIGURES:
        png = base64.b64encode(fan_chart(by_design, name, manifest["start"], lang=lang)).decode()
        parts.append(f"<img alt='{name}' src='data:image/png;base64,{png}'>")
    parts.append("</div>")
    body = "".join(parts)
    doc = (
        f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>"
        "<meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{t['title']}</title><style>{font_face(t['title'] + body)}{CSS}</style></head>"
        f"<body>{body}</body></html>"
    )
    out = Path(run_dir) / f"{FILES[lang]}.html"
    write_atomic(out, doc.encode("utf-8"))
    (Path(run_dir) / f"{FILES[lang]}.md").write_text(
        markdown_table(rows, lang) + "\n", encoding="utf-8"
    )
    return out
