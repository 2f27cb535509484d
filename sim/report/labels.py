"""Names and number formats of every figure users see, in Chinese and English.

One line per metric in :data:`METRICS` — its Chinese and English name and its
kind — and the kind decides the unit and the decimals (:data:`KINDS`), so a
new series reaches the terminal, the report and the spreadsheet by adding one
line here; a series' kind is not written here but follows its unit in the
record's schema (:mod:`sim.engine.series`, :data:`SHOWN_AS`). People are
whole, money is shown in 万元 (Chinese) or million yuan (English) at fixed
decimals, ratios at three places, probabilities as whole percentages. :func:`money_text` words a single amount for prose: 万元 with one
decimal under 10 万元, 亿元 from 1 亿元 up, and in English thousand, million
or billion yuan — never "ten-thousand yuan".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.engine.series import BY_NAME


@dataclass(frozen=True)
class Kind:
    """How a kind of figure is shown: scale, decimals and unit in each language."""

    scale: dict[str, float]
    decimals: dict[str, int]
    unit: dict[str, str]
    percent: bool = False


KINDS = {
    "people": Kind({"zh": 1, "en": 1}, {"zh": 0, "en": 0}, {"zh": "人", "en": "people"}),
    "count": Kind({"zh": 1, "en": 1}, {"zh": 0, "en": 0}, {"zh": "", "en": ""}),
    "money": Kind({"zh": 1e4, "en": 1e6}, {"zh": 1, "en": 2}, {"zh": "万元", "en": "m yuan"}),
    "yuan": Kind({"zh": 1, "en": 1}, {"zh": 0, "en": 0}, {"zh": "元", "en": "yuan"}),
    "ratio": Kind({"zh": 1, "en": 1}, {"zh": 3, "en": 3}, {"zh": "", "en": ""}),
    "months": Kind({"zh": 1, "en": 1}, {"zh": 1, "en": 1}, {"zh": "月", "en": "months"}),
    "share": Kind({"zh": 0.01, "en": 0.01}, {"zh": 1, "en": 1}, {"zh": "%", "en": "%"}, True),
    "probability": Kind({"zh": 0.01, "en": 0.01}, {"zh": 0, "en": 0}, {"zh": "%", "en": "%"}, True),
}  # fmt: skip


@dataclass(frozen=True)
class Metric:
    """A figure's name in each language and its kind (a key of :data:`KINDS`)."""

    zh: str
    en: str
    kind: str


SHOWN_AS = {
    "yuan": "money", "people": "people", "accounts": "people", "loans": "count",
    "applications": "count", "requests": "count", "months": "months", "ratio": "ratio",
}  # fmt: skip
"""A series' unit (:mod:`sim.engine.series`) → the kind it is shown as (a key of
:data:`KINDS`): a person holds one account, so accounts are shown as people."""


def shown_as(name: str) -> str:
    """The kind a series is shown as, from its unit in the schema (a series without one, an
    index or a level, has no label here)."""
    return SHOWN_AS[BY_NAME[name].unit]


def _series(names: dict[str, tuple[str, str]]) -> dict[str, Metric]:
    return {name: Metric(zh, en, shown_as(name)) for name, (zh, en) in names.items()}


METRICS = {
    # series (sim.engine.series): the kind they are shown as follows their unit
    **_series({
        "members": ("缴存人数", "members"),
        "new_members": ("新开户人数", "new members"),
        "exits": ("退出人数", "exits"),
        "deposits": ("缴存额", "deposits"),
        "withdrawals": ("提取额", "withdrawals"),
        "deposit_balance": ("缴存余额", "deposit balance"),
        "subsidy_paid": ("缴存补贴支出", "subsidy paid"),
        "bonus_paid": ("奖励补贴支出", "bonus paid"),
        "tax_forgone": ("个税减免", "tax forgone"),
        "loans_disbursed": ("贷款发放笔数", "loans granted"),
        "loans_disbursed_amount": ("贷款发放额", "loans granted"),
        "loan_balance": ("贷款余额", "loan balance"),
        "pool_loan_to_deposit": ("个贷率（资金池）", "loan-to-deposit (pool)"),
        "loan_to_deposit": ("个贷率", "loan-to-deposit"),
        "survival_months": ("流动性生存期（仅现金）", "survival horizon (cash)"),
        "survival_months_with_line": ("流动性生存期（现金加未用授信）", "survival horizon (cash and undrawn line)"),
        "loan_queue_amount": ("轮候贷款金额", "loans queued"),
        "reserve_to_loans": ("风险准备金/贷款余额", "reserve / loans"),
        "risk_reserve": ("贷款风险准备金", "loan risk reserve"),
        "value_added_income": ("增值收益", "value-added income"),
        "loan_queue_length": ("贷款轮候队列", "loan queue"),
        "active_depositors": ("活跃缴存人数", "active depositors"),
        "dormant_accounts": ("休眠账户数", "dormant accounts"),
        "pool_equity": ("未分配增值收益", "undistributed value-added income"),
        "unmet_withdrawals": ("未能支付的提取", "unmet withdrawals"),
        "segment_value_added_income": ("灵活就业分账增值收益", "pilot's value-added income"),
        "segment_subsidy_cost": ("灵活就业补贴成本", "pilot's subsidy cost"),
        "segment_margin": ("灵活就业分账收益（扣除损失）", "pilot's margin"),
        "segment_reserve": ("灵活就业贷款风险准备金", "pilot's loan risk reserve"),
        "segment_reserve_to_loans": ("灵活就业准备金/贷款", "pilot's reserve / loans"),
        "segment_net_funding": ("灵活就业净融出资金", "pilot's net funding"),
    }),
    # stress metrics per path (sim.stress.metrics.path_metrics)
    "min_survival_months": Metric("最短流动性生存期", "shortest survival horizon", "months"),
    "peak_loan_to_deposit": Metric("最高个贷率", "peak loan-to-deposit", "ratio"),
    "peak_pool_loan_to_deposit": Metric("最高个贷率（资金池）", "peak loan-to-deposit (pool)", "ratio"),
    "max_queue_length": Metric("最长轮候队列", "longest loan queue", "count"),
    "max_wait_months": Metric("最长轮候时间", "longest wait", "months"),
    "max_credit_line": Metric("最大银行授信使用", "largest credit-line draw", "money"),
    "credit_line_cost": Metric("授信利息成本", "credit-line interest", "money"),
    "min_reserve_to_loans": Metric("最低风险准备金/贷款", "lowest reserve / loans", "ratio"),
    **_series({
        "credit_losses": ("贷款损失", "credit losses"),
        "defaults_amount": ("违约金额", "defaults"),
    }),
    # breaches (sim.stress.metrics.BREACHES)
    "P(survival breach)": Metric("生存期不足 12 个月的概率", "P(survival under 12 months)", "probability"),
    "P(credit_line breach)": Metric("授信用尽、提取未能支付的概率", "P(credit line used up, withdrawals unpaid)", "probability"),
    "P(reserve breach)": Metric("灵活就业风险准备金不足以抵补损失的概率", "P(pilot's reserve short of its losses)", "probability"),
    "P(ltd_85 breach)": Metric("个贷率高于 85% 的概率", "P(loan-to-deposit above 85%)", "probability"),
    "P(ltd_90 breach)": Metric("个贷率高于 90% 的概率", "P(loan-to-deposit above 90%)", "probability"),
    "P(ltd_95 breach)": Metric("个贷率高于 95% 的概率", "P(loan-to-deposit above 95%)", "probability"),
    "P(pool_reserve breach)": Metric("资金池风险准备金耗尽的概率", "P(pool's reserve exhausted)", "probability"),
    # stress effects in the window (sim.stress.window)
    "cohort_default_rate": Metric("压力前贷款的违约率（按金额）", "default rate of the loans before the stress", "share"),
    "cohort_losses": Metric("压力前贷款的损失", "losses on the loans before the stress", "money"),
    "default_rate": Metric("全部贷款违约率（年化，按金额）", "default rate, all loans (a year)", "share"),
    # breach sizes (sim.stress.breaches)
    "months_under_survival": Metric("现金生存期不足 12 个月的时长", "time with the cash horizon under 12 months", "months"),
    "min_survival_months_with_line": Metric("最短生存期（含未用授信）", "shortest horizon with the undrawn line", "months"),
    "max_queue_amount": Metric("最大轮候贷款金额", "largest amount of loans queued", "money"),
    "months_ltd_above_85": Metric("个贷率高于 85% 的时长", "time with loan-to-deposit above 85%", "months"),
    "months_ltd_above_90": Metric("个贷率高于 90% 的时长", "time with loan-to-deposit above 90%", "months"),
    "months_ltd_above_95": Metric("个贷率高于 95% 的时长", "time with loan-to-deposit above 95%", "months"),
    "reserve_shortfall": Metric("灵活就业准备金缺口", "pilot's reserve shortfall", "money"),
    "reserve_shortfall_share": Metric("准备金缺口/贷款峰值", "shortfall / the pilot's peak loans", "share"),
    "max_unmet_withdrawals": Metric("最大未能支付的提取", "largest unmet withdrawals", "money"),
}  # fmt: skip


def label(name: str, lang: str, *, unit: bool = True) -> str:
    """A metric's name in ``lang``, with its unit (``缴存余额（万元）``, ``deposit balance (m yuan)``)."""
    metric = METRICS.get(name)
    if metric is None:
        return name
    text = getattr(metric, lang)
    shown = KINDS[metric.kind].unit[lang]
    if not unit or not shown or KINDS[metric.kind].percent or metric.kind == "people":
        return text
    return f"{text}（{shown}）" if lang == "zh" else f"{text} ({shown})"


def number(value: float, kind: str, lang: str, *, sign: bool = False) -> str:
    """A value in its kind's unit at its fixed decimals; whole people stay whole."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    k = KINDS[kind]
    x = value / k.scale[lang]
    d = k.decimals[lang]
    text = f"{x:{'+' if sign else ''},.{d}f}"
    if text.lstrip("+-") == f"{0:.{d}f}":
        text = f"{0:.{d}f}"
    return text + ("%" if k.percent else "")


def value(name: str, x: float, lang: str, *, sign: bool = False) -> str:
    """:func:`number` for a named metric."""
    return number(x, METRICS[name].kind if name in METRICS else "ratio", lang, sign=sign)


def money_text(yuan: float, lang: str) -> str:
    """One amount for prose, at a precision that reads naturally."""
    a = abs(yuan)
    if lang == "zh":
        if a >= 1e8:
            return f"{yuan / 1e8:,.2f} 亿元"
        if a >= 1e5:
            return f"{yuan / 1e4:,.0f} 万元"
        if a >= 1e3:
            return f"{yuan / 1e4:,.1f} 万元"
        return f"{yuan:,.0f} 元"
    if a >= 1e9:
        return f"{yuan / 1e9:,.2f} billion yuan"
    if a >= 1e6:
        return f"{yuan / 1e6:,.1f} million yuan"
    if a >= 1e4:
        return f"{yuan / 1e3:,.0f} thousand yuan"
    return f"{yuan:,.0f} yuan"
