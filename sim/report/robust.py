"""The committee report's section on decisions under uncertainty (an HTML fragment).

:func:`robust_section` reads a ``hpfsim compare --robust`` folder
(``robust.csv``) and, if given, a ``hpfsim sensitivity`` folder
(``sensitivity.csv``), and returns a ``<section>``: the few assumptions that
move the decision most (per decision figure, the top parameters by Morris μ*
or Sobol' total index, each with the basis of its range from the
uncertainty file), and the robust table — per candidate rate the median and
5%–95% range across draws of the subsidy cost, deposits and segment margin,
the mean and worst regret, the share of draws in which it is best and in
which each liquidity limit holds, and the minimax-regret choice. It uses the
report's existing classes (``scroll``, ``band``, ``l``) and no script.
"""

from __future__ import annotations

import csv
import html
import json
from pathlib import Path

from sim.core.errors import InputError
from sim.decide.outputs import LIMITS, OBJECTIVES, OUTPUTS
from sim.decide.robust import robust_choice
from sim.decide.sensitivity import top_drivers
from sim.decide.uncertainty import load_uncertainty
from sim.report.bases import shown
from sim.report.params_zh import basis_text, param_name, variant_name

DRIVEN = ("segment_margin", "subsidy_cost", "deposits", "members", "min_survival_months",
          "peak_loan_to_deposit", "segment_reserve_coverage")  # fmt: skip

TEXT = {
    "en": {
        "title": "Decisions under uncertainty",
        "drivers": "The assumptions that move the decision most",
        "drivers_note": "From a global sensitivity analysis ({method}) over {n} uncertain "
                        "parameters; each figure lists the parameters with the largest effect.",
        "figure": "decision figure", "params": "most influential assumptions (basis of the range)",
        "robust": "Each rate over {d} draws of the uncertain inputs",
        "candidate": "candidate", "cost": "subsidy cost (10k yuan)",
        "deposits": "deposits (10k yuan)", "margin": "segment margin (10k yuan)",
        "regret": "regret: mean / worst", "best": "best in",
        "robust_note": "Median [5%–95%] across draws; every rate sees the same draws and the "
                       "same simulated people (common random numbers). Regret: how far below "
                       "the best rate of the same draw, in {objective}. Limits: share of draws "
                       "in which the limit holds on every path.",
        "choice": "Least worst-case regret with every limit holding in 95% of draws: {c}.",
    },
    "zh": {
        "title": "不确定条件下的决策",
        "drivers": "对决策影响最大的假设",
        "drivers_note": "基于对 {n} 个不确定参数的全局敏感性分析（{method}）；"
                        "每个决策指标列出影响最大的参数。",
        "figure": "决策指标", "params": "影响最大的假设（取值范围依据）",
        "robust": "各补贴率在 {d} 组不确定输入下的表现",
        "candidate": "方案", "cost": "补贴支出（万元）", "deposits": "缴存额（万元）",
        "margin": "分账收益（万元）", "regret": "遗憾值：平均 / 最大", "best": "最优占比",
        "robust_note": "中位数 [5%–95%]；各补贴率使用相同的输入抽样和相同的模拟人群（共同随机数）。"
                       "遗憾值：与同一抽样下最优补贴率相比的差距（{objective}）。"
                       "限额：所有路径均满足该限额的抽样占比。",
        "choice": "在各限额于95%抽样中成立的前提下，最大遗憾值最小的方案：{c}。",
    },
}  # fmt: skip


def _read_csv(path: Path, made_by: str) -> list[dict]:
    """A results table, or a one-line error naming the folder and what should have made it."""
    if not path.is_file():
        raise InputError(
            str(path.parent),
            path.name,
            "no such file in this folder",
            allowed=f"a folder written by {made_by}",
        )
    with path.open() as fh:
        return list(csv.DictReader(fh))


def _num(row: dict, key: str) -> float:
    return float(row[key])


def drivers_html(sensitivity_dir: Path, *, lang: str = "zh", at_most: int = 3) -> str:
    """The table of the most influential assumptions per decision figure."""
    t = TEXT[lang]
    folder = Path(sensitivity_dir)
    raw = _read_csv(folder / "sensitivity.csv", "hpfsim sensitivity")
    method = raw[0]["method"]
    keys = ("mu_star", "mu_star_share") if method == "morris" else ("ST",)
    rows = [{**r, **{k: float(r[k]) for k in keys}} for r in raw]
    manifest = json.loads((folder / "manifest.json").read_text())
    space = load_uncertainty(manifest["uncertainty_file"])
    basis = {p.key: shown(p.basis, lang) for p in space.parameters}
    out = [
        f"<h3>{t['drivers']}</h3>",
        f"<p>{html.escape(t['drivers_note'].format(method=method, n=len(space.names)))}</p>",
        "<div class='scroll'><table class='drivers'><tr>"
        f"<th class='l'>{t['figure']}</th><th class='l'>{t['params']}</th></tr>",
    ]
    for output, params in top_drivers(rows, at_most=at_most):
        if output not in DRIVEN or output not in OUTPUTS:
            continue
        score = {r["parameter"]: r[keys[0]] for r in rows if r["output"] == output}
        if not any(score.values()):
            continue
        items = "".join(
            f"<li>{_param(p, lang)} <span class='band'>"
            f"{html.escape(_basis(basis.get(p, ''), lang))}</span></li>"
            for p in params
        )
        out.append(
            f"<tr><td class='l'>{html.escape(OUTPUTS[output].label(lang))}</td>"
            f"<td class='l'><ol>{items}</ol></td></tr>"
        )
    out.append("</table></div>")
    return "".join(out)


def _param(key: str, lang: str) -> str:
    """A parameter by its Chinese name (its key path is in the appendix), or its key path."""
    if lang != "zh":
        return f"<code>{html.escape(key)}</code>"
    return html.escape(param_name(key))


def _basis(text: str, lang: str) -> str:
    return basis_text(text) if lang == "zh" else text


def _candidate(label: str, lang: str) -> str:
    return variant_name(label) if lang == "zh" else label


def _cell(row: dict, name: str) -> str:
    mid, lo, hi = (_num(row, f"{name}.{q}") / 1e4 for q in ("p50", "p05", "p95"))
    return f"{mid:,.1f}<br><span class='band'>[{lo:,.1f}–{hi:,.1f}]</span>"


def robust_html(robust_dir: Path, *, lang: str = "zh") -> str:
    """The robust table of a ``compare --robust`` folder."""
    t = TEXT[lang]
    raw = _read_csv(Path(robust_dir) / "robust.csv", "hpfsim compare --robust")
    numeric = [
        {k: (v if k in ("candidate", "objective") else float(v)) for k, v in r.items()} for r in raw
    ]
    objective = OBJECTIVES[raw[0]["objective"]]
    limits = [k for k in raw[0] if k.startswith("holds.")]
    head = [t["candidate"], t["cost"], t["deposits"], t["margin"], t["regret"], t["best"]]
    head += [LIMITS[k[6:]].zh if lang == "zh" else LIMITS[k[6:]].en for k in limits]
    out = [
        f"<h3>{t['robust'].format(d=int(float(raw[0]['draws'])))}</h3>",
        "<div class='scroll'><table class='robust'><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr>",
    ]
    for r in raw:
        cells = [
            f"<td class='l'>{html.escape(_candidate(r['candidate'], lang))}</td>",
            f"<td>{_cell(r, 'subsidy_cost')}</td>",
            f"<td>{_cell(r, 'deposits')}</td>",
            f"<td>{_cell(r, 'segment_margin')}</td>",
            f"<td>{_num(r, 'regret.mean'):,.3g} / {_num(r, 'regret.max'):,.3g}</td>",
            f"<td>{_num(r, 'share_best'):.0%}</td>",
        ]
        cells += [f"<td>{_num(r, k):.0%}</td>" for k in limits]
        out.append("<tr>" + "".join(cells) + "</tr>")
    note = t["robust_note"].format(objective=objective.zh if lang == "zh" else objective.en)
    choice = _candidate(robust_choice(numeric)["candidate"], lang)
    out.append(
        f"</table></div><p class='band'>{html.escape(note)}</p>"
        f"<p>{html.escape(t['choice'].format(c=choice))}</p>"
    )
    return "".join(out)


def robust_section(
    robust_dir: Path, *, sensitivity_dir: Path | None = None, lang: str = "zh"
) -> str:
    """The report section: the drivers (if a sensitivity run is given) and the robust table."""
    if lang not in TEXT:
        raise ValueError(f"lang must be one of {', '.join(TEXT)}")
    parts = [f"<section id='uncertainty'><h2>{TEXT[lang]['title']}</h2>"]
    if sensitivity_dir is not None:
        parts.append(drivers_html(sensitivity_dir, lang=lang))
    parts.append(robust_html(robust_dir, lang=lang))
    parts.append("</section>")
    return "".join(parts)
