"""The what-if page: one self-contained ``whatif.html`` the committee can move.

Everything is inline — the grid's figures as JSON, the script, the styles, the subset of
the bundled CJK font its text needs — so it opens from a file or a USB stick with no
server and no network. A slider per lever (:data:`sim.decide.whatif.LEVERS`); the
decision figures with their 90% bands and a chart (median and band by month) update as a
lever moves, multilinearly interpolated between grid points exactly as
:func:`sim.decide.whatif.interpolate` does, and the page says so in words whenever a
setting lies between grid points. The settings live in the URL's hash
(``whatif.html#rate=0.012&bonus=300``, and ``lang=en``) so a link shares a what-if.
Chinese first, English at a click. The assumptions in force are listed at the foot.

Test hooks: each lever is ``#lever-NAME``; each figure's cell ``#fig-NAME`` carries the
median, 5% and 95% in ``data-median``/``data-lo``/``data-hi``; ``#interp`` holds
``data-between="1"`` when interpolating.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from sim.decide.whatif import FIGURES, LEVERS, SERIES
from sim.engine.results import write_atomic
from sim.report.bases import shown
from sim.report.labels import METRICS

FIGURE_NAMES = {
    "members": ("缴存人数（期末）", "Members (end)"),
    "deposit_balance": ("缴存余额（期末）", "Deposit balance (end)"),
    "deposits": ("缴存额合计", "Deposits in all"),
    "subsidy": ("补贴支出合计（含开户补贴）", "Subsidy cost in all (with bonuses)"),
    "loans": ("贷款发放合计", "Loans granted in all"),
    "segment_margin": ("灵活就业分账收益合计", "Pilot's margin in all"),
    "segment_reserve_to_loans": ("灵活就业准备金/贷款（期末）", "Pilot's reserve / its loans (end)"),
    "segment_net_funding": ("灵活就业净融出（期末）", "Pilot's net funding (end)"),
    "pool_loan_to_deposit": ("资金池个贷率（期末）", "Pool's loan-to-deposit (end)"),
    "survival_months": ("资金池流动性生存期（期末）", "Pool's survival horizon (end)"),
}  # fmt: skip

TEXT = {
    "zh": {"title": "缴存补贴政策测算：如果……会怎样？", "levers": "政策杠杆", "figures": "决策指标",
           "median": "中位数", "band": "90% 区间", "chart": "走势（中位数与 90% 区间）",
           "on_grid": "当前设置正好是预先计算的网格点。",
           "between": "当前设置位于网格点之间：数值为相邻网格点的线性插值，不是直接模拟结果。",
           "assumptions": "在用的假设", "key": "参数", "value": "取值", "basis": "依据",
           "about": "共 {n} 个网格点，每点 {p} 条路径（共同随机数），{m} 个月；情景 {s}。"
                    "链接中的 # 后保存当前设置，可直接分享。",
           "shown": "{n} 项（点击展开）：各项取值及其依据", "switch": "English", "money": "万元", "months": "月", "people": "人", "grid": "网格点"},
    "en": {"title": "Subsidy policy: what if…?", "levers": "Levers", "figures": "Decision figures",
           "median": "median", "band": "90% band", "chart": "Projection (median and 90% band)",
           "on_grid": "This setting is a precomputed grid point.",
           "between": "This setting lies between grid points: the figures are interpolated "
                      "linearly from the neighbouring points, not simulated directly.",
           "assumptions": "Assumptions in force", "key": "Key", "value": "Value", "basis": "Basis",
           "about": "{n} grid points, {p} paths each (common random numbers), {m} months; "
                    "scenario {s}. The link after # keeps these settings: share it.",
           "shown": "{n} of them (click to open): each value and its basis",
           "switch": "中文", "money": "m yuan", "months": "months", "people": "people",
           "grid": "grid points"},
}  # fmt: skip

CSS = """body{font-family:"hpfsim CJK",system-ui,"Segoe UI",Arial,sans-serif;margin:0 auto;
max-width:1100px;padding:1rem;color:#1b1b1b;line-height:1.45}h1{font-size:1.4rem}
h2{font-size:1.1rem;border-bottom:1px solid #ccc}.row{display:flex;flex-wrap:wrap;gap:1.5rem}
.levers{flex:1 1 320px}.lever{margin:.6rem 0}.lever label{display:block;font-size:.9rem}
.lever input{width:100%}.lever output{font-weight:bold}.ticks{font-size:.7rem;color:#666}
.figs{flex:2 1 520px}table{border-collapse:collapse;font-size:.9rem;width:100%}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:right}th.l,td.l{text-align:left}
.band{color:#666;font-size:.75rem}#interp{padding:.5rem .8rem;margin:.6rem 0;border-left:4px solid #2c5d8f;
background:#f3f6fa}#interp[data-between="1"]{border-color:#c77700;background:#fff4e0}
button,select,input{font-family:inherit}html[lang=en] .zh,html[lang=zh-CN] .en{display:none}button{float:right}svg{width:100%;max-width:820px;height:auto;background:#fff;display:block}table.assumptions td{font-size:.75rem}"""

SCRIPT = r"""
const D=JSON.parse(document.getElementById('data').textContent);
const names=Object.keys(D.grid);let lang='zh';const S={};
function parseHash(){const h=new URLSearchParams(location.hash.slice(1));
 for(const n of names){const v=parseFloat(h.get(n));S[n]=isFinite(v)?v:D.grid[n][0];}
 if(h.get('lang')==='en'||h.get('lang')==='zh')lang=h.get('lang');}
function writeHash(){const q=names.map(n=>n+'='+(+S[n].toPrecision(12))).join('&')+(lang==='en'?'&lang=en':'');
 try{history.replaceState(null,'','#'+q);}catch(e){location.hash=q;}}
function interp(key){let corners=[[0,1.0]],between=false;
 for(const n of names){const a=D.grid[n];const x=Math.min(Math.max(S[n],a[0]),a[a.length-1]);
  let i=0;while(i+1<a.length&&a[i+1]<=x)i++;let pairs;
  if(a[i]===x||i===a.length-1)pairs=[[i,1]];else{const w=(x-a[i])/(a[i+1]-a[i]);pairs=[[i,1-w],[i+1,w]];between=true;}
  const next=[];for(const [idx,wt] of corners)for(const [j,w] of pairs)next.push([idx*a.length+j,wt*w]);corners=next;}
 let total=null;for(const [idx,w] of corners){const v=key(D.points[idx]);total=total===null?scale(v,w):add(total,scale(v,w));}
 return [total,between];}
function scale(v,w){return Array.isArray(v)?v.map(x=>scale(x,w)):v*w;}
function add(a,b){return Array.isArray(a)?a.map((x,i)=>add(x,b[i])):a+b;}
function fmt(x,kind){if(!isFinite(x))return '–';
 if(kind==='money'){return lang==='zh'?(x/1e4).toLocaleString('en',{minimumFractionDigits:1,maximumFractionDigits:1}):(x/1e6).toFixed(2);}
 if(kind==='people')return Math.round(x).toLocaleString('en');if(kind==='ratio')return x.toFixed(3);
 if(kind==='months')return x.toFixed(1);return x.toString();}
function leverText(n,v){const k=D.levers[n].kind;if(k==='rate')return (v*100).toFixed(2)+'%';
 if(k==='share')return (v*100).toFixed(0)+'%';if(k==='multiple')return '×'+v;return v.toLocaleString('en');}
function unit(kind){const t=D.text[lang];return kind==='money'?' ('+t.money+')':kind==='months'?' ('+t.months+')':'';}
function render(){const t=D.text[lang];document.documentElement.lang=lang==='zh'?'zh-CN':'en';
 for(const id of ['title','levers-h','figures-h','chart-h','assumptions-h','about'])document.getElementById(id).textContent=t[id.replace('-h','')];
 document.title=t.title;document.getElementById('switch').textContent=t.switch;
 for(const n of names){document.getElementById('name-'+n).textContent=D.levers[n][lang];
  document.getElementById('lever-'+n).value=S[n];document.getElementById('val-'+n).textContent=leverText(n,S[n]);}
 const [figs,between]=interp(p=>Object.keys(D.figures).map(f=>p.figures[f]));
 Object.keys(D.figures).forEach((f,i)=>{const c=document.getElementById('fig-'+f),k=D.figures[f].kind,q=figs[i];
  document.getElementById('fname-'+f).textContent=D.figures[f][lang]+unit(k);
  c.dataset.lo=q[0];c.dataset.median=q[1];c.dataset.hi=q[2];
  c.innerHTML=fmt(q[1],k)+'<br><span class="band">['+fmt(q[0],k)+' – '+fmt(q[2],k)+']</span>';});
 const box=document.getElementById('interp');box.dataset.between=between?'1':'0';box.textContent=between?t.between:t.on_grid;
 document.getElementById('th-median').textContent=t.median+' ['+t.band+']';
 document.getElementById('assumptions-n').textContent=t.shown.replace('{n}',D.assumptions);drawChart();writeHash();}
function drawChart(){const sel=document.getElementById('series');const s=sel.value;
 for(const o of sel.options)o.textContent=D.series[o.value][lang];
 const [q]=interp(p=>p.series[s]);const lo=q[0],mid=q[1],hi=q[2],n=mid.length;
 const W=640,H=260,L=60,B=30;let top=Math.max(...hi),bot=Math.min(0,...lo);if(top===bot)top=bot+1;
 const X=i=>L+(W-L-10)*i/Math.max(n-1,1),Y=v=>H-B-(H-B-10)*(v-bot)/(top-bot);
 let band='';for(let i=0;i<n;i++)band+=X(i)+','+Y(hi[i])+' ';for(let i=n-1;i>=0;i--)band+=X(i)+','+Y(lo[i])+' ';
 let line='';for(let i=0;i<n;i++)line+=X(i)+','+Y(mid[i])+' ';
 const k=D.series[s].kind,lab=v=>fmt(v,k);let ticks='';
 for(let y=0;y<=n;y+=12)ticks+='<text x="'+X(Math.min(y,n-1))+'" y="'+(H-10)+'" font-size="11" text-anchor="middle">'+D.years[y/12]+'</text>';
 document.getElementById('chart').innerHTML='<polygon points="'+band+'" fill="#2c5d8f" fill-opacity="0.2"/>'+
  '<polyline points="'+line+'" fill="none" stroke="#2c5d8f" stroke-width="2"/>'+
  '<line x1="'+L+'" y1="'+(H-B)+'" x2="'+W+'" y2="'+(H-B)+'" stroke="#999"/>'+
  '<text x="'+(L-6)+'" y="'+(Y(top)+4)+'" font-size="11" text-anchor="end">'+lab(top)+'</text>'+
  '<text x="'+(L-6)+'" y="'+(Y(bot)+4)+'" font-size="11" text-anchor="end">'+lab(bot)+'</text>'+ticks+
  '<text x="'+(L+6)+'" y="'+(Y(top)+4)+'" font-size="11">'+unit(k).trim()+'</text>';}
parseHash();
for(const n of names){document.getElementById('lever-'+n).addEventListener('input',e=>{S[n]=parseFloat(e.target.value);render();});}
document.getElementById('series').addEventListener('change',drawChart);
document.getElementById('switch').addEventListener('click',()=>{lang=lang==='zh'?'en':'zh';render();});
window.addEventListener('hashchange',()=>{parseHash();render();});
render();document.body.dataset.ready='1';
"""


def _slider(name: str, values) -> str:
    lever = LEVERS[name]
    ticks = " · ".join(f"{v:g}" for v in values)
    return (
        f"<div class='lever'><label for='lever-{name}'><span id='name-{name}'></span>: "
        f"<output id='val-{name}'></output></label><input type='range' id='lever-{name}' "
        f"min='{values[0]!r}' max='{values[-1]!r}' step='{lever.step!r}'>"
        f"<div class='ticks'>{html.escape(ticks)}</div></div>"
    )


def render_whatif(out: Path, data: dict, assumptions: list, *, about: dict) -> Path:
    """Write ``whatif.html`` from the grid's ``data`` (:func:`page_data`); return its path."""
    from sim.report.fonts import font_face

    grid = data["grid"]
    sliders = "".join(_slider(n, v) for n, v in grid.items())
    rows = "".join(
        f"<tr><td class='l' id='fname-{f}'></td><td id='fig-{f}'></td></tr>"
        for f in data["figures"]
    )
    options = "".join(f"<option value='{s}'></option>" for s in data["series"])
    notes = "".join(
        f"<tr><td class='l'><code>{html.escape(a.key)}</code></td>"
        f"<td class='l'>{html.escape(a.value)}</td><td class='l'>"
        f"<span class='zh'>{html.escape(shown(a.basis, 'zh'))}</span>"
        f"<span class='en'>{html.escape(a.basis)}</span></td></tr>"
        for a in assumptions
    )
    data["assumptions"] = len(assumptions)
    for lang in ("zh", "en"):
        data["text"][lang]["about"] = data["text"][lang]["about"].format(**about)
    body = (
        f"<button id='switch'></button><h1 id='title'></h1><p id='about' class='band'></p>"
        f"<div class='row'><div class='levers'><h2 id='levers-h'></h2>{sliders}</div>"
        f"<div class='figs'><h2 id='figures-h'></h2><div id='interp'></div>"
        f"<table><tr><th class='l'></th><th id='th-median'></th></tr>{rows}</table></div></div>"
        f"<h2 id='chart-h'></h2><select id='series'>{options}</select>"
        f"<svg id='chart' viewBox='0 0 640 260' role='img'></svg>"
        f"<h2 id='assumptions-h'></h2><details><summary id='assumptions-n'></summary>"
        f"<table class='assumptions'>{notes}</table></details>"
    )
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    text = json.dumps(data["text"], ensure_ascii=False) + "".join(
        v["zh"] for part in ("levers", "figures", "series") for v in data[part].values()
    )
    doc = (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(TEXT['zh']['title'])}</title>"
        f"<style>{font_face(text + body)}{CSS}</style></head><body>{body}"
        f"<script type='application/json' id='data'>{payload}</script>"
        f"<script>{SCRIPT}</script></body></html>"
    )
    path = Path(out) / "whatif.html"
    write_atomic(path, doc.encode("utf-8"))
    return path


def page_data(grid, points_figures, points_series, years: list[str]) -> dict:
    """The JSON the page reads: the grid, each point's figures and series, names, words."""
    # fmt: off
    return {
        "grid": {n: list(v) for n, v in grid.items()},
        "levers": {n: {"zh": LEVERS[n].zh, "en": LEVERS[n].en, "kind": LEVERS[n].kind}
                   for n in grid},
        "figures": {f: {"zh": FIGURE_NAMES[f][0], "en": FIGURE_NAMES[f][1], "kind": FIGURES[f][2]}
                    for f in FIGURES},
        "series": {s: {"zh": METRICS[s].zh, "en": METRICS[s].en, "kind": METRICS[s].kind}
                   for s in SERIES},
        "points": [{"figures": f, "series": s}
                   for f, s in zip(points_figures, points_series, strict=True)],
        "years": years,
        "text": {lang: dict(t) for lang, t in TEXT.items()},
    }
    # fmt: on
