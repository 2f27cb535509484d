"""The committee's report: one self-contained HTML file from a compare run.

``report.html`` holds everything inline — figures as base64 PNG, styles, a
few lines of script — so it opens from a USB stick with no network. It reads
on a phone (the table scrolls sideways, figures shrink) and prints (no
background colours, page breaks between sections). Labels are Chinese by
default (``lang="zh"``) or English. A run that is not complete — a failed,
missing or interrupted path — is refused rather than shown as if complete.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from sim import __version__
from sim.errors import InputError
from sim.report.committee import (
    RATE_KEY,
    STRESS_SUFFIX,
    decision_table,
    summary_numbers,
    summary_text,
)
from sim.report.figures import fan_chart
from sim.results import load_paths, read_manifest, write_atomic
from sim.scenario import load_scenario

FIGURES = ("members", "deposit_balance", "subsidy_paid", "pool_loan_to_deposit",
           "survival_months", "risk_reserve")  # fmt: skip

TEXT = {
    "zh": {
        "title": "灵活就业人员住房公积金缴存补贴率测算报告", "summary": "结论摘要",
        "table": "补贴率比较表", "figures": "各补贴率的走势（中位数与 90% 区间）",
        "methods": "方法与假设", "rate": "补贴率", "members": "缴存人数", "balance": "缴存余额（万元）",
        "year": "第{y}年", "subsidy_year": "年均补贴（万元）", "subsidy_total": "补贴合计（万元）",
        "at_cap": "达到 1 万元上限的比例", "cost_dep": "每增加 1 元余额的补贴成本（元）",
        "cost_member": "每增加 1 名缴存人的补贴成本（元）", "tax": "个税减免合计（万元）",
        "vai": "增值收益合计（万元）", "ltd": "个贷率峰值", "survival": "最短流动性支撑期（月）",
        "reserve": "风险准备金/贷款余额（期末）", "breach": "突破概率（基准）",
        "breach_stress": "突破概率（压力：{s}）", "band": "中位数 [5%–95%]",
        "policy": "政策", "assumptions": "假设参数（无公开数据）", "key": "参数", "value": "取值",
        "basis": "依据", "reproduce": "复现信息", "seed": "随机种子", "paths": "模拟路径数",
        "code": "程序版本", "scenario": "情景文件",
        "stress_title": "压力测试（{s}）与基准对比", "scenario_kind": "情景", "baseline": "基准",
        "queue": "最长轮候队列（笔）", "credit": "最大银行授信使用（万元）", "losses": "贷款损失（万元）",
        "breach_any": "任一突破的概率", "stress_note": "每格：中位数；下方为最差 5% 路径",
    },
    "en": {
        "title": "Flexible-employment housing fund: holding-subsidy rate report",
        "summary": "Summary", "table": "Decision table", "figures": "Projections by rate (median and 90% band)",
        "methods": "Methods and assumptions", "rate": "Rate", "members": "Members",
        "balance": "Deposit balance (10k yuan)", "year": "year {y}",
        "subsidy_year": "Subsidy a year (10k yuan)", "subsidy_total": "Subsidy in all (10k yuan)",
        "at_cap": "Share at the 10,000-yuan cap", "cost_dep": "Subsidy per extra yuan of balance",
        "cost_member": "Subsidy per extra member (yuan)", "tax": "Tax forgone (10k yuan)",
        "vai": "Value-added income (10k yuan)", "ltd": "Peak loan-to-deposit",
        "survival": "Shortest survival horizon (months)", "reserve": "Reserve / loans (end)",
        "breach": "Breach probability (baseline)", "breach_stress": "Breach probability (stress: {s})",
        "band": "median [5%–95%]", "policy": "Policy", "assumptions": "Assumption parameters",
        "key": "Parameter", "value": "Value", "basis": "Basis", "reproduce": "Reproducing this report",
        "seed": "Seed", "paths": "Paths", "code": "Code version", "scenario": "Scenario file",
        "stress_title": "Stress test ({s}) against the baseline", "scenario_kind": "Scenario",
        "baseline": "baseline", "queue": "Longest loan queue", "credit": "Largest credit-line draw (10k yuan)",
        "losses": "Credit losses (10k yuan)", "breach_any": "Probability of any breach",
        "stress_note": "each cell: median; below it the worst 5% path",
    },
}  # fmt: skip

CSS = """
body{font-family:system-ui,-apple-system,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:0 auto;max-width:1100px;padding:1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;margin-top:2rem}
.summary{background:#f3f6fa;padding:.8rem 1rem;border-left:4px solid #2c5d8f}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:right;white-space:nowrap}
th{background:#eef1f5}td.l,th.l{text-align:left;white-space:normal}
.band{color:#666;font-size:.75rem}.figs{display:flex;flex-wrap:wrap;gap:.5rem}
.figs img{max-width:100%;width:520px;height:auto}
@media print{.summary{background:none}h2{page-break-before:always}.figs img{width:48%}}
"""

SCRIPT = """window.addEventListener('load',function(){var i=document.images,ok=0;
for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0)ok++;}
document.body.setAttribute('data-figures',i.length);document.body.setAttribute('data-figures-ok',ok);});"""


def _band(b, scale: float = 1.0, fmt: str = "{:,.0f}") -> str:
    if b is None:
        return "–"
    f = fmt.format
    return (f"{f(b.median / scale)}<br><span class='band'>[{f(b.lo / scale)}–"
            f"{f(b.hi / scale)}]</span>")  # fmt: skip


def load_complete(run_dir: Path) -> tuple[dict, dict]:
    """The manifest and every variant's paths, refusing an incomplete run."""
    run_dir = Path(run_dir)
    if not (run_dir / "manifest.json").exists():
        raise InputError(run_dir, "manifest.json", "not a results folder")
    manifest = read_manifest(run_dir)
    if not manifest.get("complete"):
        raise InputError(run_dir, "manifest.json", "the run is incomplete; finish it with --resume",
                         allowed="a complete run")  # fmt: skip
    runs = {}
    for v in manifest["variants"]:
        paths = load_paths(run_dir, v["label"])
        expected = v["sets"].get("montecarlo.paths", manifest["paths"])
        if sorted(paths) != list(range(expected)):
            raise InputError(run_dir, f"paths/{v['label']}",
                             f"{len(paths)} of {expected} paths on disk; the report would be partial",
                             allowed="every path of the run")  # fmt: skip
        runs[v["label"]] = paths
    if not any(RATE_KEY in label for label in runs):
        raise InputError(run_dir, "variants", f"no {RATE_KEY} variants",
                         allowed=f"a run of: hpfsim compare SCENARIO --set {RATE_KEY}=...")  # fmt: skip
    return manifest, runs


def render(run_dir: Path, *, lang: str = "zh") -> Path:
    """Write ``report.html`` into the run folder; return its path."""
    if lang not in TEXT:
        raise InputError("(command line)", "--lang", f"{lang!r}", allowed="zh | en")
    t = TEXT[lang]
    manifest, runs = load_complete(run_dir)
    first = manifest["variants"][0]
    scenario = load_scenario(manifest["scenario_file"], sets=first["sets"])
    stress = first["sets"].get("stress")
    stress_name = next((v["sets"].get("stress") for v in manifest["variants"]
                        if v["label"].endswith(STRESS_SUFFIX)), None)  # fmt: skip
    stress_name = Path(stress_name).stem if stress_name else None
    rows = decision_table(runs, scenario.pool.fund)
    numbers = summary_numbers(rows)
    parts = [f"<h1>{t['title']}</h1>", f"<h2>{t['summary']}</h2>",
             f"<p class='summary' id='summary'>{html.escape(summary_text(numbers, lang, stress_name))}</p>",
             f"<h2>{t['table']}</h2>", _table(rows, t, stress_name), f"<h2>{t['figures']}</h2>",
             "<div class='figs'>"]  # fmt: skip
    base_runs = {f"{r:.1%}": runs[k] for k in runs if STRESS_SUFFIX not in k
                 for r in [float(k.split('=', 1)[1])]}  # fmt: skip
    for name in FIGURES:
        png = base64.b64encode(fan_chart(base_runs, name, manifest["start"])).decode()
        parts.append(f"<img alt='{name}' src='data:image/png;base64,{png}'>")
    parts.append("</div>")
    if stress_name:
        parts.append(_stress_table(runs, scenario.pool.fund, t, stress_name))
    parts.append(_methods(manifest, scenario, t, stress))
    doc = (f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>"
           "<meta charset='utf-8'><meta name='viewport' content='width=device-width,initial-scale=1'>"
           f"<title>{t['title']}</title><style>{CSS}</style><script>{SCRIPT}</script></head>"
           f"<body>{''.join(parts)}</body></html>")  # fmt: skip
    out = Path(run_dir) / "report.html"
    write_atomic(out, doc.encode("utf-8"))
    return out


def _table(rows, t, stress_name) -> str:
    years = sorted(rows[0].members)
    head = [t["rate"]] + [f"{t['members']}<br>{t['year'].format(y=y)}" for y in years]
    head += [f"{t['balance']}<br>{t['year'].format(y=y)}" for y in years]
    head += [t["subsidy_year"], t["subsidy_total"], t["at_cap"], t["cost_dep"], t["cost_member"],
             t["tax"], t["vai"], t["ltd"], t["survival"], t["reserve"], t["breach"]]  # fmt: skip
    if stress_name:
        head.append(t["breach_stress"].format(s=stress_name))
    out = ["<div class='scroll'><table class='decision'><thead><tr>"]
    out += [f"<th>{h}</th>" for h in head] + ["</tr></thead><tbody>"]
    for r in rows:
        cells = [f"{r.rate:.1%}"] + [_band(r.members[y]) for y in years]
        cells += [_band(r.deposit_balance[y], 1e4) for y in years]
        cells += [_band(r.subsidy_per_year, 1e4), _band(r.subsidy_total, 1e4),
                  _band(r.share_at_cap, 0.01, "{:.1f}%"), _band(r.cost_per_deposit_yuan, 1, "{:.3f}"),
                  _band(r.cost_per_member), _band(r.tax_forgone, 1e4),
                  _band(r.value_added_income, 1e4), _band(r.peak_loan_to_deposit, 1, "{:.3f}"),
                  _band(r.min_survival_months, 1, "{:.1f}"), _band(r.reserve_to_loans, 1, "{:.4f}"),
                  f"{r.breach_baseline:.0%}"]  # fmt: skip
        if stress_name:
            cells.append(f"{r.breach_stress:.0%}" if r.breach_stress is not None else "–")
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append(f"</tbody></table></div><p class='band'>{t['band']}</p>")
    return "".join(out)


def _stress_table(runs, fund, t, stress_name) -> str:
    """Per rate, baseline and stress side by side: the stress metrics' medians and worst paths."""
    from sim.stress import table_rows

    labels = sorted(
        (k for k in runs if RATE_KEY in k), key=lambda k: (float(k.split("|")[0].split("=")[1]), k)
    )
    rows = table_rows({k: runs[k] for k in labels}, fund.credit_line_rate, fund.credit_line_limit)
    head = [
        t["rate"],
        t["scenario_kind"],
        t["survival"],
        t["queue"],
        t["credit"],
        t["losses"],
        t["breach_any"],
    ]
    out = [
        f"<h2>{t['stress_title'].format(s=stress_name)}</h2><div class='scroll'><table class='stress'><tr>"
    ]
    out += [f"<th>{h}</th>" for h in head] + ["</tr>"]
    for r in rows:
        rate, _, kind = r["scenario"].partition("|")
        cells = [f"{float(rate.split('=')[1]):.1%}", stress_name if kind else t["baseline"],
                 f"{r['min_survival_months.median']:.1f}<br><span class='band'>{r['min_survival_months.worst5']:.1f}</span>",
                 f"{r['max_queue_length.median']:,.0f}<br><span class='band'>{r['max_queue_length.worst5']:,.0f}</span>",
                 f"{r['max_credit_line.median'] / 1e4:,.0f}<br><span class='band'>{r['max_credit_line.worst5'] / 1e4:,.0f}</span>",
                 f"{r['credit_losses.median'] / 1e4:,.0f}<br><span class='band'>{r['credit_losses.worst5'] / 1e4:,.0f}</span>",
                 f"{max(r[k] for k in r if k.startswith('P(')):.0%}"]  # fmt: skip
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append(f"</table></div><p class='band'>{t['stress_note']}</p>")
    return "".join(out)


def _methods(manifest, scenario, t, stress) -> str:
    policies = [scenario.policy] + ([scenario.switch_policy] if scenario.switch_policy else [])
    out = [f"<h2>{t['methods']}</h2>"]
    out.append(f"<p>{t['policy']}: " + "; ".join(
        f"{html.escape(p.id)} ({html.escape(p.title)})" for p in policies) + "</p>")  # fmt: skip
    out.append(f"<h3>{t['assumptions']}</h3><div class='scroll'><table class='assumptions'><tr>"
               f"<th class='l'>{t['policy']}</th><th class='l'>{t['key']}</th>"
               f"<th class='l'>{t['value']}</th><th class='l'>{t['basis']}</th></tr>")  # fmt: skip
    for p in policies:
        for param in p.assumptions():
            shown = param.shown()
            out.append(f"<tr><td class='l'>{p.id}</td><td class='l'>{param.spec.key}</td>"
                       f"<td class='l'>{html.escape(shown)}</td>"
                       f"<td class='l'>{html.escape(param.assumption)}</td></tr>")  # fmt: skip
    out.append("</table></div>")
    out.append(f"<h3>{t['reproduce']}</h3><ul>"
               f"<li>{t['scenario']}: {html.escape(manifest['scenario_file'])} "
               f"(sha256 {manifest['digest'][:16]}…)</li>"
               f"<li>{t['seed']}: {manifest['seed']}; {t['paths']}: {manifest['paths']}</li>"
               f"<li>{t['code']}: hpfsim {__version__}, git {manifest.get('git_commit') or '–'}</li>"
               f"<li>variants: {html.escape(', '.join(v['label'] for v in manifest['variants']))}"
               f"{' (stress ' + html.escape(str(stress)) + ')' if stress else ''}</li></ul>")  # fmt: skip
    return "".join(out)
