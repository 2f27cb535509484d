"""What ``hpfsim sensitivity``, ``compare --robust`` and ``optimise`` print, in ``zh`` or ``en``.

The decision figures, objectives and limits carry their own Chinese and English names
(:mod:`sim.decide.outputs`); the robust table's words are the committee report's
(:data:`sim.report.robust.TEXT`), so the terminal and the report say the same thing. Tables
are aligned by display width (:func:`sim.report.terminal.table`). Numbers stay in the figures' own
units (yuan, people, months) at three significant digits, as in ``robust.csv``.
"""

from __future__ import annotations

from sim.decide.outputs import LIMITS, OUTPUTS
from sim.report.params_zh import param_name, variant_name
from sim.report.robust import TEXT as REPORT_TEXT
from sim.report.terminal import significant as fmt
from sim.report.terminal import table

TEXT = {
    "en": {
        "sa_head": "{method}: {n} samples x {paths} paths over {d} parameters of {file}",
        "same": "{figure}: the same in every sample",
        "top": "{figure}: most influential ({key} ± 95% interval)",
        "parameter": "parameter", "conf": "± 95%",
        "cost": "subsidy cost (yuan)", "deposits": "deposits (yuan)",
        "objective": "{objective}: mean", "limits": "limits: ", "sep": "; ",
        "best": "best: {setting}", "infeasible": "  (NO candidate meets every constraint: "
        "least breach)",
        "interval": "  {objective}: {value} (90% interval over draws {lo}-{hi}){stays}",
        "stays": "; still best in {share:.0%} of resampled draws",
        "constraint": "P = {p:.1%} (90% interval {a:.1%}-{b:.1%})",
        "count": "{n} candidates x {draws} draws x {paths} paths; Pareto front (cost vs "
                 "deposits): {front} candidates",
        "none": " (over all candidates: none is feasible)",
    },
    "zh": {
        "sa_head": "{method}：{n} 个样本 × {paths} 条路径，{d} 个不确定参数（{file}）",
        "same": "{figure}：各样本相同",
        "top": "{figure}：影响最大的参数（{key} ± 95% 区间）",
        "parameter": "参数", "conf": "± 95%",
        "cost": "补贴支出（元）", "deposits": "缴存额（元）",
        "objective": "{objective}：平均", "limits": "限额：", "sep": "；",
        "best": "最优：{setting}", "infeasible": "（没有方案满足全部约束：取违反最少者）",
        "interval": "  {objective}：{value}（各组抽样间的 90% 区间 {lo}–{hi}）{stays}",
        "stays": "；重抽样中有 {share:.0%} 仍为最优",
        "constraint": "P = {p:.1%}（90% 区间 {a:.1%}–{b:.1%}）",
        "count": "{n} 个方案 × {draws} 组抽样 × {paths} 条路径；帕累托前沿（成本与缴存额）："
                 "{front} 个方案",
        "none": "（所有方案均不满足约束，前沿按全部方案绘制）",
    },
}  # fmt: skip


def sensitivity_text(a, *, paths: int, file: str, top: int, lang: str) -> str:
    """Per decision figure, the parameters that move it most (Morris μ* or Sobol' ST)."""
    from sim.decide.sensitivity import ranking

    t = TEXT[lang]
    key, conf = ("mu_star", "mu_star_conf") if a.method == "morris" else ("ST", "ST_conf")
    extra = "σ" if a.method == "morris" else "S1"
    lines = [
        t["sa_head"].format(
            method=a.method, n=len(a.values), paths=paths, d=len(a.space.names), file=file
        )
    ]
    for name in a.outputs:
        figure = OUTPUTS[name].label(lang)
        if not any(r[key] for r in a.rows if r["output"] == name):
            lines += ["", t["same"].format(figure=figure)]
            continue
        rows = [
            [
                param_name(r["parameter"]) if lang == "zh" else r["parameter"],
                fmt(r[key]),
                fmt(r[conf]),
                fmt(r["sigma"]) if a.method == "morris" else f"{r['S1']:.2f}",
            ]
            for r in ranking(a.rows, name)[:top]
        ]
        lines += [
            "",
            t["top"].format(figure=figure, key=key),
            table([t["parameter"], key, t["conf"], extra], rows),
        ]
    return "\n".join(lines)


def robust_text(rows: list[dict], objective, choice: str, *, lang: str) -> str:
    """The robust table: per candidate the median (5%–95%) across draws of the cost and
    deposits, the mean objective, the regret, the share of draws in which it is best and in
    which each limit holds; then how to read it, the choice and the limits in words."""
    t, r_t = TEXT[lang], REPORT_TEXT[lang]
    name = objective.zh if lang == "zh" else objective.en
    holds = [k for k in rows[0] if k.startswith("holds.")]
    head = [
        r_t["candidate"],
        t["cost"],
        t["deposits"],
        t["objective"].format(objective=name),
        r_t["regret"],
        r_t["best"],
        *(LIMITS[k[6:]].zh if lang == "zh" else k[6:] for k in holds),
    ]
    body = []
    for r in rows:
        cells = [variant_name(r["candidate"]) if lang == "zh" else r["candidate"]]
        for figure in ("subsidy_cost", "deposits"):
            q = {p: fmt(r[f"{figure}.{p}"]) for p in ("p50", "p05", "p95")}
            cells.append(f"{q['p50']} [{q['p05']}–{q['p95']}]")
        cells += [
            fmt(r["objective.mean"]),
            f"{fmt(r['regret.mean'])} / {fmt(r['regret.max'])}",
            f"{r['share_best']:.0%}",
            *(f"{r[k]:.0%}" for k in holds),
        ]
        body.append(cells)
    limits = t["sep"].join(
        LIMITS[k[6:]].zh if lang == "zh" else f"{k[6:]} = {LIMITS[k[6:]].en}" for k in holds
    )
    return "\n".join(
        [
            table(head, body),
            "",
            r_t["robust_note"].format(objective=name),
            r_t["choice"].format(c=variant_name(choice) if lang == "zh" else choice),
            t["limits"] + limits,
        ]
    )


def _described(c, lang: str) -> str:
    """A chance constraint in words: ``P(最短流动性生存期 < 6) ≤ 5%`` in Chinese."""
    if lang != "zh":
        return c.describe()
    side = f"< {c.below:g}" if c.below is not None else f"> {c.above:g}"
    name = OUTPUTS[c.output].label("zh") if c.output in OUTPUTS else c.output
    return f"P（{name} {side}）≤ {c.max_probability:.0%}"


def optimise_text(scored, sure, rows, problem, levers, *, paths: int, lang: str) -> str:
    """The best setting, its objective's interval over draws, each chance constraint's
    probability with its interval, and the size of the search and of the Pareto front."""
    t = TEXT[lang]
    best = scored.best
    named = [param_name(k) if lang == "zh" else k for k in levers]
    setting = ", ".join(f"{k} = {x:g}" for k, x in zip(named, scored.settings[best], strict=True))
    lines = [t["best"].format(setting=setting) + ("" if scored.feasible[best] else t["infeasible"])]
    share = sure["share_still_best"]
    lo, hi = sure["objective_interval"]
    objective = problem.objective.zh if lang == "zh" else problem.objective.en
    lines.append(
        t["interval"].format(
            objective=objective,
            value=fmt(scored.objective[best]),
            lo=fmt(lo),
            hi=fmt(hi),
            stays=t["stays"].format(share=share) if share == share else "",
        )
    )
    described = [_described(c, lang) for c in problem.constraints]
    width = max((len(d) for d in described), default=0)
    for d, p, (a, b) in zip(
        described, scored.probability[best], sure["constraint_intervals"], strict=True
    ):
        lines.append(f"  {d:{width}}   " + t["constraint"].format(p=p, a=a, b=b))
    lines.append(
        t["count"].format(
            n=len(rows), draws=problem.draws, paths=paths, front=sum(r["pareto"] for r in rows)
        )
        + ("" if scored.feasible.any() else t["none"])
    )
    return "\n".join(lines)
