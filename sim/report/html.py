"""The committee's report: one self-contained HTML file from a compare run.

``report.html`` (Chinese, the default) or ``report.en.html`` (``lang="en"``)
holds everything inline — figures as base64 PNG, styles, a few lines of
script — so it opens from a USB stick with no network. It reads on a phone
(the table scrolls sideways, figures shrink) and prints on A4 landscape (the
decision table wraps into the page width; no background colours; page
breaks between sections). Figures carry the report's language. The Methods
section lists every assumption in force — policy, scenario, population and
behaviour, fund file — with key path, value and basis, those that drive the
decision first. ``report.xlsx`` (``report.en.xlsx``) beside it holds the
same decision table, summary and assumptions for a spreadsheet. A run that
is not complete — a failed, missing or interrupted path — is refused rather
than shown as if complete.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from sim import __version__
from sim.core.errors import InputError
from sim.engine.results import load_paths, read_manifest, write_atomic
from sim.report.assumptions import in_force
from sim.report.bases import shown
from sim.report.committee import (
    RATE_KEY,
    STRESS_SUFFIX,
    decision_table,
    rate_of,
    summary_numbers,
    summary_text,
)
from sim.report.decision_html import decision_tables
from sim.report.figures import fan_chart
from sim.report.fonts import font_face
from sim.report.labels import label
from sim.report.params_zh import basis_text, param_name, value_text
from sim.report.params_zh import stress_name as zh_stress
from sim.scenario.files import load_scenario

FIGURES = ("members", "deposit_balance", "subsidy_paid", "pool_loan_to_deposit",
           "survival_months", "risk_reserve")  # fmt: skip
FILES = {"zh": "report", "en": "report.en"}
"""Report file stems by language: report.html / report.xlsx, report.en.html / report.en.xlsx."""

TEXT = {
    "zh": {
        "title": "灵活就业人员住房公积金缴存补贴率测算报告", "summary": "结论摘要",
        "table": "补贴率比较表", "figures": "各补贴率的走势（中位数与 90% 区间）",
        "methods": "方法与假设", "rate": "补贴率", "year": "第{y}年",
        "band": "每格：中位数，下方为 [5%–95%] 区间；金额单位见表头；“–”：不适用（如灵活就业尚无贷款）",
        "policy": "政策", "assumptions": "在用的全部假设（决定结论的在前，★ 标出）",
        "source": "来源", "key": "键", "name": "参数", "value": "取值", "basis": "依据",
        "basis_note": "依据译自各文件的英文原文；尚无译文的依据（如用户自己的文件）按原文显示，并标“（原文）”。",
        "sources": {"policy": "政策文件", "scenario": "情景文件", "population": "人群与行为",
                    "fund": "资金池文件"},
        "reproduce": "复现信息", "seed": "随机种子", "paths": "模拟路径数",
        "code": "程序版本", "scenario": "情景文件", "variants": "情景变体",
        "stress_title": "压力测试（{s}）与基准对比", "scenario_kind": "情景", "baseline": "基准",
        "breach_any": "任一突破的概率", "stress_note": "每格：中位数；下方为最差 5% 路径",
    },
    "en": {
        "title": "Flexible-employment housing fund: holding-subsidy rate report",
        "summary": "Summary", "table": "Decision table", "figures": "Projections by rate (median and 90% band)",
        "methods": "Methods and assumptions", "rate": "Rate", "year": "year {y}",
        "band": "each cell: the median, below it the [5%–95%] band; units in the headings; '–': does not apply (e.g. the pilot has no loans yet)",
        "policy": "Policy", "assumptions": "Every assumption in force (those driving the decision first, marked ★)",
        "source": "Source", "key": "Key path", "value": "Value", "basis": "Basis", "basis_note": "",
        "sources": {"policy": "policy file", "scenario": "scenario file",
                    "population": "population and behaviour", "fund": "fund file"},
        "reproduce": "Reproducing this report", "seed": "Seed", "paths": "Paths",
        "code": "Code version", "scenario": "Scenario file", "variants": "Variants",
        "stress_title": "Stress test ({s}) against the baseline", "scenario_kind": "Scenario",
        "baseline": "baseline", "breach_any": "Probability of any breach",
        "stress_note": "each cell: median; below it the worst 5% path",
    },
}  # fmt: skip

CSS = """
body{font-family:"hpfsim CJK",system-ui,-apple-system,"Segoe UI",Arial,sans-serif;
margin:0 auto;max-width:1280px;padding:1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #ccc;margin-top:2rem}
h3.part{font-size:1rem;margin:1rem 0 .3rem}
.summary{background:#f3f6fa;padding:.8rem 1rem;border-left:4px solid #2c5d8f}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:right;white-space:nowrap}
th{background:#eef1f5;white-space:normal;vertical-align:bottom;hyphens:none;
overflow-wrap:normal;word-break:normal}td.l,th.l{text-align:left;white-space:normal}
table.decision{width:100%}table.decision td{white-space:normal;font-size:.8rem}
table.decision th{font-size:.75rem;text-align:center}.n{white-space:nowrap}
.unit{font-weight:normal;color:#555}
.band{color:#666;font-size:.75rem}.figs{display:flex;flex-wrap:wrap;gap:.5rem}
.figs img{max-width:100%;width:520px;height:auto}table.assumptions td{font-size:.8rem}
td.key,th.key{font-size:.65rem;color:#666}
@page{size:A4 landscape;margin:8mm}
@media print{body{max-width:none;padding:0;font-size:8pt;line-height:1.3}
h1{font-size:13pt;margin:0 0 2pt}h2{font-size:10pt;margin:4pt 0 2pt}h3.part{font-size:8.5pt;margin:4pt 0 2pt}
.summary{background:none;padding:2pt 4pt;margin:0}
h2{page-break-before:always}h2.first{page-break-before:avoid}.scroll{overflow:visible}
table.decision{width:100%;font-size:6.5pt}table.decision th{font-size:6.2pt}
table.decision th,table.decision td{padding:1pt 2pt}table.decision td{font-size:6.5pt}
.band{font-size:5.8pt}.figs img{width:48%}thead{display:table-header-group}
tr{page-break-inside:avoid}table.assumptions td,table.assumptions th{font-size:6pt;padding:1pt 2pt}
td.key,th.key{font-size:5pt}}
"""

SCRIPT = """window.addEventListener('load',function(){var i=document.images,ok=0;
for(var k=0;k<i.length;k++){if(i[k].complete&&i[k].naturalWidth>0)ok++;}
document.body.setAttribute('data-figures',i.length);document.body.setAttribute('data-figures-ok',ok);
var s=document.querySelectorAll('.scroll'),w=0;for(var k=0;k<s.length;k++){
if(s[k].querySelector('table.decision')&&s[k].scrollWidth>s[k].clientWidth+1)w++;}
document.body.setAttribute('data-decision-overflow',w);});"""


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


def report_path(run_dir: Path, lang: str, suffix: str = ".html") -> Path:
    """``report.html`` for Chinese, ``report.en.html`` for English (``.xlsx`` alike)."""
    return Path(run_dir) / f"{FILES[lang]}{suffix}"


def render_reports(run_dir: Path, *, lang: str | None = None, **extra) -> list[Path]:
    """``report.html`` (Chinese, the committee's language) always, and ``report.en.html``
    too when ``lang`` is ``en`` — whatever the machine's locale; their paths."""
    langs = ["zh"] + (["en"] if lang == "en" else [])
    if lang not in (None, *TEXT):
        raise InputError("(command line)", "--lang", f"{lang!r}", allowed="zh | en")
    return [render(run_dir, lang=one, **extra) for one in langs]


def render(
    run_dir: Path,
    *,
    lang: str = "zh",
    robust_dir: Path | None = None,
    sensitivity_dir: Path | None = None,
) -> Path:
    """Write the report (and its spreadsheet) into the run folder; return the HTML's path.

    With ``robust_dir`` (a ``compare --robust`` run) the report adds the section on decisions
    under uncertainty: the robust table, and, with ``sensitivity_dir`` (an ``hpfsim
    sensitivity`` run), the assumptions that move each decision figure most."""
    if lang not in TEXT:
        raise InputError("(command line)", "--lang", f"{lang!r}", allowed="zh | en")
    t = TEXT[lang]
    manifest, runs = load_complete(run_dir)
    first = manifest["variants"][0]
    scenario = load_scenario(manifest["scenario_file"], sets=first["sets"])
    stress = first["sets"].get("stress")
    stress_name = next((v["sets"].get("stress") for v in manifest["variants"]
                        if v["label"].endswith(STRESS_SUFFIX)), None)  # fmt: skip
    stress_file, stress_name = stress_name, Path(stress_name).stem if stress_name else None
    if stress_name and lang == "zh":
        stress_name = zh_stress(stress_name)
    rows = decision_table(runs, scenario.pool.fund, start=scenario.start)
    summary = summary_text(summary_numbers(rows), lang, stress_name)
    assumptions = in_force(scenario, first["sets"])
    parts = [f"<h1>{t['title']}</h1>", f"<h2 class='first'>{t['summary']}</h2>",
             f"<p class='summary' id='summary'>{html.escape(summary)}</p>",
             f"<h2 class='first'>{t['table']}</h2>", decision_tables(rows, lang, stress_name),
             f"<p class='band'>{t['band']}</p>", f"<h2>{t['figures']}</h2>",
             "<div class='figs'>"]  # fmt: skip
    base_runs = {f"{r:.1%}": runs[k] for k in runs if STRESS_SUFFIX not in k
                 for r in [float(k.split('=', 1)[1])]}  # fmt: skip
    for name in FIGURES:
        png = base64.b64encode(fan_chart(base_runs, name, manifest["start"], lang=lang)).decode()
        parts.append(f"<img alt='{name}' src='data:image/png;base64,{png}'>")
    parts.append("</div>")
    if stress_name:
        parts.append(_stress_table(runs, scenario.pool.fund, lang, stress_name, scenario.start))
        parts.append(_window_html(runs, lang, stress_file, scenario.start))
    from sim.report.liquidity import liquidity_section

    parts.append(liquidity_section(runs, lang=lang))
    parts.append(_reserve_html(runs, scenario, lang))
    if robust_dir is not None:
        from sim.report.robust import robust_section

        parts.append(robust_section(Path(robust_dir), sensitivity_dir=sensitivity_dir, lang=lang))
    parts.append(_methods(manifest, scenario, assumptions, lang, stress))
    doc = (f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>"
           "<meta charset='utf-8'><meta name='viewport' content='width=device-width,initial-scale=1'>"
           f"<title>{t['title']}</title><style>{font_face(t['title'] + ''.join(parts))}{CSS}</style>"
           f"<script>{SCRIPT}</script></head><body>{''.join(parts)}</body></html>")  # fmt: skip
    out = report_path(run_dir, lang)
    write_atomic(out, doc.encode("utf-8"))
    from sim.report.xlsx import write_workbook

    write_workbook(report_path(run_dir, lang, ".xlsx"), rows, summary, assumptions, lang=lang,
                   stress_name=stress_name)  # fmt: skip
    return out


STRESS_SHOWN = ("min_survival_months", "min_survival_months_with_line", "max_queue_length",
                "max_credit_line", "reserve_shortfall", "credit_losses")  # fmt: skip


def _stress_table(runs, fund, lang, stress_name, start=None) -> str:
    """Per rate, baseline and stress side by side: the stress metrics' medians and worst paths."""
    from sim.stress.metrics import table_rows

    t = TEXT[lang]
    labels = sorted(
        (k for k in runs if RATE_KEY in k), key=lambda k: (float(k.split("|")[0].split("=")[1]), k)
    )
    from sim.stress.breaches import sentences

    rows = table_rows({k: runs[k] for k in labels}, fund.credit_line_rate, fund.credit_line_limit,
                      start)  # fmt: skip
    head = [t["rate"], t["scenario_kind"], *(label(m, lang) for m in STRESS_SHOWN)]
    out = [
        f"<h2>{t['stress_title'].format(s=stress_name)}</h2><div class='scroll'><table class='stress'><tr>"
    ]
    out += [f"<th>{html.escape(h)}</th>" for h in head] + ["</tr>"]
    from sim.report.labels import value

    for r in rows:
        rate, _, kind = r["scenario"].partition("|")
        cells = [f"{float(rate.split('=')[1]):.1%}", stress_name if kind else t["baseline"]]
        cells += [f"{value(m, r[m + '.median'], lang)}<br><span class='band'>{value(m, r[m + '.worst5'], lang)}</span>"
                  for m in STRESS_SHOWN]  # fmt: skip
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append(f"</table></div><p class='band'>{t['stress_note']}</p><ul class='breaches'>")
    for r in rows:
        rate, _, kind = r["scenario"].partition("|")
        who = f"{float(rate.split('=')[1]):.1%} {stress_name if kind else t['baseline']}"
        out.append(f"<li>{html.escape(who)}: {html.escape(sentences(r['breaches'], lang))}</li>")
    out.append("</ul>")
    return "".join(out)


def _reserve_html(runs, scenario, lang) -> str:
    """How the pilot's reserve is funded, per fund year, at each rate (baseline runs)."""
    from sim.report.reserve_funding import TITLE, reserve_funding_rows

    out = [f"<h2>{html.escape(TITLE[lang])}</h2>"]
    base = sorted((k for k in runs if RATE_KEY in k and STRESS_SUFFIX not in k),
                  key=lambda k: float(k.split("=")[1]))  # fmt: skip
    for k in base:
        head, rows = reserve_funding_rows(runs[k], scenario, lang=lang)
        out.append(
            f"<h3>{float(k.split('=')[1]):.1%}</h3><div class='scroll'><table class='stress'><tr>"
        )
        out += [f"<th>{html.escape(h)}</th>" for h in head] + ["</tr>"]
        out += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows]
        out.append("</table></div>")
    note = ("补贴作为业务支出先从灵活就业分账增值收益中扣除，风险准备金再按规则从剩余收益中计提（A §3(6)2，F2–F4）"
            if lang == "zh" else
            "The subsidy is charged to the pilot's value-added income first, as a business expense; "
            "the reserve is then provisioned by its rule from what is left (A §3(6)2, F2–F4)")  # fmt: skip
    out.append(f"<p class='band'>{note}</p>")
    return "".join(out)


def _window_html(runs, lang, stress_file, start) -> str:
    """The stress's paired effects in its window and after, one column per rate."""
    from sim.report.stress_tables import WORDS, pool_sentence, window_rows
    from sim.scenario.stress_files import load_stress
    from sim.stress.window import effects, stress_window

    base = {k: runs[k] for k in runs if RATE_KEY in k and STRESS_SUFFIX not in k}
    horizon = len(next(iter(next(iter(base.values())).values()))["members"])
    shocks = load_stress(stress_file, start=start).shocks
    window = stress_window(shocks, start, horizon)
    by_rate = {}
    for k in sorted(base, key=lambda k: float(k.split("=")[1])):
        rate = f"{float(k.split('=')[1]):.1%}"
        pair = {"baseline": runs[k], rate: runs[k + STRESS_SUFFIX]}
        by_rate |= effects(pair, {rate: window})
    head, rows = window_rows(by_rate, start, lang=lang)
    title = (
        "压力期内外的配对影响（各补贴率）"
        if lang == "zh"
        else "The stress's effects in its window and after, paired (by rate)"
    )
    out = [f"<h3>{title}</h3><div class='scroll'><table class='stress'><tr>"]
    out += [f"<th>{html.escape(h)}</th>" for h in head] + ["</tr>"]
    out += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows]
    lines = [
        pool_sentence(by_rate, Path(stress_file).stem, lang=lang),
        WORDS[lang]["note"].replace("\n", " "),  # the terminal's two lines as one
    ]
    out.append("</table></div>" + "".join(f"<p class='band'>{html.escape(x)}</p>" for x in lines))
    return "".join(out)


def _variants(manifest, lang: str) -> str:
    """The run's variants as the reader knows them: rates, and the stress by its name."""
    out = []
    for v in manifest["variants"]:
        shown = f"{rate_of(v['label']):.1%}" if RATE_KEY in v["label"] else v["label"]
        stress = v["sets"].get("stress")
        if stress:
            stem = Path(stress).stem
            shown += f"（{zh_stress(stem)}）" if lang == "zh" else f" ({stem})"
        out.append(shown)
    return ("、" if lang == "zh" else ", ").join(out)


def _methods(manifest, scenario, assumptions, lang, stress) -> str:
    t = TEXT[lang]
    policies = [scenario.policy] + ([scenario.switch_policy] if scenario.switch_policy else [])
    out = [f"<h2>{t['methods']}</h2>"]
    out.append(f"<p>{t['policy']}: " + "; ".join(
        f"{html.escape(p.id)} ({html.escape(p.title)})" for p in policies) + "</p>")  # fmt: skip
    zh = lang == "zh"  # Chinese: the parameter's name, and its key path in a small last column
    out.append(f"<h3>{t['assumptions']}</h3><div class='scroll'><table class='assumptions'><tr>"
               f"<th class='l'>{t['source']}</th><th class='l'>{t['name' if zh else 'key']}</th>"
               f"<th class='l'>{t['value']}</th><th class='l'>{t['basis']}</th>"
               + (f"<th class='l key'>{t['key']}</th>" if zh else "") + "</tr>")  # fmt: skip
    shown_rows = []
    for a in assumptions:
        value, basis = a.value, shown(a.basis, lang)
        if zh:
            value, basis = value_text(value), basis_text(basis)
        shown_rows.append((a, value, basis))
    for i, (a, value, basis) in enumerate(shown_rows):
        source = t["sources"][a.source] + (f" {a.file}" if a.source == "policy" else "")
        mark = "★ " if a.drives else ""
        name = html.escape(param_name(a.key)) if zh else f"<code>{html.escape(a.key)}</code>"
        cell = ""  # a basis shared by the rows below it is shown once, spanning them
        if i == 0 or shown_rows[i - 1][2] != basis:
            span = next((k for k, r in enumerate(shown_rows[i:]) if r[2] != basis),
                        len(shown_rows) - i)  # fmt: skip
            cell = (f"<td class='l'{f' rowspan={span}' if span > 1 else ''}>"
                    f"{html.escape(basis)}</td>")  # fmt: skip
        out.append(f"<tr{' class=drives' if a.drives else ''}><td class='l'>{html.escape(source)}</td>"
                   f"<td class='l'>{mark}{name}</td><td class='l'>{html.escape(value)}</td>{cell}"
                   + (f"<td class='l key'><code>{html.escape(a.key)}</code></td>" if zh else "")
                   + "</tr>")  # fmt: skip
    out.append("</table></div>")
    if t["basis_note"]:
        out.append(f"<p class='band'>{t['basis_note']}</p>")
    out.append(f"<h3>{t['reproduce']}</h3><ul>"
               f"<li>{t['scenario']}: {html.escape(scenario.name)} "
               f"(sha256 {manifest['digest'][:16]}…)</li>"
               f"<li>{t['seed']}: {manifest['seed']}; {t['paths']}: {manifest['paths']}</li>"
               f"<li>{t['code']}: hpfsim {__version__}, git {manifest.get('git_commit') or '–'}</li>"
               f"<li>{t['variants']}: {html.escape(_variants(manifest, lang))}</li></ul>")  # fmt: skip
    return "".join(out)
