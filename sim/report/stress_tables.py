"""Stress effects in their window as a table and sentences (terminal and report), zh and en.

The figures and their pairing are :mod:`sim.stress.window`; this module words them: per stress,
the median paired change in the window and after it, with its share of the baseline's value,
"unchanged" where the stress did not move the figure, and a line saying which stresses can move
the pool's liquidity and why the others cannot (the pilot's share of the pool).
"""

from __future__ import annotations

import math

from sim.core.months import format_month
from sim.report.labels import label, value
from sim.report.terminal import table
from sim.stress.window import FIGURES

WORDS = {
    "zh": {"in": "压力期内", "after": "压力期后", "unchanged": "不变",
           "head": "与基准之差（逐路径配对，中位数）", "window": "压力期",
           "moves": "能影响资金池流动性的压力：{names}",
           "cannot": "不能影响资金池流动性的压力（灵活就业缴存仅占资金池的 {share}，"
                     "其冲击对资金池生存期和个贷率的影响小于 0.5%）：{names}",
           "none": "无",
           "note": "括号内为相对基准的变化；“不变”：配对差的中位数不超过基准值的 0.5%"},
    "en": {"in": "in window", "after": "after", "unchanged": "unchanged",
           "head": "change against the baseline (paired path by path, median)",
           "window": "stress window", "moves": "stresses that move the pool's liquidity: {names}",
           "cannot": "stresses that cannot move the pool's liquidity (the pilot holds {share} "
                     "of the pool's deposits; their effect on its survival horizon and "
                     "loan-to-deposit is under 0.5%): {names}",
           "none": "none",
           "note": "in brackets: the change as a share of the baseline's value;\n'unchanged': "
                   "the median paired change is within 0.5% of the baseline's value"},
}  # fmt: skip


def _cell(name: str, d: dict | None, lang: str) -> str:
    if d is None or math.isnan(d["change"]):
        return "–"
    if not d["moved"]:
        return WORDS[lang]["unchanged"]
    text = value(name, d["change"], lang, sign=True)
    if d["base"]:
        text += f" ({d['change'] / abs(d['base']):+.0%})"
    return text


def window_rows(effects: dict, start: int, *, lang: str = "en") -> tuple[list, list]:
    """The window table's head and rows (strings), for the terminal and the report."""
    w = WORDS[lang]
    labels = list(effects)
    head = [w["head"], *labels]
    rows = [
        [w["window"]]
        + [
            f"{format_month(start + effects[k]['window'][0])} – "
            f"{format_month(start + effects[k]['window'][1] - 1)}"
            for k in labels
        ]
    ]
    for f in FIGURES:
        for when in ("in", "after"):
            name = (
                f"{label(f.name, lang)}, {w[when]}"
                if lang == "en"
                else (f"{label(f.name, lang)}·{w[when]}")
            )
            rows.append(
                [name] + [_cell(f.name, effects[k]["figures"][f.name][when], lang) for k in labels]
            )
    return head, rows


def window_table(effects: dict, start: int, *, lang: str = "en") -> str:
    """Figure × stress: the median paired change in the window and after it."""
    return table(*window_rows(effects, start, lang=lang))


def pool_sentence(effects: dict, stress: str, *, lang: str = "en") -> str:
    """One stress at several rates (the report): does it move the pool's liquidity?"""
    share = max((e["pilot_share"] for e in effects.values()), default=0.0)
    moves = [k for k, e in effects.items() if e["moves_pool"]]
    if lang == "zh":
        from sim.report.params_zh import stress_name

        stress = stress_name(stress)
        if moves:
            return f"{stress} 会影响资金池的流动性（生存期、个贷率），见上表（{'、'.join(moves)}）"
        return (
            f"{stress} 不能影响资金池的流动性：灵活就业缴存仅占资金池的 {share:.2%}，"
            "其对资金池生存期和个贷率的影响小于 0.5%"
        )
    if moves:
        return (
            f"{stress} moves the pool's liquidity (survival horizon, loan-to-deposit): "
            f"see the table ({', '.join(moves)})"
        )
    return (
        f"{stress} cannot move the pool's liquidity: the pilot holds {share:.2%} of the "
        "pool's deposits, and its effect on the pool's survival horizon and loan-to-deposit "
        "is under 0.5%"
    )


def pool_lines(effects: dict, *, lang: str = "en") -> str:
    """Which stresses move the pool's liquidity, and which cannot (with the pilot's share)."""
    w = WORDS[lang]
    sep = "、" if lang == "zh" else ", "
    moves = [k for k, e in effects.items() if e["moves_pool"]]
    cannot = [k for k, e in effects.items() if not e["moves_pool"]]
    share = max((e["pilot_share"] for e in effects.values()), default=0.0)
    lines = [w["moves"].format(names=sep.join(moves) or w["none"])]
    if cannot:
        lines.append(w["cannot"].format(share=f"{share:.2%}", names=sep.join(cannot)))
    lines.append(w["note"])
    return "\n".join(lines)
